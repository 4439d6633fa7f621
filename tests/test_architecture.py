"""Data flows one way (read -> extract -> ledger -> audit -> report): a lower stage never
imports a higher one. And every command is documented in the README with help text."""
import ast
from pathlib import Path

import click
import pytest

from promiseaudit.cli import main

PKG = Path(__file__).parent.parent / "promiseaudit"
RANK = {
    "models": 0, "errors": 0, "tiers": 0,
    "read": 1,
    "extract": 2,
    "ledger": 3,
    "imports": 4, "review": 4, "audit": 4, "customers": 0, "calendars": 1,
    "report": 5, "export": 5,
    "api": 6, "browse": 6, "parallel": 6, "evaluate": 6, "training": 6, "demo": 7,
    "cli": 8, "__main__": 9, "__init__": 0,
}


def stage_of(module: str) -> str:
    return module.split(".")[0]


def modules():
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG).with_suffix("")
        parts = rel.parts
        if parts[0] in ("sample", "mappings", "templates"):
            continue
        yield path, parts


def imported_stages(path: Path, parts) -> set:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(parts[:-1]) if len(parts) > 1 else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = base + (node.module.split(".") if node.module else [])
                if not target and node.names:
                    target = [node.names[0].name]
                if target:
                    found.add(target[0])
            elif node.module and node.module.startswith("promiseaudit."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("promiseaudit."):
                    found.add(alias.name.split(".")[1])
    return found


@pytest.mark.parametrize("path,parts", list(modules()), ids=lambda x: str(x))
def test_lower_stages_do_not_import_higher_ones(path, parts):
    own = parts[0] if parts[0] in RANK else stage_of(parts[-1])
    rank = RANK[own]
    for stage in imported_stages(path, parts):
        if stage in RANK and stage != own:
            assert RANK[stage] <= rank, f"{path.name} ({own}) imports higher stage {stage}"


def all_commands(group=main, prefix=""):
    for name, cmd in sorted(group.commands.items()):
        full = f"{prefix}{name}"
        yield full, cmd
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, full + " ")


@pytest.mark.parametrize("name,cmd", list(all_commands()), ids=lambda x: str(x))
def test_every_command_has_help_and_is_in_the_readme(name, cmd):
    assert cmd.help or cmd.short_help, f"{name} has no help"
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"promiseaudit {name}" in readme, f"`promiseaudit {name}` is not in the README"
