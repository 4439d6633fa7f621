"""The learned decision: is a unit the seller's promise, and of which category?

Every unit the segmenter finds (sentence, list item, table row, ``Key: value`` field) is a
candidate. The rules' findings about it become marker tokens put in front of its text:

- the unit's kind, heading words, lead-in words and table header words;
- what the rules concluded (promise or not, the rule family, the party of the subject,
  the rules' category) and the cue labels found in it (modal, hedge, condition, dates,
  numbers, category cues...);
- the parties: the seller's and the customer's names and defined terms are replaced by
  ``xseller`` / ``xcustomer``, so "XACCT shall respond" and "Provider shall respond" read
  alike, and "Licensee shall notify" reads as the customer's duty.

A spaCy ``textcat`` (``spacy.TextCatBOW``, trained by ``promiseaudit/training.py`` from the
labelled corpus) reads that text and chooses one of ten labels: the seven categories of a
seller promise (``promise_delivery`` ...), ``customer_duty``, ``third_party`` or
``not_promise``. The probability of the unit being a promise is the sum of the seven
promise labels.

Its category is chosen by a second ``textcat`` of the same architecture, trained only on
the units that are seller promises and choosing among the seven categories (the
``category/`` folder of the model, trained for ``[promiseaudit] category_epochs``). It
reads the same feature text; trained apart from the promise decision and for longer, it
is not pulled towards the labels that most units carry. A model folder without it takes
the most likely of the first model's seven promise labels.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

from ..models import CATEGORIES
from . import classify

MODEL_DIR = Path(__file__).parent / "model"
ROLE_LABELS = ("customer_duty", "third_party", "not_promise")
LABELS = tuple(f"promise_{c}" for c in CATEGORIES) + ROLE_LABELS
FEATURES_VERSION = "4"
CATEGORY_DIR = "category"

_WORD = re.compile(r"[a-z][a-z'-]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_TOKEN = re.compile(r"[\w'-]+|[^\w\s]")


@dataclass
class Decision:
    """The model's answer for one unit."""

    promise_probability: float
    category: str
    label: str


def _words(text: str, limit: int) -> list[str]:
    return _WORD.findall(text.lower())[:limit]


def mask_parties(text: str, parties) -> str:
    """The text with the seller's and customer's names and role words as placeholders."""
    for which, token in (("seller", " xseller "), ("customer", " xcustomer "),
                         ("seller_role", " xseller "), ("customer_role", " xcustomer ")):
        pattern = parties.matcher(which)
        if pattern is not None:
            text = pattern.sub(token, text)
    return text


_COMMITMENT_CUES = ("MODAL", "COMMIT", "SOFT_COMMIT")
_VERB = re.compile(r"\s*(?:not\s+|also\s+|promptly\s+|use\s+(?:its\s+)?(?:\w+\s+){0,2}efforts\s+to\s+|be\s+)?([a-z]+)")


def commitments(text: str, cues: Sequence[classify.Cue], ctx: classify.Context) -> list[tuple[str, str]]:
    """(whose, verb) for each modal or commitment verb in the unit, in order:
    ("seller", "provide"), ("customer", "pay"), so the model sees who does what."""
    out = []
    for cue in cues:
        if cue.label in _COMMITMENT_CUES:
            m = _VERB.match(text[cue.end:].lower())
            out.append((classify.classify_party(classify.subject_before(text, cue.start), ctx), m.group(1) if m else ""))
    return out


def features(unit, judgement: classify.Judgement, cues: Sequence[classify.Cue], ctx: classify.Context,
             lead_text: str = "", subject_party: Optional[str] = None) -> str:
    """The text the model reads for one unit: marker tokens, then the masked, lower-cased text.

    subject_party: whose commitment a unit without its own subject continues
    ("seller" for "be on site within 4 hours" after "Our engineer will respond within 1 hour").
    """
    text = unit.text
    commits = commitments(text, cues, ctx)
    if subject_party:
        commits = [(subject_party if party == "neutral" else party, verb) for party, verb in commits] or \
            [(subject_party, "")]
    marks = [f"xkind_{unit.kind}", f"xrule_{'yes' if judgement.promise else 'no'}",
             f"xrb_{re.sub(r'[^a-z_]', '', judgement.rule.split('/')[0])}",
             f"xparty_{judgement.party or 'none'}", f"xsubj_{commits[0][0] if commits else 'none'}"]
    if unit.part:
        marks.append(f"xpart_{unit.part}")
    if judgement.promise and judgement.category:
        marks.append(f"xcat_{judgement.category}")
    marks += sorted({f"xcue_{c.label.lower()}" for c in cues})
    marks += [token for party, verb in commits[:4] for token in (f"xsv_{party}", f"xsv_{party}_{verb}")]
    hclass = classify.heading_class(unit.heading, ctx)
    if hclass:
        marks.append(f"xhc_{hclass}")
    marks += _heading_marks(unit.heading)
    if lead_text:
        marks += [f"xl_{w}" for w in _words(mask_parties(lead_text, ctx.parties), 8)]
    if unit.table is not None and unit.table.header:
        marks += [f"xth_{w}" for w in _words(" ".join(unit.table.header), 10)]
    letters = "".join(filter(str.isalpha, text))
    if letters and sum(map(str.isupper, letters)) > 0.8 * len(letters):
        marks.append("xupper")
    words = len(text.split())
    marks.append("xlen_" + ("1" if words < 4 else "2" if words < 10 else "3" if words < 30 else "4"
                            if words < 70 else "5"))
    body = _NUMBER.sub(" xnum ", mask_parties(text, ctx.parties).lower())
    return " ".join(marks) + " | " + " ".join(_TOKEN.findall(body))


