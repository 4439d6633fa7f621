"""Small model builders shared by tests."""
from promiseaudit.models import Document, Page, Promise


def make_document(name="proposal.md", text="We will deliver it.", sha="a" * 64):
    return Document(path=f"/tmp/{name}", name=name, kind=name.rsplit(".", 1)[-1], sha256=sha,
                    pages=(Page(1, text),))


def make_promise(text, category="delivery", **kw):
    return Promise(text=text, source="proposal.md", page=1, start=0, end=len(text),
                   category=category, **kw)


def text_document(text, name="t.md"):
    """A one-page document holding ``text``, as the text reader would return it."""
    return Document(path=f"/tmp/{name}", name=name, kind=name.rsplit(".", 1)[-1],
                    sha256="0" * 64, pages=(Page(1, text),))
