"""The confidentiality scrub: a story made safe to share, for an export only.

`Rules` says what to replace: companies (each with the neutral description that
stands for it), people's names, secret terms, and exact figures. `apply(doc, rules)`
returns a scrubbed copy of any export built of dataclasses, lists and strings (the
prep sheet's `Sheet`, or any other), leaving the original, and so the stories, as
they were; `changes(doc, rules)` lists every replacement it makes, with where it is,
for the user to review. A term the user chose to keep (`Rules.keep`, by `Change.key`)
is left as written everywhere.

Nothing here reads the database: the caller builds the Rules (sharing.models).
"""

import dataclasses
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, cached_property
from pathlib import Path

DEFAULT_COMPANY = "a previous employer"
DEFAULT_SECRET = "[redacted]"


class Kind:
    COMPANY = "company"
    NAME = "name"
    SECRET = "secret"
    FIGURE = "figure"


KIND_LABELS = {
    Kind.COMPANY: "Company",
    Kind.NAME: "Name",
    Kind.SECRET: "Secret term",
    Kind.FIGURE: "Figure",
}


@dataclass(frozen=True)
class Rules:
    companies: dict = field(default_factory=dict)  # {term: neutral description}
    names: tuple = ()  # people's names, replaced by "Colleague A", "Colleague B"…
    secrets: dict = field(default_factory=dict)  # {term: replacement}
    figures: bool = True
    keep: frozenset = frozenset()  # Change.key of each term left as written

    @cached_property
    def _terms(self):
        """[(pattern, {term as matched, folded for a case-blind pattern: (kind,
        replacement)})]: one alternation per case rule, longest term first so "Acme
        Cloud" wins over "Acme", whatever the number of terms."""
        blind, exact = {}, {}
        written = {}  # folded term: as written, for the pattern
        for kind, mapping in (
            (Kind.SECRET, self.secrets),
            (Kind.COMPANY, self.companies),
            # A name is a capitalised word: "Will" the person, not "will" the verb.
            (Kind.NAME, self._name_labels),
        ):
            for term, replacement in mapping.items():
                term = " ".join(term.split())
                if term and term.casefold() not in blind:
                    if kind == Kind.NAME:
                        exact.setdefault(term, (kind, replacement))
                    else:
                        blind[term.casefold()] = (kind, replacement)
                        written[term.casefold()] = term
        patterns = []
        for terms, flags in ((blind, re.IGNORECASE), (exact, 0)):
            if terms:
                spelled = [written.get(term, term) for term in terms]
                alternatives = "|".join(
                    re.escape(term) for term in sorted(spelled, key=len, reverse=True)
                )
                pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", flags)
                patterns.append((pattern, terms, written if flags else None))
        return patterns

    @cached_property
    def _name_labels(self):
        labels = {}
        people = 0
        for name in self.names:
            # "I" or an initial would replace every "I" and "A": never a name alone.
            if name in labels or len(name) < 2:
                continue
            label = f"Colleague {_letter(people)}"
            people += 1
            labels[name] = label
            # "Priya Sharma" is also "Priya" and "Sharma" further on.
            for part in name.split():
                if len(part) > 1 and part[0].isupper():
                    labels.setdefault(part, label)
        return labels


def _letter(i):
    return chr(ord("A") + i) if i < 26 else str(i + 1)


@dataclass(frozen=True)
class Change:
    kind: str
    original: str  # as written, at its first occurrence
    replacement: str
    where: tuple = ()  # where it occurs: "story title › section", in sheet order
    count: int = 1
    kept: bool = False

    @property
    def label(self):
        return KIND_LABELS[self.kind]

    @property
    def key(self):
        """What the user ticks to keep a term: its kind and text, not its position,
        so the choice holds wherever the term appears and whatever else changes."""
        return f"{self.kind}:{self.original.casefold()}"


# Figures ------------------------------------------------------------------------

