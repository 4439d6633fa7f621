"""Train the decider of ``learned.py`` from labelled documents, and cross-validate it.

Each labelled document is read and run through the rules pipeline; every unit becomes one
training example: its feature text (``learned.features``) and its label, found by matching
the unit to the gold promises with the eval's own matcher (``evaluate.assign``): a matched
unit is ``promise_<category>``; an unmatched one that matches a labelled non-promise takes
its kind (``customer_duty``, ``third_party``); every other unit is ``not_promise``.

The pipeline of the model and the training settings are in ``extract/decider.cfg``; the
same pipeline, trained on the promise units alone, chooses the category (``category/``).
Training is seeded (``[training] seed``) and reproducible; the model folder holds the spaCy
pipeline plus ``promiseaudit.json`` (version = hash of the data and config, threshold,
what it was trained on).
"""
from __future__ import annotations

import json
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

from .errors import PromiseAuditError
from .extract import learned

CONFIG_PATH = Path(__file__).parent / "extract" / "decider.cfg"


@dataclass
class Labelled:
    """One labelled document: its gold file and the source it was labelled on."""

    stem: str
    gold_path: Path
    source: Path
    gold: dict


def labelled_documents(gold_dir: Path, stems: Optional[Iterable[str]] = None) -> list[Labelled]:
    """The labelled documents of a gold folder (one source each: text before PDF)."""
    from .evaluate import default_source_dirs, find_sources, load_gold

    gold_dir = Path(gold_dir)
    wanted = set(stems) if stems is not None else None
    out = []
    for path in sorted(gold_dir.glob("*.json")):
        if wanted is not None and path.stem not in wanted:
            continue
        sources = find_sources(path.stem, default_source_dirs(gold_dir))
        if sources:
            out.append(Labelled(path.stem, path, sources[0], load_gold(path)))
    return out


def unit_label(unit_index: int, pairs: dict, gold: dict, unit_text: str) -> str:
    from .evaluate import MATCH_THRESHOLD, match_score

    if unit_index in pairs:
        return f"promise_{gold['promises'][pairs[unit_index]]['category']}"
    best, kind = 0.0, "not_promise"
    for entry in gold.get("non_promises", []):
        score = match_score(entry["text"], unit_text)
        if score >= MATCH_THRESHOLD and score > best:
            best, kind = score, entry["kind"]
    return kind if kind in learned.LABELS else "not_promise"


def examples_for(doc_items: Sequence[Labelled], nlp) -> dict:
    """stem -> list of (feature text, label) for every unit of each document.

    nlp: a rules pipeline built with ``build_nlp("rules", keep_features=True)``.
    """
    return {item.stem: unit_examples(item, nlp)[1] for item in doc_items}


def unit_examples(item: Labelled, nlp) -> tuple[list, list]:
    """The units of one labelled document and, for each, (feature text, label)."""
    from .evaluate import assign
    from .read import read_document
    from .extract.run import prepare

    doc = nlp(prepare(nlp, read_document(item.source, strict=True)))
    units = doc._.pa_units or []
    texts = doc._.pa_features or []
    gold_texts = [g["text"] for g in item.gold.get("promises", [])]
    pairs = {ui: gi for gi, ui, _ in assign(gold_texts, [u.text for u in units])}
    return units, [(texts[i], unit_label(i, pairs, item.gold, u.text)) for i, u in enumerate(units)]


def _settings(config) -> dict:
    training = config["training"]
    extra = config.get("promiseaudit", {})
    epochs = int(training.get("max_epochs", 10))
    return {"seed": int(training.get("seed", 0)), "epochs": epochs,
            "category_epochs": int(extra.get("category_epochs", epochs)),
            "dropout": float(training.get("dropout", 0.1)), "batch_size": int(extra.get("batch_size", 64)),
            "threshold": float(extra.get("threshold", 0.5))}


def _fit(config, settings: dict, examples: Sequence[tuple[str, str]], labels: Sequence[str], epochs: int):
    """A fresh pipeline of the config with its ``textcat`` trained on (text, label) pairs."""
    from spacy.training import Example
    from spacy.util import fix_random_seed, load_model_from_config, minibatch

    fix_random_seed(settings["seed"])
    nlp = load_model_from_config(config, auto_fill=True, validate=True)
    textcat = nlp.get_pipe("textcat")
    for label in labels:
        textcat.add_label(label)
    egs = [Example.from_dict(learned.as_doc(nlp.vocab, text), {"cats": {lab: float(lab == label) for lab in labels}})
           for text, label in examples]
    optimizer = nlp.initialize(lambda: egs[:2000])
    rng = random.Random(settings["seed"])
    for _epoch in range(epochs):
        order = list(egs)
        rng.shuffle(order)
        for batch in minibatch(order, size=settings["batch_size"]):
            nlp.update(batch, drop=settings["dropout"], sgd=optimizer)
    return nlp


