"""Who is the seller and who is the customer in a proposal.

A promise is something the seller commits to; "Harlan will provide site access" is the
customer's duty. The names come from the document itself: cover-page fields ("Prepared
for:", "Client:", "From:"), definitions ('Acme Ltd (the "Provider")'), the letterhead
and "About <X>" headings. Each company name also yields its short forms ("Harlan Farm &
Home Supply, Inc." -> "Harlan", "Harlan Farm"), because that is how proposals refer to
the parties in running text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

_DEFINITION = re.compile(
    r"(?P<before>[^\n.;:]{2,120}?)\s*\(\s*(?:in the following:?\s*|hereinafter:?\s*|hereafter:?\s*)?"
    r"(?:the\s+)?[\"“”'‘’](?P<alias>[^\"“”'‘’]{1,40})[\"“”'‘’]"
    r"(?:\s*(?:or|and|,)\s*(?:the\s+)?[\"“”'‘’]?(?P<alias2>[^\"“”'‘’)]{1,40})[\"“”'‘’]?)?\s*\)"
)
_FIELD_LINE = re.compile(r"^\W*(?P<key>[A-Za-z][A-Za-z .'’/-]{1,30}?)\s*(?:\*\*|__)?\s*[:|]\s*(?:\*\*|__)?\s*(?P<value>.+?)\s*\|?\s*$")
_PREPARED_NO_COLON = re.compile(r"^\W*(?:(?P<key>prepared for|prepared by|submitted to|submitted by|a proposal from|proposal from|proposal by)\s+(?P<value>\*\*.+|[A-Z].+)|(?P<key2>from|for)\s+(?P<value2>\*\*.+))$", re.I)
_ABOUT = re.compile(r"^\W*(?:\d+(?:\.\d+)*\.?\s*[|:\u2013\u2014-]?\s+)?(?:about|why(?: choose)?)\s+(?P<name>[A-Z][\w&.' -]{1,50}?)\s*[?:]?\s*$", re.I)
_PROPOSES = re.compile(r"(?:^|[.!?][ \t]+|\n)(?P<name>[A-Z][\w&'’-]+(?:[ \t]+[A-Z][\w&'’.-]+){0,4})(?:,?[ \t]+(?:Inc|LLC|Ltd|GmbH|Co)\.?)?(?:[ \t]*\([^)\n]*\))?[ \t]+(?:proposes|is pleased to|is delighted to|hereby offers|offers to)\b")
_TITLE_FOR = re.compile(r"\b(?:proposal|offer|tender|quotation|services|solution)\s+(?:for|to)\s+(?P<name>[A-Z][^\n:]{2,80})$", re.I)
_BEHALF = re.compile(r"\bon behalf of\s+(?P<name>[A-Z][^\n:]{2,80}?)\s*[:.]?\s*$", re.I | re.M)
_MEANS = re.compile(r"[\"“](?P<alias>(?:the\s+)?[A-Za-z][\w ]{1,30})[\"”]\s+(?:means|refers to|shall mean)\s+"
                    r"(?P<name>[A-Z][\w&.,'’ -]{2,80}?)(?=\s+and\s+[\"“]|[.;:(]|,\s|$)", re.M)
_PAIR = re.compile(r"^\W*(?P<a>[A-Z][^×\n]{2,60}?)\s+[×x]\s+(?P<b>[A-Z][^\n]{2,60}?)\W*$")


@dataclass
class Parties:
    """The two sides of a proposal as they are written in it.

    seller_names / customer_names: names and short forms (case-sensitive surface text).
    seller_roles / customer_roles: lowercase role words ("provider", "client"), including
        the document's own defined terms.
    """

    seller_names: list = field(default_factory=list)
    customer_names: list = field(default_factory=list)
    seller_roles: list = field(default_factory=list)
    customer_roles: list = field(default_factory=list)
    seller_people: list = field(default_factory=list)
    customer_people: list = field(default_factory=list)

    def __post_init__(self):
        self._compiled = None

    def _compile(self):
        def alt(names):
            names = sorted({n for n in names if n}, key=len, reverse=True)
            if not names:
                return None
            return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?:['’]s)?(?![\w-])")

        def roles(words):
            words = sorted({w for w in words if w}, key=len, reverse=True)
            if not words:
                return None
            return re.compile(r"(?<![\w-])(?:the\s+)?(?:" + "|".join(re.escape(w) for w in words)
                              + r")(?:['’]s|s)?(?![\w-])", re.I)

        self._compiled = {
            "seller": alt(self.seller_names + self.seller_people),
            "customer": alt(self.customer_names + self.customer_people),
            "seller_role": roles(self.seller_roles),
            "customer_role": roles(self.customer_roles),
        }
        return self._compiled

    def matcher(self, which: str):
        compiled = self._compiled or self._compile()
        return compiled[which]

    def describe(self) -> str:
        seller = self.seller_names[0] if self.seller_names else "the seller"
        customer = self.customer_names[0] if self.customer_names else "the customer"
        return f"seller {seller}, customer {customer}"


def _clean(value: str) -> str:
    value = re.sub(r"[*_`#]+", "", value)
    value = re.sub(r"\([^)]*\)", "", value)
    value = re.sub(r"<[^>]+>|\S+@\S+|https?://\S+|www\.\S+", "", value)
    return re.sub(r"\s+", " ", value).strip(" |-–—:;,")


def _segments(value: str, suffixes: set) -> list[str]:
    parts = [p.strip() for p in re.split(r"\s*(?:,|;|\s[-–—·|]\s|\s+and\s+(?=[A-Z][a-z]+\s+[A-Z]))\s*", value) if p.strip()]
    merged: list[str] = []
    for part in parts:
        if merged and part.lower().rstrip(".") in {s.rstrip(".") for s in suffixes} and len(part.split()) <= 2:
            merged[-1] = f"{merged[-1]}, {part}"
        else:
            merged.append(part)
    return merged


def _kind_of_segment(seg: str, lex: dict) -> str:
    words = [w.lower().strip(".,") for w in seg.split()]
    if not words:
        return "empty"
    if re.search(r"\d", seg):
        return "address"
    org_words = set(lex["org_suffixes"])
    if words[0] in lex["title_words"]:
        return "title"
    if any(w in org_words or w.rstrip(".") in org_words for w in words[1:] + words[-1:]) and seg[:1].isupper():
        return "org"
    if any(w in lex["title_words"] for w in words):
        return "title"
    if seg[:1].isupper() and 1 <= len(words) <= 4 and all(w[:1].isupper() for w in seg.split() if w.lower() not in ("of", "de", "van", "von", "la", "le", "da")):
        return "name"
    return "other"


def _parse_party_value(value: str, lex: dict) -> tuple[list[str], list[str]]:
    """(organisations, people) named in a cover-page field value."""
    value = _clean(value)
    suffixes = set(lex["org_suffix_strip"])
    segs = _segments(value, suffixes)
    kinds = [_kind_of_segment(s, lex) for s in segs]
    orgs, people = [], []
    for i, (seg, kind) in enumerate(zip(segs, kinds)):
        if kind == "org":
            orgs.append(seg)
        elif kind == "name":
            nxt = kinds[i + 1] if i + 1 < len(kinds) else None
            if nxt == "title" or (i == 0 and nxt in ("org", "name") and len(seg.split()) <= 3 and len(segs) > 1):
                people.append(seg)
            elif not orgs:
                orgs.append(seg)
    return orgs, people


def _title_case(name: str) -> str:
    if name.isupper() and not (len(name.split()) == 1 and len(name) <= 5):  # "BHF" stays an acronym
        return " ".join(w if len(w) <= 3 and w.rstrip(".") in ("LLC", "PTY", "LTD", "INC", "CO", "DAC", "PLC", "AG", "SA", "GMBH")
                        else w.capitalize() for w in name.split())
    return name


def short_forms(name: str, lex: dict) -> list[str]:
    """A company name and the shorter names a proposal uses for it."""
    name = _title_case(_clean(name))
    strip = {s.rstrip(".") for s in lex["org_suffix_strip"]}
    words = [w for w in re.split(r"\s+", name.replace(",", " ")) if w]
    while words and words[-1].lower().rstrip(".") in strip:
        words.pop()
    if not words:
        return []
    generic = set(lex["generic_name_words"])
    forms = [name.rstrip(",. ")]
    core = " ".join(words)
    forms.append(core)
    for n in range(1, len(words)):
        prefix = words[:n]
        if n == 1 and (prefix[0].lower() in generic or len(prefix[0]) <= 2 or not prefix[0][:1].isupper()):
            continue
        if prefix[-1].lower() in ("&", "and", "of", "the", "-"):
            continue
        forms.append(" ".join(prefix))
    return [f for f in dict.fromkeys(forms) if f and f.lower() not in generic]


def person_forms(name: str, lex: dict) -> list[str]:
    words = [w for w in _clean(name).split() if w.lower() not in lex["honorifics"]
             and w.lower().rstrip(".") not in ("jr", "sr", "ii", "iii")]
    words = [w for w in words if w.lower() not in lex["title_words"]]
    if not words:
        return []
    forms = [" ".join(words)]
    if len(words) >= 2:
        forms.append(words[0])
        forms.append(words[-1])
    generic = set(lex["generic_name_words"])
    return [f for f in dict.fromkeys(forms) if len(f) > 2 and f.lower() not in generic]


def detect_parties(text: str, lexicon: dict, head_lines: int = 60) -> Parties:
    """Find the seller's and the customer's names in a proposal's text.

    text (str): the whole document text.
    lexicon (dict): the "parties" section of lexicon.json.
    RETURNS (Parties): names, short forms and role words for both sides.
    """
    lex = lexicon
    seller_orgs: list[str] = []
    customer_orgs: list[str] = []
    seller_people: list[str] = []
    customer_people: list[str] = []
    seller_roles = list(lex["seller_roles"])
    customer_roles = list(lex["customer_roles"])
    customer_keys = set(lex["customer_field_keys"])
    seller_keys = set(lex["seller_field_keys"])
    lines = text.split("\n")

    for raw in lines[:head_lines]:
        line = raw.strip()
        if not line:
            continue
        m = _FIELD_LINE.match(line)
        found = (m.group("key"), m.group("value")) if m else None
        if not found:
            m = _PREPARED_NO_COLON.match(line)
            if m:
                found = (m.group("key") or m.group("key2"), m.group("value") or m.group("value2"))
        if found:
            key = re.sub(r"[*_]", "", found[0]).strip().lower()
            key = re.sub(r"^(?:a )?proposal ", "proposal ", key)
            if key in ("proposal for", "proposal to"):
                continue
            if key in customer_keys:
                orgs, people = _parse_party_value(found[1], lex)
                customer_orgs += orgs
                customer_people += people
                continue
            if key in seller_keys or key in ("proposal from", "proposal by"):
                orgs, people = _parse_party_value(found[1], lex)
                seller_orgs += orgs
                seller_people += people
                continue
        pair = _PAIR.match(re.sub(r"[*_#]", "", line))
        if pair and _kind_of_segment(_clean(pair.group("b")), lex) == "org":
            seller_orgs.append(_clean(pair.group("a")))
            customer_orgs.append(_clean(pair.group("b")))

    # Letterhead: the first line naming a company is the seller.
    strict = {s.rstrip(".") for s in lex["org_suffix_strip"]}
    for raw in lines[:8]:
        line = _clean(raw)
        if not line or ":" in raw or re.search(r"\b(?:proposal|for|prepared|offer|tender|quotation)\b|[×|]", line, re.I):
            continue
        words = line.replace(",", " ").split()
        if 1 < len(words) <= 8 and words[-1].lower().rstrip(".") in strict \
                and all(w[:1].isupper() or w in ("&", "and", "of") for w in words):
            if not any(line.lower() in c.lower() for c in customer_orgs):
                seller_orgs.insert(0, _title_case(line))
            break
    for raw in lines[:10]:
        m = _TITLE_FOR.search(_clean(raw))
        if m and not _FIELD_LINE.match(raw.strip()):
            for seg in _segments(_clean(m.group("name")), set(lex["org_suffix_strip"])):
                words = seg.replace(",", " ").split()
                if words and words[-1].lower().rstrip(".") in strict | {"council", "authority", "trust", "university", "hospital", "school", "district", "association", "union"}:
                    customer_orgs.append(seg)

    defining = "\n".join(line for line in lines if "(" in line and any(q in line for q in "\"“”'‘’"))
    by_duties = _sides_by_duties(text, lex)
    for alias, side in by_duties.items():
        _place(alias, side, seller_orgs, customer_orgs, seller_roles, customer_roles)
    decided = {alias.lower(): side for alias, side in by_duties.items()}
    for m in _DEFINITION.finditer(defining):
        aliases = [a.strip() for a in (m.group("alias"), m.group("alias2")) if a and a.strip()]
        lowered = [re.sub(r"^the\s+", "", a.lower()) for a in aliases]
        names = _trailing_name(m.group("before"))
        side = next((decided[a.lower()] for a in aliases if a.lower() in decided), None)
        if side is None and any(a in lex["seller_roles"] or a in ("we", "us") for a in lowered):
            side = "seller"
        elif side is None and any(a in lex["customer_roles"] for a in lowered):
            side = "customer"
        if side is None and names:
            # 'Brindabella Health Fund Ltd ("BHF")': a short name for a party found already.
            if any(names.lower().startswith(c.lower()) or c.lower().startswith(names.lower()) for c in customer_orgs):
                side = "customer"
            elif any(names.lower().startswith(c.lower()) or c.lower().startswith(names.lower()) for c in seller_orgs):
                side = "seller"
        if side is None:
            continue
        for alias, low in zip(aliases, lowered):
            if low in decided:
                continue
            if low in lex["seller_roles"] or low in lex["customer_roles"]:
                (seller_roles if side == "seller" else customer_roles).append(low)
            elif alias[:1].isupper():
                (seller_orgs if side == "seller" else customer_orgs).append(alias)
        if names:
            (seller_orgs if side == "seller" else customer_orgs).append(names)

    # 'between Diversinet Corp. ("Diversinet") and 2205925 Ontario Limited (the "Reseller")':
    # of the two parties a contract names, the one nothing places is the other side.
    pair = _contract_pair(text)
    if pair:
        sides = [_side_of(a, decided, seller_roles, customer_roles, seller_orgs, customer_orgs) for a in pair]
        if sides.count(None) == 1 and len(set(sides)) == 2:
            alias = pair[sides.index(None)]
            other = "customer" if "seller" in sides else "seller"
            _place(alias, other, seller_orgs, customer_orgs, seller_roles, customer_roles)
            decided[alias.lower()] = other

    # 'In this response "the Supplier" means Lingwell Ltd and "the Council" means X'.
    for m in _MEANS.finditer("\n".join(line for line in lines[:200] if "means" in line)):
        alias, name = m.group("alias").strip(), _clean(m.group("name"))
        low = re.sub(r"^the\s+", "", alias.lower())
        if low in lex["seller_roles"] or low in ("we", "us"):
            seller_orgs.append(name)
        elif low in lex["customer_roles"]:
            customer_orgs.append(name)
        elif any(name.lower().startswith(o.lower()) for o in seller_orgs):
            seller_orgs.append(alias[:1].upper() + alias[1:] if alias[:1].isupper() else alias)
        else:
            customer_orgs.append(name)
            if alias[:1].isupper() or alias.lower().startswith("the "):
                customer_roles.append(low)
    for raw in lines:
        if len(raw) > 80 or not re.search(r"(?i)\b(?:about|why)\b", raw):
            continue
        m = _ABOUT.match(re.sub(r"[*_#]", "", raw).strip())
        if m:
            name = m.group("name").strip()
            low = name.lower()
            if low.startswith(("us", "our", "the ")) or low in ("us", "this proposal"):
                stripped = re.sub(r"^the\s+", "", low)
                if stripped in lex["seller_roles"]:
                    continue
                continue
            seller_orgs.append(_title_case(name))
    proposing = "\n".join(line for line in lines if re.search(r"propose|pleased|delighted|offers", line))
    for m in _PROPOSES.finditer(proposing):
        seller_orgs.append(m.group("name"))
    for m in _BEHALF.finditer("\n".join(line for line in lines if "behalf" in line.lower())):
        name = _clean(m.group("name"))
        context = m.string[m.string.rfind("\n", 0, m.start()) + 1:m.start()].lower()
        if "accept" in context:
            customer_orgs.append(name)
        elif "for and" in context or "signed" in context or "submitted" in context:
            seller_orgs.append(name)

    if not seller_orgs and not seller_people:
        publisher = _publisher(text, seller_roles + customer_roles, customer_orgs)
        if publisher:
            seller_orgs.append(publisher)
    seller = _expand(seller_orgs, lex)
    customer = _expand(customer_orgs, lex)
    s_people = [f for p in seller_people for f in person_forms(p, lex)]
    c_people = [f for p in customer_people for f in person_forms(p, lex)]
    both = set(seller) & set(customer)
    seller = [n for n in seller if n not in both]
    customer = [n for n in customer if n not in both]
    clash = set(s_people) & set(c_people)
    s_people = [p for p in s_people if p not in clash and p not in customer]
    c_people = [p for p in c_people if p not in clash and p not in seller]
    return Parties(seller, customer, sorted(set(seller_roles)), sorted(set(customer_roles)),
                   s_people, c_people)


_PROVIDE = re.compile(r"\s+(?:shall|will|must|agrees? to|undertakes? to)\s+(?:(?:also|promptly|use|make|"
                      r"commercially|reasonable|best|efforts?|to)\s+){0,4}(?:provide|perform|deliver|supply|"
                      r"furnish|maintain|host|support|repair|replace|correct|install|develop|manufacture|ship|"
                      r"render|respond|train|make available|offer)\b", re.I)
_PAY = re.compile(r"\s+(?:shall|will|must|agrees? to)\s+(?:(?:promptly|also)\s+)?(?:pay|purchase|order|buy|"
                  r"reimburse|remit)\b", re.I)


_PARTY_ALIAS = re.compile(r"\(\s*(?:the\s+|hereinafter\s+(?:referred\s+to\s+as\s+|called\s+)?(?:the\s+)?|"
                          r"hereafter\s+(?:the\s+)?)?[\"“”]\s*(?P<alias>[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3})\s*[\"“”]\s*\)",
                          re.I)
_NOT_PARTIES = {"agreement", "effective date", "services", "service", "products", "product", "parties", "party",
                "term", "territory", "software", "license agreement", "confidential information", "site", "work",
                "deliverables", "system", "fees", "contract", "schedule", "exhibit", "statement of work"}


_EITHER_SIDE = {"company", "agency", "firm", "owner", "trust", "department"}


def _sides_by_duties(text: str, lex: dict) -> dict:
    """Contracts define their parties ('XACCT Technologies, Inc. ("XACCT")', 'Clear Capital
    (the "Company")'). Of the terms defined near the top, the one that most often shall
    provide, perform or deliver is the seller, and one that shall pay is the customer.
    RETURNS (dict): defined term -> "seller" | "customer"; empty when unclear.
    This decides parties with no role word, and role words that can point either way
    ("Company")."""
    head = text[:6000]
    aliases = []
    for m in _PARTY_ALIAS.finditer(head):
        alias = m.group("alias").strip()
        if alias.lower() not in _NOT_PARTIES and alias.lower() not in [a.lower() for a in aliases]:
            aliases.append(alias)
    scored = []
    for alias in aliases[:8]:
        term = r"(?<![\w-])(?:the\s+)?" + re.escape(alias) + r"(?:['’]s)?"
        give = len(re.findall(term + _PROVIDE.pattern, text, re.I))
        pay = len(re.findall(term + _PAY.pattern, text, re.I))
        if give or pay:
            scored.append((give - pay, give, pay, alias))
    scored.sort(key=lambda t: -t[0])
    if not scored or scored[0][1] == 0 or (len(scored) > 1 and scored[0][0] <= scored[1][0]):
        return {}
    seller_words = set(lex["seller_roles"]) - _EITHER_SIDE
    customer_words = set(lex["customer_roles"]) - _EITHER_SIDE
    best = scored[0]
    if best[3].lower() in customer_words:
        return {}  # the role words say otherwise: trust them
    out = {best[3]: "seller"}
    for other in scored[1:]:
        if (other[2] > 0 or other[0] < best[0] - 2) and other[3].lower() not in seller_words:
            out[other[3]] = "customer"
    return out


_BETWEEN = re.compile(r"\bbetween\b", re.I)
_RECITALS = re.compile(r"\b(?:WHEREAS|RECITALS|BACKGROUND|NOW,? THEREFORE|WITNESSETH|IT IS AGREED)\b|\n\s*\n\s*\n")


def _contract_pair(text: str) -> Optional[tuple]:
    """The two defined terms of the parties in a contract's opening ('between X
    ("Acme") and Y (the "Reseller")'), or None when it does not define exactly two."""
    m = _BETWEEN.search(text, 0, 5000)
    if m is None:
        return None
    region = text[m.end():m.end() + 1500]
    stop = _RECITALS.search(region)
    region = region[:stop.start()] if stop else region
    aliases: list[str] = []
    for found in _PARTY_ALIAS.finditer(region):
        alias = found.group("alias").strip()
        if alias.lower() not in _NOT_PARTIES and alias.lower() not in [a.lower() for a in aliases]:
            aliases.append(alias)
    return tuple(aliases) if len(aliases) == 2 else None


def _side_of(alias: str, decided: dict, seller_roles, customer_roles, seller_orgs, customer_orgs) -> Optional[str]:
    """Which side a defined term is on from what is known so far, or None."""
    low = re.sub(r"^the\s+", "", alias.lower())
    if low in decided:
        return decided[low]
    if low in seller_roles and low not in _EITHER_SIDE and low not in customer_roles:
        return "seller"
    if low in customer_roles and low not in _EITHER_SIDE and low not in seller_roles:
        return "customer"
    in_seller, in_customer = alias in seller_orgs, alias in customer_orgs
    if in_seller != in_customer:
        return "seller" if in_seller else "customer"
    return None


_SUBJECT_NAME = re.compile(
    r"(?<![\w&'.-])(?P<name>[A-Z][\w&'-]*[A-Za-z0-9](?:[ \t]+[A-Z][\w&'-]*[A-Za-z0-9]){0,2})(?:['’]s[ \t]+(?:support|team|"
    r"staff|engineers?))?[ \t]+(?:will|shall|must|may|strives|aims|commits|guarantees|provides|offers|"
    r"maintains|monitors|manages|notifies|responds|supports|uses|agrees)\b")
_NOT_NAMES = {"the", "this", "that", "these", "those", "each", "every", "any", "all", "no", "our", "we", "you",
              "your", "it", "they", "he", "she", "there", "such", "either", "neither", "both", "if", "when",
              "where", "support", "services", "service", "party", "parties", "agreement", "customer", "client",
              "customers", "clients", "users", "user", "i"}


_CONTRACT_NOUNS = {"amendment", "business", "services", "service", "agreement", "schedule", "exhibit", "appendix",
                   "annex", "section", "system", "software", "product", "products", "work", "works", "order"}


def _publisher(text: str, roles, customer_orgs) -> Optional[str]:
    """The company a vendor's own policy or service description is written by, when no
    cover field or definition names the seller: the name that most often does the
    committing ("Datacoves will issue...", "Kubecost will assist..."), at least twice
    and at least twice as often as any other name named in the first lines."""
    counts: dict = {}
    for m in _SUBJECT_NAME.finditer(text):
        name = m.group("name")
        words = name.split()
        while words and words[0].lower() in _NOT_NAMES:
            words.pop(0)
        if not words:
            continue
        name = " ".join(words)
        low = name.lower()
        if len(name) < 3 or _CONTRACT_NOUNS & set(low.split()) or low in _NOT_NAMES or low in roles or any(low == c.lower() for c in customer_orgs):
            continue
        counts[name] = counts.get(name, 0) + 1
    # the publisher's name shows at the top (title, introduction), a defined term later
    ranked = sorted(((n, c) for n, c in counts.items() if n in text[:1500]), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]):
        return None
    return ranked[0][0]


