"""CLI wiring that needs no extraction: help speed, --db, errors as one line."""
import subprocess
import sys


from promiseaudit.cli import main


def test_help_lists_the_commands(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for cmd in ["extract", "ingest", "deals", "deliveries", "audit", "report", "brief",
                "export", "review", "waive", "link", "unmatched", "demo", "eval"]:
        assert cmd in result.output


def test_help_does_not_import_spacy_or_pdfplumber():
    code = ("import sys; from promiseaudit.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "bad = [m for m in ('spacy', 'pdfplumber', 'pypdfium2', 'jinja2') if m in sys.modules]\n"
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_db_comes_from_option_or_environment(runner, tmp_path):
    deals = tmp_path / "deals.csv"
    deals.write_text("deal_id,customer\nD-1,Acme\n")
    env_db = tmp_path / "env.db"
    r = runner.invoke(main, ["deals", "import", str(deals)], env={"PROMISEAUDIT_DB": str(env_db)})
    assert r.exit_code == 0, r.output
    assert env_db.exists()
    opt_db = tmp_path / "opt.db"
    r = runner.invoke(main, ["--db", str(opt_db), "deals", "list"])
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: No ledger at {opt_db}")
    assert not opt_db.exists()  # reading never creates an empty ledger
    r = runner.invoke(main, ["--db", str(env_db), "deals", "list"])
    assert "Acme" in r.output


def test_bad_file_is_one_line_exit_1(runner, tmp_path, db_path):
    bad = tmp_path / "deals.csv"
    bad.write_text("customer\nAcme\n")
    r = runner.invoke(main, ["--db", db_path, "deals", "import", str(bad)])
    assert r.exit_code == 1
    assert r.stderr == ("Error: deals.csv: missing column(s) deal_id; the first row must name "
                        "the columns (deal_id) or import with --map\n")


def test_bad_date_option_is_usage_error(runner, db_path):
    r = runner.invoke(main, ["--db", db_path, "audit", "--as-of", "31/12/2027"])
    assert r.exit_code == 2
    assert "'31/12/2027' is not a date; write it as YYYY-MM-DD" in r.stderr


def test_deals_set_records_go_live(runner, tmp_path, db_path):
    deals = tmp_path / "deals.csv"
    deals.write_text("deal_id,customer\nD-1,Acme\n")
    runner.invoke(main, ["--db", db_path, "deals", "import", str(deals)])
    r = runner.invoke(main, ["--db", db_path, "deals", "set", "D-1", "--go-live", "2027-04-22",
                             "--by", "dana"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["--db", db_path, "history", "D-1"])
    assert "go_live_on: None -> 2027-04-22" in r.output and "dana" in r.output
    r = runner.invoke(main, ["--db", db_path, "deals", "set", "D-9", "--go-live", "2027-04-22"])
    assert r.exit_code == 1 and "No deal 'D-9' in the ledger" in r.stderr


def test_delivery_for_unknown_deal_leaves_ledger_unchanged(runner, tmp_path, db_path):
    deals = tmp_path / "deals.csv"
    deals.write_text("deal_id\nD-1\n")
    runner.invoke(main, ["--db", db_path, "deals", "import", str(deals)])
    dl = tmp_path / "d.csv"
    dl.write_text("deal_id,category,delivered_on\nD-1,delivery,2027-01-01\nD-2,delivery,2027-01-02\n")
    r = runner.invoke(main, ["--db", db_path, "deliveries", "import", str(dl)])
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: d.csv row 3: deal 'D-2' is not in the ledger")
    r = runner.invoke(main, ["--db", db_path, "deliveries", "list"])
    assert r.output == ""
