"""Issue 8: the learned decision. Rules' findings become marker tokens; a spaCy textcat
trained here (seeded) decides every unit; the model's version is stored on each promise."""
import json
from pathlib import Path

import pytest

from builders import text_document
from promiseaudit.errors import PromiseAuditError
from promiseaudit.extract import build_nlp, extract, extractor_version, learned
from promiseaudit.extract.run import prepare
from promiseaudit import training
from promiseaudit.evaluate import load_gold

FIXTURES = Path(__file__).parent.parent / "fixtures"
CONTRACT = ('SUPPORT AGREEMENT\n\nThis Agreement is made between Orrin Data Systems, Inc. ("ODS") and '
            'Pellworth Mills Corp. ("Pellworth").\n\n'
            "ODS shall respond to each Severity 1 Incident within one (1) hour. "
            "Pellworth shall pay all invoices within thirty (30) days.\n")


@pytest.fixture(scope="module")
def rules_features():
    return build_nlp("rules", keep_features=True)


@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
    """A decider trained for two epochs on the project's own labelled proposals."""
    items = training.labelled_documents(FIXTURES / "gold")
    by_stem = training.examples_for(items, build_nlp("rules", keep_features=True))
    examples = [e for item in items for e in by_stem[item.stem]]
    out = tmp_path_factory.mktemp("model")
    training.train(examples, out, version="testmodel01", trained_on=[i.stem for i in items], epochs=2)
    return out, examples


def units_and_features(nlp, text):
    doc = nlp(prepare(nlp, text_document(text, "c.txt")))
    return [u.text for u in doc._.pa_units], doc._.pa_features


def test_features_mask_the_parties_and_carry_the_rules_findings(rules_features):
    units, feats = units_and_features(rules_features, CONTRACT)
    ours = feats[next(i for i, u in enumerate(units) if u.startswith("ODS shall respond"))]
    theirs = feats[next(i for i, u in enumerate(units) if u.startswith("Pellworth shall pay"))]
    assert "| xseller shall respond" in ours and "xsubj_seller" in ours and "xcue_modal" in ours
    assert "| xcustomer shall pay" in theirs and "xsubj_customer" in theirs
    assert "ods" not in ours.split("|", 1)[1] and "xnum" in ours


def test_a_second_clock_without_a_subject_is_read_as_the_first_parts(rules_features):
    text = CONTRACT + "ODS shall answer each call within two (2) hours and be on site within one (1) business day.\n"
    units, feats = units_and_features(rules_features, text)
    on_site = feats[units.index("be on site within one (1) business day.")]
    assert "xpart_clause" in on_site and "xl_xseller" in on_site and "xl_shall" in on_site
    assert "xsubj_seller" in on_site


def test_every_unit_gets_a_label_from_the_gold_file():
    gold = load_gold(FIXTURES / "gold" / "managedit_corebridge.json")
    assert all(p["strength"] in ("firm", "soft") for p in gold["promises"])
    items = training.labelled_documents(FIXTURES / "gold", ["managedit_corebridge"])
    (examples,) = training.examples_for(items, build_nlp("rules", keep_features=True)).values()
    labels = [label for _, label in examples]
    assert set(labels) <= set(learned.LABELS)
    assert sum(label.startswith("promise_") for label in labels) == len(gold["promises"])


def test_training_is_seeded_and_reproducible(small_model, tmp_path):
    first, examples = small_model
    again = training.train(examples, tmp_path / "again", version="testmodel01", epochs=2)
    texts = [t for t, _ in examples[:200]]
    a = learned.decide(learned.load_model(str(first)), texts)
    b = learned.decide(learned.load_model(str(again)), texts)
    assert a == b


def test_a_trained_model_decides_and_its_version_is_on_every_promise(small_model):
    model_dir, _ = small_model
    nlp = build_nlp(str(model_dir))
    assert extractor_version(nlp).endswith("+testmodel01")
    found = extract(text_document(CONTRACT, "c.txt"), nlp)
    assert found and all(p.extractor_version == extractor_version(nlp) for p in found)
    meta = json.loads((model_dir / "promiseaudit.json").read_text())
    assert set(meta["labels"]) == set(learned.LABELS) and meta["seed"] == 7



