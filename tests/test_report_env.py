"""The Jinja environment: autoescaping, strict variables, template lookup, filters."""
from dataclasses import replace
from datetime import date
from pathlib import Path

import jinja2
import pytest
from bs4 import BeautifulSoup

import promiseaudit
from promiseaudit.errors import PromiseAuditError
from promiseaudit.report import (
    brief_html,
    make_environment,
    manager_report,
    template_dirs,
    weekly_report,
)
from promiseaudit.report.formatting import amount, number, plural, shorten, threshold_phrase
from report_data import AS_OF, WEEK_START, promise_by_text, sample_audit_data

HOSTILE = 'We will deliver <script>alert("x")</script> & <b>bold</b> "on time".'


@pytest.fixture(scope="module")
def hostile():
    data = sample_audit_data()
    target = promise_by_text(data, "health report")  # broken: shown everywhere
    promises = tuple(p.with_(text=HOSTILE) if p.id == target.id else p for p in data.promises)
    deals = dict(data.deals)
    deals["D-1001"] = replace(deals["D-1001"], customer="Harbor <Logistics> & Co")
    return replace(data, promises=promises, deals=deals)


@pytest.mark.parametrize("render", [
    lambda d: manager_report(d),
    # Last week it was pending, so it "broke this week" and is listed.
    lambda d: weekly_report(replace(d, previous={promise_by_text(d, "<script>").id: "pending"}),
                            WEEK_START, AS_OF),
    lambda d: brief_html(d, deal_id="D-1001"),
], ids=["manager", "weekly", "brief"])
def test_script_in_a_quote_shows_as_text(hostile, render):
    html = render(hostile)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None
    assert soup.find("b") is None
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert 'alert("x")' in soup.get_text() and HOSTILE in " ".join(soup.get_text().split())
    assert "Harbor <Logistics> & Co" in soup.get_text()


def test_environment_autoescapes_and_is_strict():
    env = make_environment()
    assert env.autoescape is True
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
    assert env.from_string("{{ x }}").render(x="<i>") == "&lt;i&gt;"
    assert env.from_string("{{ d|format_date('%d %b %Y') }}").render(d=date(2027, 5, 6)) \
        == "06 May 2027"
    assert env.from_string("{{ d|format_date }}").render(d=None) == "Not recorded yet"
    assert env.from_string("{{ 'at_risk'|status_label }}").render() == "At risk"
    assert env.from_string("{{ 'check_in'|category_label }}").render() == "Check-in"
    assert "background-color:#b42318" in env.from_string("{{ 'broken'|status_style }}").render()


def test_each_call_builds_its_own_environment():
    assert make_environment() is not make_environment()


def test_templates_come_from_the_package_then_the_source_tree():
    package = Path(promiseaudit.__file__).resolve().parent
    dirs = template_dirs()
    expected = [str(p) for p in (package / "templates", package.parent / "templates")
                if p.is_dir()][:1]
    assert dirs == expected and dirs
    assert all((Path(d) / "manager.html").is_file() for d in dirs[:1])


def test_a_user_template_folder_comes_first(tmp_path):
    (tmp_path / "brief.html").write_text(
        '{% extends "_base.html" %}{% block content %}<h1>Our brief for {{ title }}</h1>'
        "{% endblock %}", encoding="utf-8")
    env = make_environment(str(tmp_path))
    html = brief_html(sample_audit_data(), deal_id="D-1002", env=env)
    assert "<h1>Our brief for Crestview Dental Group</h1>" in html
    assert "<style>" in html  # the shipped base layout is still found
    assert template_dirs(str(tmp_path))[0] == str(tmp_path)


def test_a_missing_template_folder_is_a_clear_error(tmp_path):
    with pytest.raises(PromiseAuditError, match="Template folder .* not found"):
        make_environment(str(tmp_path / "nope"))


def test_a_user_template_with_a_typo_fails_loudly(tmp_path):
    (tmp_path / "manager.html").write_text("{{ totals.kept_rate_typo }}", encoding="utf-8")
    with pytest.raises(jinja2.UndefinedError):
        manager_report(sample_audit_data(), env=make_environment(str(tmp_path)))


@pytest.mark.parametrize("value,text", [
    (310.0, "310"), (99.82, "99.82"), (38400, "38,400"), (0.5, "0.5"), (None, "Not recorded yet"),
])
def test_number(value, text):
    assert number(value) == text


def test_units_and_levels_in_words():
    assert plural("gateway", 340) == "gateways"
    assert plural("delivery", 2) == "deliveries"
    assert plural("session", 1) == "session"
    assert amount(99.9, "%") == "99.9%"
    assert amount(4, "business hour") == "4 business hours"
    assert threshold_phrase(1, "hour", "at_most") == "within 1 hour"
    assert threshold_phrase(99.9, "%", "at_least") == "at least 99.9%"
    assert threshold_phrase(2, "defect", "at_most") == "at most 2 defects"
    assert shorten("one two three four five", 12) == "one two…"
