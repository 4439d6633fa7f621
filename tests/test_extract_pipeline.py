"""The spaCy pipeline: shipped patterns, components, extensions, batching, import hygiene."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from promiseaudit.errors import PromiseAuditError
from promiseaudit.extract import EXTRACTOR_VERSION, build_nlp, extract, extract_many, extractor_version
from promiseaudit.extract.components import PATTERN_DIR, load_lexicon, load_regex_cues
from promiseaudit.extract.pipeline import PATTERN_FILES, load_patterns
from promiseaudit.models import Document, Page


def test_every_shipped_pattern_file_runs_through_the_blank_pipeline():
    """validate=True rejects bad keys when added; running catches E155-style errors."""
    shipped = sorted(p.name for p in PATTERN_DIR.glob("*.jsonl") if not p.name.startswith(("dates_", "quantities_")))
    assert set(PATTERN_FILES) | {"regex_cues.jsonl"} == set(shipped)
    for name in PATTERN_FILES:
        blank = spacy.blank("en")
        ruler = blank.add_pipe("span_ruler", config={"validate": True, "phrase_matcher_attr": "LOWER"})
        patterns = load_patterns([name])
        assert patterns and all(set(p) == {"label", "pattern", "id"} for p in patterns), name
        ruler.add_patterns(patterns)
        doc = blank("We will typically install 40 gateways if needed, with training and 99.9% uptime; "
                    "invoices are payable in 30 days.")
        assert len(doc.spans["ruler"]) > 0, name


def test_regex_cues_load_and_compile():
    rows = load_regex_cues()
    assert rows and len({r["id"] for r in rows}) == len(rows)


def test_bad_regex_cue_is_reported_with_its_line(tmp_path):
    bad = tmp_path / "cues.jsonl"
    bad.write_text('{"label": "X", "id": "x.ok", "regex": "ok"}\n{"label": "X", "id": "x.bad", "regex": "(("}\n')
    with pytest.raises(ValueError, match="line 2"):
        load_regex_cues(str(bad))


def test_misspelt_span_pattern_key_is_rejected():
    blank = spacy.blank("en")
    ruler = blank.add_pipe("span_ruler", config={"validate": True})
    with pytest.raises(Exception):
        ruler.add_patterns([{"label": "X", "pattern": [{"LOWR": "will"}], "id": "x"}])


def test_lexicon_is_valid_json_with_the_sections_the_rules_use():
    lexicon = load_lexicon()
    for key in ("parties", "predicates", "present", "headings", "lead_ins", "categories", "confidence"):
        assert key in lexicon
    assert lexicon["categories"]["precedence"] == ["pricing", "warranty", "training", "check_in", "support",
                                                   "service_level", "delivery"]
    json.dumps({k: v for k, v in lexicon.items() if not k.startswith("_")})


def test_pipeline_components_in_order(nlp):
    assert nlp.pipe_names == ["promiseaudit_segmenter", "promiseaudit_cues", "promiseaudit_regex_cues",
                              "promiseaudit_parties", "promiseaudit_commitments", "promiseaudit_parameters"]


def test_extensions_are_set_by_factories_and_idempotent(nlp):
    assert Doc.has_extension("pa_units") and Doc.has_extension("pa_candidates")
    again = build_nlp()  # a second build must not fail on existing extensions
    assert again.pipe_names == nlp.pipe_names


def test_plain_nlp_call_works_and_sets_sentences(nlp):
    doc = nlp("## Support\n\nWe will answer calls within 1 hour. The Client will provide access.")
    assert [s.text.strip() for s in doc.sents if s.text.strip()] == ["## Support", "We will answer calls within 1 hour.",
                                                            "The Client will provide access."]
    assert [c.unit.text for c in doc._.pa_candidates] == ["We will answer calls within 1 hour."]


def test_unknown_model_is_refused_without_downloading():
    with pytest.raises(PromiseAuditError, match="not a trained model folder"):
        build_nlp("xx_no_such_pipeline_sm")


def test_promise_fields(nlp):
    document = Document(path="/tmp/a.md", name="a.md", kind="md", sha256="0" * 64,
                        pages=(Page(1, "We will install 40 cameras by 30 June 2027."),))
    (p,) = extract(document, nlp)
    assert p.source == "a.md" and p.page == 1 and (p.start, p.end) == (0, len(p.text))
    assert p.extractor_version == extractor_version(nlp)
    assert p.extractor_version.startswith(EXTRACTOR_VERSION)
    assert p.rule and p.reason and 0 < p.confidence <= 1


def test_extract_many_matches_single_extraction(nlp):
    docs = [Document(path=f"/tmp/{n}.md", name=f"{n}.md", kind="md", sha256="0" * 64,
                     pages=(Page(1, text),))
            for n, text in enumerate(["We will train 12 staff.", "Invoices are payable in 30 days.",
                                      "Uptime will be at least 99.9% each month."])]
    many = list(extract_many(docs, nlp))
    assert [[p.text for p in ps] for ps in many] == [[p.text for p in extract(d, nlp)] for d in docs]
    assert [len(ps) for ps in many] == [1, 0, 1]


def test_importing_promiseaudit_does_not_import_spacy():
    code = "import sys, promiseaudit, promiseaudit.models, promiseaudit.evaluate; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(Path(__file__).parent.parent))
    assert out.stdout.strip() == "False"


def test_issue_8_a_misspelt_lexicon_key_is_an_error(tmp_path):
    lexicon = load_lexicon()
    lexicon["categories"]["clok_rule"] = lexicon["categories"].pop("clock_rule")
    path = tmp_path / "lexicon.json"
    path.write_text(json.dumps(lexicon))
    with pytest.raises(ValueError, match="unknown key 'clok_rule'"):
        load_lexicon(str(path))


def test_issue_8_every_weighted_pattern_id_exists():
    """A weight for a pattern id that no pattern has would silently do nothing."""
    ids = {p["id"] for p in load_patterns()} | {r["id"] for r in load_regex_cues()}
    weights = load_lexicon()["categories"]["pattern_weights"]
    missing = [i for i in weights if i not in ids]
    assert not missing, missing
