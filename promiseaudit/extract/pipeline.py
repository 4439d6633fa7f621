"""Build the spaCy pipeline that finds promises.

``build_nlp`` returns ``spacy.blank("en")`` (or an installed trained pipeline, never
downloaded) with the components of ``components.py`` and a ``span_ruler`` fed from the
shipped pattern files, loaded with ``validate=True`` so a misspelt key fails at once.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Optional

import spacy
from spacy.language import Language

from . import components  # noqa: F401  (registers the factories)
from ..errors import PromiseAuditError
from .components import CUES_KEY, PATTERN_DIR
from .learned import MODEL_DIR

PATTERN_FILES = ("commitments.jsonl", "modifiers.jsonl", "non_promises.jsonl", "categories.jsonl")


def load_patterns(files: Iterable[str] = PATTERN_FILES, directory: Path = PATTERN_DIR) -> list[dict]:
    """Every span pattern shipped in ``patterns/`` (one JSON object a line)."""
    patterns = []
    for name in files:
        with open(directory / name, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                line = line.strip()
                if line:
                    try:
                        patterns.append(json.loads(line))
                    except json.JSONDecodeError as e:
                        raise ValueError(f"{name} line {number}: not valid JSON ({e.msg})") from None
    return patterns


def decider_path(model: Optional[str]) -> Optional[str]:
    """Which trained decider ``model`` names: None (the shipped model, or the rules alone
    if none is shipped), "rules" (the rules alone), or a model directory from
    ``promiseaudit train``."""
    if model == "rules":
        return None
    if not model:
        return str(MODEL_DIR) if (MODEL_DIR / "config.cfg").is_file() else None
    if not (Path(model) / "config.cfg").is_file():
        raise PromiseAuditError(f"--model {model}: not a trained model folder; give 'rules' or a folder "
                                f"written by 'promiseaudit train'")
    return str(model)


def build_nlp(model: Optional[str] = None, keep_features: bool = False) -> Language:
    """The extraction pipeline: ``spacy.blank("en")`` with our components.

    model (str | None): None for the trained model shipped in the package, "rules" for
        the rules alone, or a model folder written by ``promiseaudit train``.
    keep_features (bool): keep each unit's feature text in ``doc._.pa_features`` (for
        training) even when the rules decide.
    RETURNS (Language): build once and reuse it for every document.
    """
    decider = decider_path(model)
    nlp = spacy.blank("en")
    nlp.add_pipe("promiseaudit_segmenter")
    ruler = nlp.add_pipe(
        "span_ruler",
        name="promiseaudit_cues",
        after="promiseaudit_segmenter",
        config={"spans_key": CUES_KEY, "phrase_matcher_attr": "LOWER", "validate": True,
                "annotate_ents": False, "overwrite": False},
    )
    ruler.add_patterns(load_patterns())
    nlp.add_pipe("promiseaudit_regex_cues")
    nlp.add_pipe("promiseaudit_parties")
    nlp.add_pipe("promiseaudit_commitments", config={"decider_path": decider, "keep_features": keep_features})
    nlp.add_pipe("promiseaudit_parameters")
    return nlp