def test_the_category_comes_from_a_second_model_trained_on_the_promises(small_model, tmp_path):
    """The category model sits in category/, knows only the seven categories and was
    trained on the promise units; a model folder without it falls back to the first
    model's promise labels."""
    import shutil

    model_dir, examples = small_model
    meta = json.loads((model_dir / "promiseaudit.json").read_text())
    assert meta["category_units"] == sum(label.startswith("promise_") for _, label in examples)
    model = learned.load_model(str(model_dir))
    nlp, _meta, category_nlp = model
    assert category_nlp is not None
    assert set(category_nlp.get_pipe("textcat").labels) == {f"promise_{c}" for c in learned.CATEGORIES}
    texts = [t for t, _ in examples[:300]]
    two = learned.decide(model, texts)
    one = learned.decide((nlp, _meta, None), texts)
    assert [d.promise_probability for d in two] == [d.promise_probability for d in one]
    labels, scores = learned._scores(category_nlp, texts)
    kept = [n for n, d in enumerate(two) if d.promise_probability >= _meta["threshold"]]
    assert kept and len(kept) < len(texts)
    assert [two[n].category for n in kept] == [
        labels[max(range(len(labels)), key=scores[n].__getitem__)][len("promise_"):] for n in kept]
    # the units below the threshold are not kept: they get the first model's category
    assert [two[n].category for n in range(len(texts)) if n not in kept] == \
        [one[n].category for n in range(len(texts)) if n not in kept]
    copy = tmp_path / "without"
    shutil.copytree(model_dir, copy)
    shutil.rmtree(copy / learned.CATEGORY_DIR)
    assert learned.load_model(str(copy))[2] is None
    assert learned.decide(learned.load_model(str(copy)), texts) == one

def test_rules_alone_are_still_available_and_named_so():
    nlp = build_nlp("rules")
    assert extractor_version(nlp).endswith("-rules")


def test_model_option_refuses_a_folder_that_is_not_a_model(tmp_path):
    with pytest.raises(PromiseAuditError, match="not a trained model folder"):
        build_nlp(str(tmp_path))


def test_version_is_a_hash_of_data_and_config(tmp_path):
    a = tmp_path / "a.json"
    a.write_text("{}")
    v1 = learned.version_of([a], "config")
    assert v1 == learned.version_of([a], "config")
    assert v1 != learned.version_of([a], "config2")
    a.write_text('{"x": 1}')
    assert v1 != learned.version_of([a], "config")


def test_folds_keep_each_document_in_one_fold():
    folds = training.folds_of([f"d{i}" for i in range(23)], 5, seed=3)
    flat = [s for f in folds for s in f]
    assert sorted(flat) == sorted(f"d{i}" for i in range(23)) and len(folds) == 5
    assert folds == training.folds_of([f"d{i}" for i in range(23)], 5, seed=3)


def test_the_shipped_model_reads_a_contract_it_was_not_trained_on(shipped_nlp):
    found = {p.text: p for p in extract(text_document(CONTRACT, "c.txt"), shipped_nlp)}
    ours = found.get("ODS shall respond to each Severity 1 Incident within one (1) hour.")
    assert ours is not None and ours.category == "service_level" and ours.threshold == 1
    assert not any(t.startswith("Pellworth shall pay") for t in found)


def test_the_shipped_model_is_small_loads_without_download_and_is_current():
    """It ships in the package (at most 20 MB), and its version is the hash of the data
    and config it was trained on: retrain (promiseaudit train) when either changes."""
    size = sum(f.stat().st_size for f in learned.MODEL_DIR.rglob("*") if f.is_file())
    assert size <= 20 * 1024 * 1024
    meta = json.loads((learned.MODEL_DIR / "promiseaudit.json").read_text())
    corpus = FIXTURES / "corpus"
    blind = set(training.load_splits(corpus)["blind"])
    items = [i for d in (corpus / "gold", FIXTURES / "gold", FIXTURES / "holdout" / "gold")
             for i in training.labelled_documents(d) if i.stem not in blind]
    assert sorted(meta["trained_on"]) == sorted(i.stem for i in items)
    assert not blind & set(meta["trained_on"])
    expected = learned.version_of(training.data_files(items), training.CONFIG_PATH.read_text(encoding="utf-8"))
    assert meta["version"] == expected, "the shipped model is stale: run 'promiseaudit train'"


def test_developer_commands_refuse_bad_input_in_one_line(runner, tmp_path):
    from promiseaudit.cli import main

    r = runner.invoke(main, ["eval", str(FIXTURES / "gold"), "--blind"])
    assert (r.exit_code, r.stderr) == (1, f"Error: {FIXTURES}: no blind split (splits.json); this folder has none\n")
    r = runner.invoke(main, ["train", "--corpus", str(tmp_path)])
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: {tmp_path}: no gold folder inside")
    r = runner.invoke(main, ["extract", str(FIXTURES / "proposals" / "fleet_trackwise.txt"), "--model", str(tmp_path)])
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and "not a trained model folder" in r.stderr
