"""Score the extractor against hand-labelled proposals.

Each ``gold/<stem>.json`` (format: fixtures/GOLD_FORMAT.md) is paired with every source
file of the same stem found in the source folders: ``proposals/<stem>.txt|md|docx``,
``pdf/<stem>.pdf`` and ``docx/<stem>.docx`` next to the gold folder by default. Each
source is read with ``read_document`` and extracted with the real pipeline (the
document date and locale are detected from the text, as in normal use).

Matching rule (gold promise <-> extracted promise):
- both texts are normalised: whitespace collapsed, curly quotes made straight, dashes
  made "-", markdown emphasis and list markers dropped, lower-cased;
- the score of a pair is the Jaccard overlap of their word sets; when one normalised
  text contains the other (a row quoted with or without its number) the score is 1.0,
  provided the shorter text has at least 4 words or 40 % of the longer one's words; a
  quote clipped at the end of its page (the start of the other text, 3 words or more)
  also scores 1.0;
- a pair can match when its score is >= 0.6; pairs are assigned 1:1, greedily, best
  score first (ties: gold order).

Precision = matched / extracted, recall = matched / gold. Each labelled promise counts
once: when a document has several copies (.txt, .pdf, .docx) the overall figures use the
first (text, then .docx, then PDF); the per-kind rows compare the copies. Category
accuracy is over matched pairs. A parameter's accuracy is over the matched pairs whose
gold label states it ("labelled"); a value found where the gold states none is counted
as spurious. ``strength`` is always labelled (firm unless hedged). An extracted promise that matches nothing is a false
positive; it is marked "labelled non-promise" when it matches a text in the gold file's
``non_promises`` list by the same rule.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Optional, Sequence

from .errors import PromiseAuditError

PARAMETERS = ("due", "within_days", "business_days", "anchor", "recurrence", "quantity", "unit", "threshold",
              "threshold_unit", "direction", "strength", "condition")
SOURCE_SUFFIXES = (".txt", ".md", ".markdown", ".docx", ".pdf")
GOLD_DEFAULTS = {"business_days": False, "strength": "firm"}
MATCH_THRESHOLD = 0.6
KIND_GROUPS = {"txt": "txt/md", "md": "txt/md", "pdf": "pdf", "docx": "docx"}

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u201c": '"',
                         "\u201d": '"', "\u201e": '"', "\u2032": "'", "\u2013": "-", "\u2014": "-",
                         "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-", "\u00a0": " "})
_WORDS = re.compile(r"[a-z0-9]+(?:['.,-][a-z0-9]+)*")


def normalise(text: str) -> str:
    """Text as compared by the matcher (see the module docstring)."""
    text = text.translate(_QUOTES)
    text = re.sub(r"[*_`]+", "", text)
    text = re.sub(r"(?m)^\s*(?:[-•▪◦‣·]|\(?[0-9a-zA-Z]{1,3}[.)]|\d+(?:\.\d+)+)\s+", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def _words(norm: str) -> set:
    return set(_WORDS.findall(norm))


def match_score(a: str, b: str) -> float:
    """Similarity of two quotes, 0..1 (1.0 when one contains the other)."""
    na, nb = normalise(a), normalise(b)
    wa, wb = _words(na), _words(nb)
    if not wa or not wb:
        return 0.0
    short, long_ = (na, nb) if len(na) <= len(nb) else (nb, na)
    ws, wl = (wa, wb) if len(na) <= len(nb) else (wb, wa)
    core = short.rstrip(".;:, ")
    if core and core in long_ and (len(ws) >= 4 or len(ws) >= 0.4 * len(wl)):
        return 1.0
    if core and long_.startswith(core) and len(ws) >= 3:
        return 1.0  # a quote clipped at the end of its page
    return len(wa & wb) / len(wa | wb)


def assign(gold_texts: Sequence[str], found_texts: Sequence[str], threshold: float = MATCH_THRESHOLD):
    """1:1 greedy pairs (gold index, found index, score), best score first."""
    scored = []
    for gi, g in enumerate(gold_texts):
        for fi, f in enumerate(found_texts):
            s = match_score(g, f)
            if s >= threshold:
                scored.append((s, gi, fi))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    used_g, used_f, pairs = set(), set(), []
    for s, gi, fi in scored:
        if gi in used_g or fi in used_f:
            continue
        used_g.add(gi)
        used_f.add(fi)
        pairs.append((gi, fi, s))
    return sorted(pairs)


def _same(field_name: str, gold, found) -> bool:
    if field_name == "condition":
        return bool(gold) == bool(found)
    if field_name == "due":
        found = found.isoformat() if isinstance(found, date) else found
        return (gold or None) == (found or None)
    if field_name in ("quantity", "threshold", "within_days"):
        if gold is None or found is None:
            return gold is None and found is None
        return abs(float(gold) - float(found)) < 1e-6
    if field_name == "business_days":
        return bool(gold) == bool(found)
    if isinstance(gold, str) and isinstance(found, str):
        return gold.strip().lower() == found.strip().lower()
    return gold == found


@dataclass
class SourceResult:
    """The score of one source file against its gold file."""

    gold_file: str
    source: str
    kind: str
    gold: int = 0
    found: int = 0
    matched: int = 0
    category_ok: int = 0
    parameter_ok: dict = field(default_factory=lambda: {p: 0 for p in PARAMETERS})
    parameter_labelled: dict = field(default_factory=lambda: {p: 0 for p in PARAMETERS})
    parameter_labelled_ok: dict = field(default_factory=lambda: {p: 0 for p in PARAMETERS})
    parameter_spurious: dict = field(default_factory=lambda: {p: 0 for p in PARAMETERS})
    primary: bool = True
    misses: list = field(default_factory=list)
    false_positives: list = field(default_factory=list)
    mismatches: list = field(default_factory=list)
    error: str = ""
    detected_date: Optional[str] = None
    gold_date: Optional[str] = None


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


@dataclass
class EvalReport:
    """Scores over all sources, by kind of source, and the lists to fix."""

    sources: list

    def _totals(self, sources) -> dict:
        gold = sum(s.gold for s in sources)
        found = sum(s.found for s in sources)
        matched = sum(s.matched for s in sources)
        precision, recall = _ratio(matched, found), _ratio(matched, gold)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        params = {p: _ratio(sum(s.parameter_ok[p] for s in sources), matched) for p in PARAMETERS}
        labelled = {p: sum(s.parameter_labelled[p] for s in sources) for p in PARAMETERS}
        labelled_ok = {p: sum(s.parameter_labelled_ok[p] for s in sources) for p in PARAMETERS}
        spurious = {p: sum(s.parameter_spurious[p] for s in sources) for p in PARAMETERS}
        return {
            "sources": len(sources), "gold": gold, "found": found, "matched": matched,
            "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "category_accuracy": round(_ratio(sum(s.category_ok for s in sources), matched), 4),
            "parameter_accuracy": {p: round(v, 4) for p, v in params.items()},
            "parameters_labelled": labelled,
            "parameter_accuracy_labelled": {p: round(_ratio(labelled_ok[p], labelled[p]), 4) for p in PARAMETERS},
            "parameter_spurious": spurious,
            "parameter_spurious_rate": {p: round(_ratio(spurious[p], matched) if matched else 0.0, 4)
                                        for p in PARAMETERS},
        }

    @property
    def overall(self) -> dict:
        """Each labelled promise once (the first copy of each document)."""
        return self._totals([s for s in self.sources if s.primary])

    @property
    def precision(self) -> float:
        return self.overall["precision"]

    @property
    def recall(self) -> float:
        return self.overall["recall"]

    @property
    def f1(self) -> float:
        return self.overall["f1"]

    @property
    def category_accuracy(self) -> float:
        return self.overall["category_accuracy"]

    @property
    def parameter_accuracy(self) -> dict:
        return self.overall["parameter_accuracy"]

    @property
    def by_kind(self) -> dict:
        groups: dict = {}
        for s in self.sources:
            groups.setdefault(KIND_GROUPS.get(s.kind, s.kind), []).append(s)
        return {kind: self._totals(items) for kind, items in sorted(groups.items())}

    @property
    def misses(self) -> list:
        return [m for s in self.sources if s.primary for m in s.misses]

    @property
    def false_positives(self) -> list:
        return [f for s in self.sources if s.primary for f in s.false_positives]

    @property
    def mismatches(self) -> list:
        return [m for s in self.sources if s.primary for m in s.mismatches]

    def to_dict(self) -> dict:
        return {
            "overall": self.overall,
            "by_kind": self.by_kind,
            "sources": [
                {"gold_file": s.gold_file, "source": s.source, "kind": s.kind, "gold": s.gold, "found": s.found,
                 "matched": s.matched, "error": s.error or None, "document_date": s.detected_date,
                 "gold_document_date": s.gold_date}
                for s in self.sources
            ],
            "misses": self.misses,
            "false_positives": self.false_positives,
            "mismatches": self.mismatches,
        }

    def format_text(self) -> str:
        """A plain-text report for the terminal."""
        lines = []
        o = self.overall
        lines.append(f"Extraction scores: {o['sources']} sources, {o['gold']} gold promises, "
                     f"{o['found']} extracted, {o['matched']} matched")
        lines.append("")
        header = f"{'':10}{'files':>6}{'gold':>6}{'found':>7}{'prec':>7}{'recall':>7}{'F1':>7}{'categ':>7}"
        lines.append(header)
        rows = [("overall", o)] + list(self.by_kind.items())
        for name, t in rows:
            lines.append(f"{name:10}{t['sources']:>6}{t['gold']:>6}{t['found']:>7}{t['precision']:>7.3f}"
                         f"{t['recall']:>7.3f}{t['f1']:>7.3f}{t['category_accuracy']:>7.3f}")
        lines.append("")
        lines.append("Parameters (overall): accuracy where the gold states one, and values found where it states none")
        lines.append(f"  {'':15}{'labelled':>9}{'accuracy':>9}{'spurious':>9}{'rate':>7}")
        for n in PARAMETERS:
            lines.append(f"  {n:15}{o['parameters_labelled'][n]:>9}{o['parameter_accuracy_labelled'][n]:>9.3f}"
                         f"{o['parameter_spurious'][n]:>9}{o['parameter_spurious_rate'][n]:>7.3f}")
        lines.append("")
        lines.append("Parameter accuracy over matched promises (null = null counts as right):")
        names = list(PARAMETERS)
        lines.append(f"{'':10}" + "".join(f"{n[:9]:>10}" for n in names))
        for name, t in rows:
            lines.append(f"{name:10}" + "".join(f"{t['parameter_accuracy'][n]:>10.3f}" for n in names))
        lines.append("")
        lines.append("Per source:")
        for s in self.sources:
            p, r = _ratio(s.matched, s.found), _ratio(s.matched, s.gold)
            note = f"  ERROR: {s.error}" if s.error else ""
            date_note = "" if s.detected_date == s.gold_date else f"  (date {s.detected_date} vs gold {s.gold_date})"
            lines.append(f"  {s.source:40} gold {s.gold:3}  found {s.found:3}  P {p:.2f}  R {r:.2f}{note}{date_note}")
        if self.misses:
            lines.append("")
            lines.append(f"Missed ({len(self.misses)}):")
            for m in self.misses:
                lines.append(f"  {m['source']}: [{m['category']}] {_one_line(m['text'])}")
        if self.false_positives:
            lines.append("")
            lines.append(f"False positives ({len(self.false_positives)}):")
            for f in self.false_positives:
                mark = "  <- labelled non-promise" if f["labelled_non_promise"] else ""
                lines.append(f"  {f['source']}: [{f['category']}] {_one_line(f['text'])}  ({f['rule']}){mark}")
        if self.mismatches:
            lines.append("")
            lines.append(f"Parameter mismatches ({len(self.mismatches)}):")
            for m in self.mismatches:
                lines.append(f"  {m['source']}: {m['field']}: gold {m['gold']!r}, found {m['found']!r}  | "
                             f"{_one_line(m['text'])}")
        return "\n".join(lines)


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


def find_sources(stem: str, dirs: Sequence[Path]) -> list[Path]:
    out = []
    for d in dirs:
        for suffix in SOURCE_SUFFIXES:
            path = d / f"{stem}{suffix}"
            if path.is_file() and path not in out:
                out.append(path)
    return out


def complete_gold(gold: dict) -> dict:
    """A gold file with every parameter filled in (the corpus's compact form leaves out
    what the text does not state) and every non-promise as ``{"text", "kind"}``."""
    out = dict(gold)
    out["promises"] = [{name: item.get(name) for name in PARAMETERS} | item for item in gold.get("promises", [])]
    for item in out["promises"]:
        for name, default in GOLD_DEFAULTS.items():
            if item[name] is None:
                item[name] = default
    out["non_promises"] = [n if isinstance(n, dict) else {"text": n, "kind": "not_promise"}
                           for n in gold.get("non_promises", [])]
    return out


def load_gold(path: Path) -> dict:
    """A gold file, completed (``complete_gold``); a file that is not valid JSON is one
    clear error."""
    try:
        return complete_gold(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError) as e:
        raise PromiseAuditError(f"{Path(path).name}: not a readable gold file ({e}); fix the JSON") from None


def default_source_dirs(gold_dir: Path) -> list[Path]:
    """Where a gold folder's sources are: ``docs`` (the corpus), ``proposals``, ``pdf``
    and ``docx`` beside it."""
    base = Path(gold_dir).parent
    return [base / "docs", base / "proposals", base / "pdf", base / "docx"]


def evaluate(gold_dir, sources_dirs=None, nlp=None, stems=None) -> EvalReport:
    """Score the extractor on every gold file in ``gold_dir``.

    gold_dir (str | Path): folder of ``<stem>.json`` gold files.
    sources_dirs (list | None): folders to look for ``<stem>.*`` sources in; by default
        ``docs``, ``proposals``, ``pdf`` and ``docx`` beside ``gold_dir``.
    nlp (Language | None): a pipeline from ``build_nlp`` (built here when None).
    stems (list | None): score only these documents.
    RETURNS (EvalReport): scores, misses, false positives and parameter mismatches.
    """
    from .extract import build_nlp, extract_many
    from .extract.dates import detect_document_date
    from .read import read_document

    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise PromiseAuditError(f"{gold_dir}: not a folder of gold files; pass the folder holding <name>.json files")
    if sources_dirs is None:
        sources_dirs = default_source_dirs(gold_dir)
    sources_dirs = [Path(d) for d in sources_dirs]
    if not any(gold_dir.glob("*.json")):
        hint = f" (did you mean {gold_dir / 'gold'}?)" if (gold_dir / "gold").is_dir() else ""
        raise PromiseAuditError(f"{gold_dir}: no gold files (<name>.json) in this folder{hint}; "
                                "pass the folder holding them")
    nlp = nlp or build_nlp()
    wanted = set(stems) if stems is not None else None
    jobs = []
    for gold_path in sorted(gold_dir.glob("*.json")):
        if wanted is not None and gold_path.stem not in wanted:
            continue
        gold = load_gold(gold_path)
        for n, source in enumerate(find_sources(gold_path.stem, sources_dirs)):
            jobs.append((gold_path, gold, source, n == 0))
    results: list[SourceResult] = []
    documents = []
    for gold_path, gold, source, primary in jobs:
        result = SourceResult(gold_path.name, source.name, source.suffix.lstrip(".").lower(),
                              gold_date=gold.get("document_date"), primary=primary)
        try:
            document = read_document(source, strict=True)
        except PromiseAuditError as e:
            result.error = str(e)
            document = None
        results.append(result)
        documents.append(document)
    readable = [(i, d) for i, d in enumerate(documents) if d is not None]
    extracted = dict(zip([i for i, _ in readable], extract_many([d for _, d in readable], nlp)))
    for index, (gold_path, gold, source, _primary) in enumerate(jobs):
        result = results[index]
        document = documents[index]
        if document is not None:
            found_date = detect_document_date(document.text)
            result.detected_date = found_date.isoformat() if found_date else None
        _score(result, gold, extracted.get(index, []))
    return EvalReport(results)


def _score(result: SourceResult, gold: dict, found: list) -> None:
    golds = gold.get("promises", [])
    result.gold, result.found = len(golds), len(found)
    pairs = assign([g["text"] for g in golds], [p.text for p in found])
    result.matched = len(pairs)
    matched_g = {gi for gi, _, _ in pairs}
    matched_f = {fi for _, fi, _ in pairs}
    for gi, fi, _ in pairs:
        g, p = golds[gi], found[fi]
        if g.get("category") == p.category:
            result.category_ok += 1
        else:
            result.mismatches.append({"source": result.source, "field": "category", "gold": g.get("category"),
                                      "found": p.category, "text": g["text"], "rule": p.rule})
        for name in PARAMETERS:
            value = getattr(p, name)
            same = _same(name, g.get(name), value)
            stated = name == "strength" or bool(g.get(name)) if name in ("business_days", "condition") \
                else name == "strength" or g.get(name) is not None
            if stated:
                result.parameter_labelled[name] += 1
                result.parameter_labelled_ok[name] += same
            elif not (value is None or value is False or value in ("", "firm")) and name != "strength":
                # (a found 0, "on the day of signature", is a value too: 0 == False)
                result.parameter_spurious[name] += 1
            if same:
                result.parameter_ok[name] += 1
            else:
                shown = value.isoformat() if isinstance(value, date) else value
                result.mismatches.append({"source": result.source, "field": name, "gold": g.get(name),
                                          "found": shown, "text": g["text"], "rule": p.rule})
    for gi, g in enumerate(golds):
        if gi not in matched_g:
            result.misses.append({"source": result.source, "text": g["text"], "category": g.get("category")})
    non_promises = gold.get("non_promises", [])
    for fi, p in enumerate(found):
        if fi in matched_f:
            continue
        hit = any(match_score(n["text"], p.text) >= MATCH_THRESHOLD for n in non_promises)
        result.false_positives.append({"source": result.source, "text": p.text, "category": p.category,
                                       "rule": p.rule, "reason": p.reason, "page": p.page,
                                       "labelled_non_promise": hit})


def side_by_side(reports: dict) -> str:
    """Several EvalReports over the same documents, one column each (e.g. rules, learned)."""
    names = list(reports)
    rows = [("documents", "sources", "d"), ("gold promises", "gold", "d"), ("found", "found", "d"),
            ("precision", "precision", "f"), ("recall", "recall", "f"), ("F1", "f1", "f"),
            ("category", "category_accuracy", "f")]
    lines = [f"{'':24}" + "".join(f"{n:>12}" for n in names)]
    overall = {n: r.overall for n, r in reports.items()}
    for label, key, kind in rows:
        cells = [overall[n][key] for n in names]
        lines.append(f"{label:24}" + "".join(f"{c:>12}" if kind == "d" else f"{c:>12.3f}" for c in cells))
    lines.append("parameters (accuracy where labelled / spurious per matched promise):")
    for name in PARAMETERS:
        labelled = overall[names[-1]]["parameters_labelled"][name]
        cells = [f"{overall[n]['parameter_accuracy_labelled'][name]:.3f}/{overall[n]['parameter_spurious_rate'][name]:.3f}"
                 for n in names]
        lines.append(f"  {name + f' ({labelled})':22}" + "".join(f"{c:>12}" for c in cells))
    return "\n".join(lines)


def split_stems(gold_dir, which: Optional[str]) -> Optional[list]:
    """The documents of a corpus split: "blind" (from ``splits.json``), "dev" (the rest)
    or None (every document). A gold folder without splits has no blind documents."""
    if which is None:
        return None
    from .training import load_splits

    gold_dir = Path(gold_dir)
    blind = set(load_splits(gold_dir.parent)["blind"])
    if which == "blind":
        if not blind:
            raise PromiseAuditError(f"{gold_dir.parent}: no blind split (splits.json); this folder has none")
        return sorted(blind)
    return sorted(p.stem for p in gold_dir.glob("*.json") if p.stem not in blind)


def cross_validate_corpus(gold_dir, folds: int, epochs: Optional[int] = None, extra_gold_dirs=None):
    """k-fold cross-validation on a corpus's development documents (the blind split is
    left out). RETURNS (learned EvalReport, rules-only EvalReport)."""
    from .training import cross_validate

    gold_dir = Path(gold_dir)
    extra = [Path(d) for d in (extra_gold_dirs if extra_gold_dirs is not None else _default_extra(gold_dir))]
    return cross_validate(gold_dir, split_stems(gold_dir, "dev"), folds, extra, epochs=epochs)


def _default_extra(gold_dir: Path) -> list:
    """The project's own labelled proposals, trained on in every fold (never scored there)."""
    fixtures = gold_dir.resolve().parent.parent
    return [d for d in (fixtures / "gold", fixtures / "holdout" / "gold") if d.is_dir() and d != gold_dir.resolve()]


def train_shipped_model(corpus_dir, gold_dirs=None, out_dir=None):
    """Train the decider on the corpus's development documents plus ``gold_dirs``.
    RETURNS (model folder, its meta)."""
    from .extract.learned import MODEL_DIR
    from .training import load_splits, train_model

    corpus_dir = Path(corpus_dir)
    if not (corpus_dir / "gold").is_dir():
        raise PromiseAuditError(f"{corpus_dir}: no gold folder inside; give the corpus folder (fixtures/corpus)")
    dirs = [corpus_dir / "gold"] + [Path(d) for d in (gold_dirs if gold_dirs is not None
                                                        else _default_extra(corpus_dir / "gold"))]
    path = train_model(dirs, Path(out_dir) if out_dir else MODEL_DIR, exclude=load_splits(corpus_dir)["blind"])
    return path, json.loads((path / "promiseaudit.json").read_text(encoding="utf-8"))