def _place(alias: str, side: str, seller_orgs, customer_orgs, seller_roles, customer_roles) -> None:
    """Put a defined term on its side, taking it off the other."""
    orgs, other_roles, roles = (seller_orgs, customer_roles, seller_roles) if side == "seller" else \
        (customer_orgs, seller_roles, customer_roles)
    low = alias.lower()
    if low in other_roles:
        other_roles.remove(low)
        if low not in roles:
            roles.append(low)  # "Company" as the customer: a role word, not a name
    elif low not in roles and alias not in orgs:
        orgs.append(alias)


def _trailing_name(before: str) -> Optional[str]:
    """The company name written just before a definition's parenthesis."""
    words = before.strip().split()
    keep: list[str] = []
    for word in reversed(words):
        bare = word.strip(",")
        if word.endswith(",") and keep and keep[0].lower().rstrip(".,") not in ("inc", "llc", "ltd", "co", "plc", "gmbh"):
            break  # "Fiona Marchetti, Chief Data Officer, Acme Ltd": the name after the last comma
        if bare[:1].isupper() or bare in ("&", "and", "of", "-") or bare.lower().rstrip(".") in ("inc", "llc", "ltd", "co"):
            keep.insert(0, word)
        else:
            break
    while keep and keep[0].strip(",") in ("&", "and", "of", "-", "The"):
        keep.pop(0)
    name = " ".join(keep).strip(" ,")
    return name or None


def _expand(names: Iterable[str], lex: dict) -> list[str]:
    out: list[str] = []
    for name in names:
        for form in short_forms(name, lex):
            if form not in out:
                out.append(form)
    return out
