"""Customer names compared the way people write them.

An export rarely spells a customer exactly as the deal does: "Harbor Logistics Inc.",
"HARBOR LOGISTICS", "The Harbor Logistics Co." and "Harbor Logistics" are one customer.
``name_key`` reduces a name to what identifies it (case, accents, punctuation, a leading
"The" and trailing legal forms such as Ltd, Inc, LLC, Co., GmbH, and "Group", dropped;
"&" is "and").
``same_customer`` compares two names that way; ``names_customer`` finds a customer's name
inside a longer text ("QBR - Harbor Logistics", a project called "Harbor Logistics
rollout").
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable

# Legal forms written after a company's name, as words once dots are removed, and the
# words that say a company is a group ("Crestview Dental Group" is "Crestview Dental").
LEGAL_FORMS = frozenset({
    "group", "holding", "holdings",
    "ltd", "limited", "inc", "incorporated", "llc", "llp", "lp", "co", "company", "corp",
    "corporation", "gmbh", "mbh", "ag", "kg", "kgaa", "ug", "se", "sa", "sas", "sarl", "srl",
    "spa", "bv", "nv", "plc", "pty", "pte", "oy", "oyj", "ab", "as", "asa", "aps", "kk",
})


def _tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("&", " and ").replace("+", " and ")
    # "S.A." / "L.L.C." / "B.V." are one word each.
    text = re.sub(r"\b(?:[a-z]\.){2,}", lambda m: m.group().replace(".", ""), text)
    return re.findall(r"[a-z0-9]+", text)


def name_key(name: str) -> str:
    """What identifies a company name: "The Harbor Logistics Co., Ltd." -> "harbor
    logistics". A name made only of legal words keeps them (it is all there is)."""
    tokens = _tokens(name)
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    while len(tokens) > 1 and tokens[-1] in LEGAL_FORMS:
        tokens = tokens[:-1]
    return " ".join(tokens)


def same_customer(a: str, b: str) -> bool:
    """Whether two names are the same customer once case, punctuation, "The" and legal
    forms are set aside."""
    ka, kb = name_key(a), name_key(b)
    return bool(ka) and ka == kb


def names_customer(text: str, customer: str) -> bool:
    """Whether ``text`` (a meeting subject, a project name) contains the customer's name
    as whole words: "QBR – Harbor Logistics" names "Harbor Logistics Inc."; "Harborside"
    does not name "Harbor". Names shorter than three letters are never looked for."""
    return bool(keys_named(text, [name_key(customer)]))


def keys_named(text: str, keys: Iterable[str]) -> list[str]:
    """The name keys (see ``name_key``) that ``text`` contains as whole words, in the
    order given; a key found only as part of a longer one that is also found ("harbor"
    within "harbor logistics") is left out."""
    words = _tokens(text)
    found = []
    for key in dict.fromkeys(keys):
        parts = key.split()
        n = len(parts)
        if n and len("".join(parts)) >= 3 and any(
                words[i:i + n] == parts for i in range(len(words) - n + 1)):
            found.append(key)
    return [k for k in found if not any(o != k and f" {k} " in f" {o} " for o in found)]