def train(examples: Sequence[tuple[str, str]], out_dir: Path, config_path: Path = CONFIG_PATH,
          version: str = "", trained_on: Sequence[str] = (), epochs: Optional[int] = None) -> Path:
    """Train the decider on (feature text, label) pairs and write it to ``out_dir``: the
    promise decision over all ten labels, and in ``category/`` the category decision,
    trained on the seller-promise units alone.

    epochs (int | None): overrides ``[training] max_epochs`` and ``[promiseaudit]
        category_epochs`` (the fast test gate uses fewer).
    RETURNS (Path): the model folder, loadable with ``build_nlp(str(out_dir))``.
    """
    import spacy
    from spacy.util import load_config

    config = load_config(config_path)
    settings = _settings(config)
    if not examples:
        raise PromiseAuditError("no labelled units to train on; check the gold folders")
    nlp = _fit(config, settings, examples, learned.LABELS, epochs if epochs is not None else settings["epochs"])
    promises = [(text, label) for text, label in examples if label.startswith("promise_")]
    category_labels = [f"promise_{c}" for c in learned.CATEGORIES]
    if not promises:
        raise PromiseAuditError("no labelled promises to train the category on; check the gold folders")
    category_nlp = _fit(config, settings, promises, category_labels,
                        epochs if epochs is not None else settings["category_epochs"])
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)
    category_nlp.to_disk(out_dir / learned.CATEGORY_DIR)
    meta = {"version": version or "untracked", "threshold": settings["threshold"], "labels": list(learned.LABELS),
            "trained_on": list(trained_on), "units": len(examples), "category_units": len(promises),
            "seed": settings["seed"], "spacy": spacy.__version__}
    (out_dir / "promiseaudit.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return out_dir


def data_files(items: Sequence[Labelled]) -> list[Path]:
    """What a model's version hashes: the labelled documents, and the rule files and the
    extractor's code whose findings are its features (a rule change means retraining)."""
    from .extract.components import PATTERN_DIR

    rules = sorted(p for p in PATTERN_DIR.iterdir() if p.suffix in (".json", ".jsonl", ".py"))
    code = sorted(PATTERN_DIR.parent.glob("*.py"))
    return [p for item in items for p in (item.gold_path, item.source)] + rules + code


def train_model(gold_dirs: Sequence[Path], out_dir: Path, exclude: Iterable[str] = (),
                config_path: Path = CONFIG_PATH) -> Path:
    """Train the shipped decider on every labelled document of ``gold_dirs`` except the
    ``exclude`` stems (the blind split)."""
    from .extract.pipeline import build_nlp

    excluded = set(exclude)
    items = [i for d in gold_dirs for i in labelled_documents(d) if i.stem not in excluded]
    rules = build_nlp("rules", keep_features=True)
    by_stem = examples_for(items, rules)
    examples = [e for item in items for e in by_stem[item.stem]]
    version = learned.version_of(data_files(items), Path(config_path).read_text(encoding="utf-8"))
    return train(examples, out_dir, config_path, version, [i.stem for i in items])


def folds_of(stems: Sequence[str], k: int, seed: int) -> list[list[str]]:
    """Documents dealt into k folds at random (seeded), so no document is in two."""
    order = sorted(stems)
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


def cross_validate(corpus_gold: Path, stems: Sequence[str], k: int = 5, extra_gold_dirs: Sequence[Path] = (),
                   seed: int = 13, epochs: Optional[int] = None, config_path: Path = CONFIG_PATH):
    """Document-level k-fold cross-validation on the corpus.

    Each fold's documents are scored by a model trained on the other folds (plus the
    documents of ``extra_gold_dirs``, which are never scored here). RETURNS a pair of
    EvalReports over the same documents: (learned, rules alone).
    """
    from .evaluate import EvalReport, evaluate
    from .extract.pipeline import build_nlp

    items = labelled_documents(corpus_gold, stems)
    extra = [i for d in extra_gold_dirs for i in labelled_documents(d)]
    rules = build_nlp("rules", keep_features=True)
    by_stem = examples_for(items + extra, rules)
    extra_examples = [e for i in extra for e in by_stem[i.stem]]
    learned_sources = []
    with tempfile.TemporaryDirectory(prefix="promiseaudit-cv-") as tmp:
        for n, fold in enumerate(folds_of([i.stem for i in items], k, seed)):
            train_examples = extra_examples + [e for i in items if i.stem not in fold for e in by_stem[i.stem]]
            model_dir = train(train_examples, Path(tmp) / f"fold{n}", config_path, f"cv-fold{n}", epochs=epochs)
            report = evaluate(corpus_gold, nlp=build_nlp(str(model_dir)), stems=fold)
            learned_sources.extend(report.sources)
    rules_report = evaluate(corpus_gold, nlp=build_nlp("rules"), stems=[i.stem for i in items])
    return EvalReport(learned_sources), rules_report


def load_splits(corpus_dir: Path) -> dict:
    """``splits.json``: the blind documents, chosen before any training."""
    path = Path(corpus_dir) / "splits.json"
    if not path.is_file():
        return {"blind": []}
    return json.loads(path.read_text(encoding="utf-8"))
