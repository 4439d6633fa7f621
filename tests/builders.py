"""Small model builders shared by tests."""
from promiseaudit.models import Document, Page, Promise


def make_document(name="proposal.md", text="We will deliver it.", sha="a" * 64):
    return Document(path=f"/tmp/{name}", name=name, kind=name.rsplit(".", 1)[-1], sha256=sha,
                    pages=(Page(1, text),))


def make_promise(text, category="delivery", **kw):
    return as_extracted(Promise(text=text, source="proposal.md", page=1, start=0, end=len(text),
                   category=category, **kw))


def text_document(text, name="t.md"):
    """A one-page document holding ``text``, as the text reader would return it."""
    return Document(path=f"/tmp/{name}", name=name, kind=name.rsplit(".", 1)[-1],
                    sha256="0" * 64, pages=(Page(1, text),))


def as_extracted(p):
    """A hand-built Promise with the fields extraction reads from its wording filled in
    (the event ending a schedule, business days, tier, what it measures, whether it is
    about incidents, what a counted promise does), unless a test set them."""
    from promiseaudit.extract.dates import series_end_event
    from promiseaudit.extract.quantities import find_action
    from promiseaudit.extract.parameters import _ON_BUSINESS_DAYS
    from promiseaudit.tiers import named_tier, promise_is_about_incidents, promise_measures

    on_business_days = bool(p.recurrence and p.within_days is None
                            and _ON_BUSINESS_DAYS.search(p.text))
    return p.with_(
        series_end=p.series_end or (series_end_event(p.text) if p.recurrence else None),
        business_days=p.business_days or on_business_days,
        tier=p.tier if p.tier is not None else named_tier(p.text),
        measures=p.measures or promise_measures(p.text, p.threshold_unit, p.direction),
        about_incidents=p.about_incidents or promise_is_about_incidents(p.text, p.category),
        action=p.action or (find_action(p.text) if p.quantity is not None else None),
    )


def write(tmp_path, name, text):
    """A UTF-8 text file ``name`` in ``tmp_path``, for import tests."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