FIGURE = re.compile(
    r"""
    (?<![\w.,/:#@$€£\\])     # not inside a word, a version, a time, an issue number
    (?<!\w-)                 # nor after "SEV-", "CVE-2021-"
    (?P<currency>[$€£])?
    (?P<number>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<decimals>\d+))?
    (?:
        (?P<percent>\s?%|\s?percent\b)
      | (?<=\d)(?P<suffix>k|K|M|m|bn|B)(?![\w])
    )?
    (?![\w]|[.,]\d)           # "350ms", "64GB", "2FA", "1.2.3" are left alone
    """,
    re.VERBOSE,
)
# A number right after one of these words names something (HTTP 404, port 8080,
# PostgreSQL 15, PR 4512): it is not a figure to round.
NAMING_WORD = re.compile(
    r"(?:^|\W)(?:HTTP|port|status|error|code|version|release|build|issue|PR|"
    r"ticket|line|rule|step|room|Python|Java|Node|PostgreSQL|Postgres|MySQL|"
    r"Ubuntu|Debian|iOS|Android|Windows|macOS)\s*$",
    re.IGNORECASE,
)
# Status codes an engineer writes as names, not counts: "a 404", "the 503s".
HTTP_CODES = {200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 409, 422, 429, 500}
HTTP_CODES |= {502, 503, 504}
# After an article "about" reads badly ("the about 1,200 errors"): "~" instead.
ARTICLE = re.compile(r"(?:^|\W)(?:a|an|the)\s+$", re.IGNORECASE)
MULTIPLIERS = {"k": 10**3, "K": 10**3, "m": 10**6, "M": 10**6, "bn": 10**9, "B": 10**9}
# A count smaller than this is not a secret figure ("3 engineers", "2 weeks").
SMALL_COUNT = 100


def _round_sig(value, digits):
    if value == 0:
        return value
    exponent = value.adjusted() - digits + 1
    return value.scaleb(-exponent).quantize(Decimal(1), ROUND_HALF_UP).scaleb(exponent)


def _plain(value):
    """A Decimal without exponent or trailing zeros, thousands separated."""
    value = value.normalize()
    if value == value.to_integral():
        return f"{int(value):,}"
    return f"{value:,f}"


def _money(value):
    for suffix, size in (("B", 10**9), ("M", 10**6), ("k", 10**3)):
        if value >= size:
            return _plain(value / size) + suffix
    return _plain(value)


def scrub_figure(match):
    """The rounded figure for a FIGURE match, or None to leave it as written."""
    currency, suffix = match["currency"], match["suffix"]
    if suffix and not currency:
        return None  # "5m" may be minutes, "3B" a model size
    if not currency and NAMING_WORD.search(match.string, 0, match.start()):
        return None
    about = "~" if ARTICLE.search(match.string, 0, match.start()) else "about "
    text = match["number"].replace(",", "") + (
        "." + match["decimals"] if match["decimals"] else ""
    )
    value = Decimal(text) * MULTIPLIERS.get(suffix, 1)
    if match["percent"]:
        rounded = (
            value.quantize(Decimal(1), ROUND_HALF_UP)
            if value < 10
            else _round_sig(value, 1 if value < 100 else 2)
        )
        if rounded == value:
            return None
        word = "nearly" if rounded > value else "over"
        return f"{word} {_plain(rounded)}{match['percent']}"
    if currency:
        rounded = _round_sig(value, 1)
        if rounded == value:
            return None
        return f"{about}{currency}{_money(rounded)}"
    if value < SMALL_COUNT or (not match["decimals"] and value in HTTP_CODES):
        return None
    if (
        not match["decimals"]
        and "," not in match["number"]
        and len(match["number"]) == 4
        and 1900 <= value <= 2099
    ):
        return None  # a year: when it happened is not a secret figure
    rounded = _round_sig(value, 2)
    if rounded == value:
        return None
    return f"{about}{_plain(rounded)}"


# Text ---------------------------------------------------------------------------


def _sentence_start(text, start):
    before = text[:start].rstrip(" *_")
    return not before or before[-1] in ".!?\n#:>-"


def _lookup(terms, matched, written):
    """The (kind, replacement) of the term a pattern matched. `written` ({folded:
    as written}) for a case-blind one, whose case rules are not quite casefold()'s
    (İ, ß): then the regex says which term it was."""
    if written is None:
        return terms[matched]
    found = terms.get(matched.casefold())
    if found is None:
        found = next(
            terms[folded]
            for folded, term in written.items()
            if re.fullmatch(re.escape(term), matched, re.IGNORECASE)
        )
    return found


def find(text, rules):
    """Every replacement in `text`: [(start, end, kind, original, replacement)],
    in order and never overlapping (the earlier, then the longer, wins)."""
    found = []
    for pattern, terms, written in rules._terms:
        for match in pattern.finditer(text):
            term = match.group()
            kind, replacement = _lookup(terms, term, written)
            found.append((match.start(), match.end(), kind, term, replacement))
    if rules.figures:
        for match in FIGURE.finditer(text):
            replacement = scrub_figure(match)
            if replacement is not None:
                found.append(
                    (
                        match.start(),
                        match.end(),
                        Kind.FIGURE,
                        match.group(),
                        replacement,
                    )
                )
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    chosen, end = [], 0
    for item in found:
        if item[0] >= end:
            chosen.append(item)
            end = item[1]
    return chosen


