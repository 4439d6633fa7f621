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
from .components import CUES_KEY, PATTERN_DIR

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


def _base(model: Optional[str]) -> Language:
    if not model or model == "blank":
        return spacy.blank("en")
    if spacy.util.is_package(model) or Path(model).exists():
        nlp = spacy.load(model, exclude=["ner", "lemmatizer", "textcat"])
        return nlp
    raise ValueError(
        f"spaCy pipeline '{model}' is not installed; leave --model out to use the built-in rules"
    )


def build_nlp(model: Optional[str] = None) -> Language:
    """The extraction pipeline.

    model (str | None): None for ``spacy.blank("en")``; the name or path of an installed
        trained pipeline to add our components to (it is never downloaded).
    RETURNS (Language): build once and reuse it for every document.
    """
    nlp = _base(model)
    first = {"first": True} if nlp.pipe_names else {}
    nlp.add_pipe("promiseaudit_segmenter", **first)
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
    nlp.add_pipe("promiseaudit_commitments")
    nlp.add_pipe("promiseaudit_parameters")
    return nlp
