"""Text clean-up shared by the readers: characters, line-end hyphenation, page furniture.

Everything here is pure string work, so it is cheap and easy to test on its own.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

# Characters that only change how text looks, never what it says. Smart quotes, dashes
# and the euro sign are left alone: they belong to the exact quote.
_CHAR_MAP = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
        "\u00a0": " ",  # no-break space
        "\u2007": " ",  # figure space
        "\u202f": " ",  # narrow no-break space
        "\u2009": " ",  # thin space
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,  # byte-order mark / zero-width no-break space
        "\u2011": "-",  # non-breaking hyphen
        "\u2028": "\n",
        "\u2029": "\n",
        # control characters other than tab and newline
        **{chr(c): None for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)},
    }
)

# pdfium marks a hyphen it found at the end of a line with U+FFFE and drops the break.
PDFIUM_LINE_HYPHEN = "\ufffe"

# Parts of compounds that are written with a hyphen ("go-live", "follow-up",
# "third-party"). A word broken at a line end after one of these keeps its hyphen.
_COMPOUND_HEADS = frozenset(
    """self non cross multi semi post anti ex all well high low long short full part half
    go follow sign kick check roll set start third first second one two three four five
    six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty sixty
    hundred year month week end real front top service business mission cost risk
    data cloud fixed same next best state user client customer vendor sub inter mid
    round near""".split()
)
_COMPOUND_TAILS = frozenset(
    """live based level party term free driven specific wide facing related critical
    friendly site up off""".split()
)

_WORD_BEFORE_BREAK = re.compile(r"([\w’']+)-$")
_WORD_AFTER_BREAK = re.compile(r"^(\w+)((?:-\w+)*)")
_FFFE_BREAK = re.compile(r"([\w’']*)" + PDFIUM_LINE_HYPHEN + r"\s*(\w*)")
_WORDS = re.compile(r"\w+(?:-\w+)*")


def normalize_chars(text: str) -> str:
    """Expand ligatures, turn special spaces into spaces, drop soft hyphens, zero-width
    and control characters (tab and newline stay).

    text (str): raw text from any reader.
    RETURNS (str): the same text with only visual-form characters replaced.
    """
    return text.translate(_CHAR_MAP)


def vocabulary(texts: Iterable[str]) -> set[str]:
    """Lower-case words and hyphenated compounds used anywhere in ``texts``.

    Used to decide whether a word broken at a line end is one word ("implementation")
    or a hyphenated compound ("go-live").
    """
    words: set[str] = set()
    for text in texts:
        text = text.replace(PDFIUM_LINE_HYPHEN, " ")
        # a line-end hyphen is not evidence for a compound
        text = re.sub(r"-\s*\n", " ", text)
        for match in _WORDS.finditer(text.lower()):
            word = match.group()
            words.add(word)
            if "-" in word:
                words.update(word.split("-"))
    return words


def keeps_hyphen(left: str, right: str, vocab: set[str]) -> bool:
    """Whether ``left-`` + ``right`` broken across a line is a real hyphenated word.

    left (str): the word before the hyphen ("imple", "go", "24").
    right (str): the word on the next line ("mentation", "live", "hour").
    vocab (set[str]): words of the document (see ``vocabulary``).
    """
    if not left or not right:
        return True
    if left[-1].isdigit() or right[0].isdigit() or right[0].isupper():
        return True
    head = left.rsplit("-", 1)[-1].lower()
    hyphenated = f"{left}-{right}".lower()
    joined = f"{left}{right}".lower()
    if hyphenated in vocab:
        return True
    if joined in vocab:
        return False
    return head in _COMPOUND_HEADS or right.lower() in _COMPOUND_TAILS


def join_hyphenated_lines(lines: Sequence[str], vocab: set[str]) -> list[str]:
    """Join words hyphenated at line ends; keep real hyphens ("go-live", "24-hour").

    The rest of the broken word moves up to the first line, so no text is lost:
    ``["the imple-", "mentation of"]`` -> ``["the implementation", "of"]``. A line that
    becomes empty is dropped. pdfium's own marker (U+FFFE) is resolved the same way.
    """
    out = [_resolve_fffe(line, vocab) for line in lines]
    i = 0
    while i < len(out) - 1:
        before = _WORD_BEFORE_BREAK.search(out[i]) if out[i].endswith("-") else None
        stripped = out[i + 1].lstrip()
        after = _WORD_AFTER_BREAK.match(stripped)
        if before and after:
            left, right = before.group(1), after.group(1)
            rest = stripped[after.end() :]
            # closing punctuation glued to the word ("mentation,") moves up with it
            glue = re.match(r"[.,;:!?)\]”’'\"]*", rest).group()
            moved = after.group() + glue
            rest = rest[len(glue) :].lstrip()
            joiner = "-" if keeps_hyphen(left, right, vocab) else ""
            out[i] = out[i][:-1] + joiner + moved
            if rest:
                out[i + 1] = rest
            else:
                del out[i + 1]
                continue
        i += 1
    return out


def _resolve_fffe(line: str, vocab: set[str]) -> str:
    if PDFIUM_LINE_HYPHEN not in line:
        return line

    def repl(match: re.Match) -> str:
        left, right = match.group(1), match.group(2)
        return left + ("-" if keeps_hyphen(left, right, vocab) else "") + right

    return _FFFE_BREAK.sub(repl, line)


# --- running headers, footers and page numbers ---------------------------------------

_PAGE_NUMBER = re.compile(
    r"""^(?:
        (?:page|p\.|pg\.?|seite|página|pagina)\s*\#(?:\s*(?:of|/|von|de|di)\s*\#)?
      | [-–—]?\s*\#\s*[-–—]?
      | \#\s*(?:/|of)\s*\#
      | \[\s*\#\s*\]
    )$""",
    re.I | re.X,
)


def furniture_key(text: str) -> str:
    """A line's identity for spotting repeats: digits become '#', spacing collapsed."""
    key = re.sub(r"\d+", "#", text.strip().lower())
    return re.sub(r"\s+", " ", key)


def is_page_number(text: str) -> bool:
    """True for "Page 3 of 7", "- 3 -", "3", "3/7" and the like."""
    return bool(_PAGE_NUMBER.match(furniture_key(text)))


def repeated_keys(keys_per_page: Sequence[set], min_share: float = 0.6) -> set:
    """Keys found on at least ``min_share`` of the pages (and on two pages or more).

    keys_per_page (list[set]): for each page, the keys of its top (or bottom) lines,
        e.g. furniture keys, or (furniture key, height) pairs.
    """
    counts = Counter(key for keys in keys_per_page for key in keys)
    needed = max(2, int(len(keys_per_page) * min_share + 0.999))
    return {key for key, n in counts.items() if n >= needed and key}


# --- tables ----------------------------------------------------------------------------

_VALUE_CELL = re.compile(r"^[\d\s.,:;%/$€£¥+–—-]*$")


def looks_like_header(rows: list) -> bool:
    """Whether a table's first row names its columns rather than holding data.

    rows (list[list[str]]): cell texts, the first row being the candidate.
    """
    if len(rows) < 2:
        return False
    first = rows[0]
    for cell in first:
        if not cell or len(cell) > 40 or len(cell.split()) > 6:
            return False
        # column names carry no figures and are not sentences
        if _VALUE_CELL.match(cell) or cell.endswith(".") or any(c.isdigit() for c in cell):
            return False
    return True