@lru_cache(maxsize=512)
def _heading_marks(heading: str) -> list:
    return [f"xh_{w}" for w in _words(heading, 6)]


def as_doc(vocab, text: str):
    """A feature text as a spaCy Doc: the features are already split into tokens, so
    the decider reads whitespace-separated words (no tokenizer, same in training)."""
    from spacy.tokens import Doc

    return Doc(vocab, words=text.split())


def load_model(path: Optional[str]):
    """The trained decider and its meta, or None: (promise pipeline, meta, category
    pipeline or None), each pipeline a spaCy pipeline with one ``textcat``.

    path (str | None): a model directory written by ``training.train``; None for the
        model shipped in the package.
    """
    import spacy

    directory = Path(path) if path else MODEL_DIR
    if not (directory / "config.cfg").is_file():
        return None
    nlp = spacy.load(directory)
    meta = json.loads((directory / "promiseaudit.json").read_text(encoding="utf-8"))
    category_dir = directory / CATEGORY_DIR
    category_nlp = spacy.load(category_dir) if (category_dir / "config.cfg").is_file() else None
    return nlp, meta, category_nlp


def _scores(nlp, texts: Sequence[str], docs: Optional[list] = None):
    """(labels, an array with one row of label scores per text) from a pipeline's ``textcat``.

    docs: the texts already made into Docs (``as_doc``), to read them with a second
        pipeline without building them again; their words are looked up in each
        pipeline's own vocabulary (the bag-of-words model hashes the words' text)."""
    import numpy

    textcat = nlp.get_pipe("textcat")
    labels = list(textcat.labels)
    rows = []
    for start in range(0, len(texts), 512):
        batch = docs[start:start + 512] if docs is not None else [as_doc(nlp.vocab, t)
                                                                    for t in texts[start:start + 512]]
        if batch:
            rows.append(textcat.model.ops.to_numpy(textcat.predict(batch)))
    return labels, numpy.concatenate(rows) if rows else numpy.zeros((0, len(labels)), dtype="float32")


def decide(model, texts: Sequence[str]) -> list[Decision]:
    """Run the decider over the feature texts of a document's units.

    The category model reads only the units that pass the promise threshold (the
    model's ``threshold``); the others, which are not kept, get the first model's most
    likely promise label as their category."""
    nlp, meta, category_nlp = model
    docs = [as_doc(nlp.vocab, t) for t in texts]
    labels, scores = _scores(nlp, texts, docs)
    if not len(scores):
        return []
    promise_cols = [i for i, lab in enumerate(labels) if lab.startswith("promise_")]
    # rounded as the extractor compares them with the threshold
    probabilities = [round(float(total), 4) for total in scores[:, promise_cols].sum(axis=1)]
    tops = scores.argmax(axis=1)
    categories = [labels[promise_cols[i]] for i in scores[:, promise_cols].argmax(axis=1)]
    if category_nlp is not None:
        threshold = meta.get("threshold", 0.5)
        chosen = [n for n, probability in enumerate(probabilities) if probability >= threshold]
        category_labels, category_scores = _scores(category_nlp, [texts[n] for n in chosen],
                                                   [docs[n] for n in chosen])
        for n, best in zip(chosen, category_scores.argmax(axis=1)):
            categories[n] = category_labels[best]
    return [Decision(probability, category[len("promise_"):], labels[top])
            for probability, category, top in zip(probabilities, categories, tops)]


def version_of(data_files: Sequence[Path], config_text: str) -> str:
    """A short hash of the training data and the config: the model's version."""
    digest = hashlib.sha256()
    digest.update(config_text.encode("utf-8"))
    digest.update(FEATURES_VERSION.encode("utf-8"))
    for path in sorted(data_files, key=lambda p: (p.parent.name, p.name)):
        digest.update(path.name.encode("utf-8"))
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
