"""Issue 10: the help a sales manager reads. Every option of every command says what it
is for; --window names the kinds of promise; history and review explain their fields;
the developers' commands are listed apart."""
import click
import pytest

from promiseaudit.cli import DEVELOPER_COMMANDS, main
from promiseaudit.ledger import open_ledger
from promiseaudit.models import CATEGORIES
from promiseaudit.review import REVIEW_COLUMNS


def all_commands(group=main, prefix="promiseaudit"):
    yield prefix, group
    for name, cmd in sorted(group.commands.items()):
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, f"{prefix} {name}")
        else:
            yield f"{prefix} {name}", cmd


OPTIONS = [(f"{name} {'/'.join(p.opts)}", p) for name, cmd in all_commands()
           for p in cmd.params if isinstance(p, click.Option)]


@pytest.mark.parametrize("name,option", OPTIONS, ids=[n for n, _ in OPTIONS])
def test_every_option_has_help(name, option):
    assert (option.help or "").strip(), f"{name} has no help text"


def help_of(runner, *args) -> str:
    result = runner.invoke(main, [*args, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.output


def test_window_lists_the_kinds_of_promise(runner):
    text = " ".join(help_of(runner, "audit").split())
    for category in CATEGORIES:
        assert category in text
    assert "e.g. training=14" in text


@pytest.mark.parametrize("window", ["service level=10", "Service-Level=10", "check-in=3"])
def test_window_takes_the_kinds_as_people_write_them(runner, db_path, window):
    open_ledger(db_path)
    r = runner.invoke(main, ["--db", db_path, "audit", "--window", window])
    assert r.exit_code == 0, r.output


def test_window_names_the_kinds_when_one_is_wrong(runner, db_path):
    open_ledger(db_path)
    r = runner.invoke(main, ["--db", db_path, "audit", "--window", "trainings=14"])
    assert r.exit_code == 2
    assert ("'trainings' is not a kind of promise; use one of delivery, service_level, "
            "training, check_in, support, warranty, pricing") in r.stderr


def test_developer_commands_have_their_own_heading(runner):
    text = help_of(runner)
    commands, _, developers = text.partition("For developers:")
    assert developers, "no developers' heading in promiseaudit --help"
    listed = [line.split()[0] for line in developers.splitlines() if line.startswith("  ")]
    assert listed == sorted(DEVELOPER_COMMANDS) == ["eval", "train"]
    for name in DEVELOPER_COMMANDS:
        assert f"\n  {name} " not in commands
    for name in ("audit", "brief", "report", "review", "history", "demo"):
        assert f"\n  {name} " in commands


def test_history_explains_each_field(runner):
    text = " ".join(help_of(runner, "history").split())
    for field in ("when", "who", "action", "what", "change", "(note)"):
        assert f" {field} " in text
    for action in ("ingest", "review", "edit", "link", "waive", "supersede"):
        assert action in text


def test_review_explains_every_column_of_the_sheet(runner):
    text = help_of(runner, "review")
    for column in REVIEW_COLUMNS:
        if column not in ("promise_id", "deal_id"):
            assert column in text, f"review --help does not explain the column {column}"
    assert "confirm or reject" in text
    assert "signature, kickoff, go_live" in text