def scrub_text(text, rules, where="", seen=None):
    """`text` with every replacement made but the kept ones; each is recorded in
    `seen` ({key: Change}) if given."""
    out, last = [], 0
    for start, end, kind, original, replacement in find(text, rules):
        change = Change(kind, original, replacement)
        kept = change.key in rules.keep
        if seen is not None:
            earlier = seen.get(change.key)
            if earlier is None:
                seen[change.key] = dataclasses.replace(
                    change, where=(where,) if where else (), kept=kept
                )
            else:
                places = earlier.where
                if where and where not in places:
                    places = (*places, where)
                seen[change.key] = dataclasses.replace(
                    earlier, where=places, count=earlier.count + 1
                )
        if kept:
            continue
        if kind == Kind.COMPANY and _sentence_start(text, start):
            replacement = replacement[:1].upper() + replacement[1:]
        out += [text[last:start], replacement]
        last = end
    out.append(text[last:])
    return "".join(out)


# Documents ----------------------------------------------------------------------

# Fields that hold identifiers or the export's own labels, never the user's words.
NOT_SCRUBBED = {"anchor", "slug", "label", "status"}


def _walk(value, rules, seen, where, root=False):
    if isinstance(value, str):
        return scrub_text(value, rules, " › ".join(where), seen)
    if isinstance(value, list | tuple):
        return type(value)(_walk(item, rules, seen, where) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # Where a thing is: the titles (and section labels) of what holds it, as
        # the user wrote them, so the review lists it where they would look. (The
        # document's own title is everywhere.)
        here = where
        for name in () if root else ("title", "label"):
            heading = getattr(value, name, None)
            if isinstance(heading, str) and heading:
                here = (*where, heading)
        changed = {}
        for f in dataclasses.fields(value):
            if f.name in NOT_SCRUBBED or not f.init:
                continue
            # A title is where its own text is.
            inner = where if f.name in ("title", "label") else here
            changed[f.name] = _walk(getattr(value, f.name), rules, seen, inner)
        return dataclasses.replace(value, **changed)
    return value


def apply(doc, rules):
    """A scrubbed copy of `doc` (a string, or dataclasses holding strings and lists
    of them); `doc` itself is left as it was."""
    return _walk(doc, rules, None, (), root=True)


def changes(doc, rules):
    """Every distinct replacement `apply(doc, rules)` makes or would make but for the
    user's keep list (marked `kept`), in the order they first appear."""
    seen = {}
    _walk(doc, rules, seen, (), root=True)
    return list(seen.values())


# Name suggestions -----------------------------------------------------------------

DATA = Path(__file__).resolve().parent
NAME_AFTER = re.compile(
    r"\b(?:with|told|asked|and|from|by|to|for|thanked|paired with)\s+([A-Z][a-z]+)\b"
)
CAPITALISED = re.compile(r"(?<![\w-])([A-Z][a-z]+)(?![\w-])")
CALENDAR = {
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
}


@cache
def _word_list(filename):
    lines = (DATA / filename).read_text().splitlines()
    return frozenset(
        line.strip() for line in lines if line.strip() and not line.startswith("#")
    )


def first_names():
    return _word_list("first_names.txt")


def not_names():
    return _word_list("not_names.txt") | CALENDAR


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.name not in NOT_SCRUBBED:
                yield from _texts(getattr(value, f.name))


def suggest_names(doc, rules, limit=20):
    """Capitalised words in `doc` that may be people's names and are not yet in the
    rules: a word after "with", "told", "asked"… or a common first name. Only ever
    suggested to the user, never replaced on the strength of this guess."""
    listed = {
        term.casefold()
        for term in (*rules.names, *rules.companies, *rules.secrets)
        for term in [term, *term.split()]
    }
    skip = not_names()
    known = first_names()
    found = {}
    for text in _texts(doc):
        candidates = [m.group(1) for m in NAME_AFTER.finditer(text)]
        candidates += [w for w in CAPITALISED.findall(text) if w in known]
        for word in candidates:
            if word in skip or word.casefold() in listed:
                continue
            found[word] = found.get(word, 0) + 1
    return sorted(found, key=lambda w: (-found[w], w))[:limit]
