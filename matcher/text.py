"""Reading a job description: its requirements, and the words each one asks about.

Pure functions of text, no database: the splitter, the terms of a requirement (with
synonyms), and the highlighter that marks a story's words matching them.
"""

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .synonyms import GROUPS

# More requirements than this are a whole page of prose, not a list: the rest are
# left out (and the page says so).
REQUIREMENTS_MAX = 40
WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
BULLET = re.compile(r"^\s*(?:[-*•·‣▪–—+]|\d{1,2}[.)])\s+")
SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9“\"(])")
# Headings of the parts that list what the job asks for.
REQUIREMENT_HEADINGS = re.compile(
    r"requirement|responsibilit|qualification|what you.?ll do|what you will do|"
    r"what you.?ll bring|what you will bring|what we.?re looking for|"
    r"what we are looking for|about you|you have|you will|you.?ll|skills|"
    r"must have|nice to have|preferred|experience|the role|your role|duties|"
    r"who you are|what you bring|ideal candidate",
    re.I,
)
# Words that say nothing about which story fits: English glue and job-ad filler.
_STOP_WORDS = """a about above after again against all also am an and any are as at be
    because been before being below between both but by can could did do does
    doing down during each etc few for from further had has have having he her
    here hers him his how i if in into is it its itself just like may me might
    more most must my no nor not now of off on once only or other our ours out
    over own per plus same she should so some such than that the their theirs them
    then there these they this those through to too under until up very via was
    we were what when where which while who whom why will with within without
    would you your yours able ability abilities across candidate comfortable
    demonstrated desire excellent experience experienced familiarity familiar good
    great highly ideal ideally including join looking new opportunity passion
    passionate plus preferred proven related relevant role skill skills solid
    strong successful track record understanding using well work working year years
    team teams someone things thing make making way ways help helping bonus"""
STOP_WORDS = set(_STOP_WORDS.split())
SUFFIXES = (
    "ations",
    "ation",
    "ments",
    "ment",
    "ings",
    "ing",
    "ities",
    "ity",
    "ies",
    "ied",
    "ers",
    "er",
    "ed",
    "es",
    "ly",
    "s",
    "e",
)


@lru_cache(maxsize=20_000)
def stem(word):
    """A crude stem, for highlighting and for weighing themes in Python: the
    database's own stemmer ranks the stories."""
    word = word.lower().replace("’", "'")
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def words(text):
    return [w.lower().replace("’", "'") for w in WORD.findall(text)]


def _plain_words(term):
    """A term's words as the databases' parsers split them: letters and digits."""
    return re.findall(r"[^\W_]+", term.lower())


# {stem of a term's single word or the whole phrase: the group's terms}
_SYNONYMS = {}
for _group in GROUPS:
    for _term in _group:
        _SYNONYMS.setdefault(" ".join(stem(w) for w in _plain_words(_term)), set())
        _SYNONYMS[" ".join(stem(w) for w in _plain_words(_term))].update(_group)


def _stems(term):
    return tuple(stem(w) for w in term)


@dataclass
class Requirement:
    text: str
    # What it asks about: one group per content word of its own, each the word's
    # term first, then its synonyms' (a term is a tuple of words: a phrase when
    # several).
    groups: list = field(default_factory=list)

    @cached_property
    def key(self):
        """A short, stable name for this requirement's text (what a dismissal and
        the forms refer to)."""
        normal = " ".join(words(self.text))
        return hashlib.sha256(normal.encode()).hexdigest()[:32]

    @property
    def terms(self):
        """Every term once, for the query: a synonym of two words is asked once."""
        return list(dict.fromkeys(term for group in self.groups for term in group))

    @cached_property
    def marked(self):
        """The stems to highlight: every term's words but English glue ("on" of
        "on-call" would mark every "on")."""
        return {stem(w) for term in self.terms for w in term if w not in STOP_WORDS}

    @cached_property
    def _group_stems(self):
        return [[set(_stems(term)) for term in group] for group in self.groups]

    def covered(self, stems):
        """How many of its own words a text with these stems answers, itself or by
        a synonym (every word of a phrase present)."""
        return sum(any(term <= stems for term in group) for group in self._group_stems)

    def is_answered_by(self, stems):
        """A good story answers at least a quarter of what the requirement says."""
        return self.covered(stems) * 4 >= len(self.groups) > 0


def terms_of(text):
    """The groups of terms `text` asks about: its content words, each once, with
    the synonyms each brings."""
    own = []
    for word in words(text):
        parts = tuple(_plain_words(word))
        if not parts or word in STOP_WORDS or (len(word) < 3 and word != "ml"):
            continue
        if all(p.isdigit() for p in parts) or parts in own:
            continue
        own.append(parts)
    groups = []
    for term in own:
        group, seen = [term], {_stems(term)}
        for synonym in sorted(_SYNONYMS.get(" ".join(_stems(term)), ())):
            parts = tuple(_plain_words(synonym))
            if _stems(parts) not in seen:
                seen.add(_stems(parts))
                group.append(parts)
        groups.append(group)
    return groups


def _clean(line):
    return BULLET.sub("", line).strip(" \t*_#:").strip()


def _is_heading(line):
    stripped = line.strip()
    if stripped.startswith("#"):
        return True
    text = stripped.strip("*_ ")
    if BULLET.match(stripped) or not text:
        return False
    return text.endswith(":") or (len(text.split()) <= 6 and text[-1] not in ".!?;,")


def _sentences(text):
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def split(description):
    """(requirements, fell_back): the bullets and sentences under the headings that
    list what the job asks for; with no such heading, every bullet and sentence of
    the text (fell_back True)."""
    under, everything = [], []
    in_section = False
    paragraph = []

    def flush(target_lists):
        if paragraph:
            for sentence in _sentences(" ".join(paragraph)):
                for target in target_lists:
                    target.append(sentence)
            paragraph.clear()

    for raw in description.splitlines():
        line = raw.strip()
        targets = [everything, under] if in_section else [everything]
        if not line:
            flush(targets)
            continue
        if _is_heading(line) and not BULLET.match(line):
            flush(targets)
            in_section = bool(REQUIREMENT_HEADINGS.search(_clean(line)))
            continue
        if BULLET.match(line):
            flush(targets)
            for target in targets:
                target.extend(_sentences(_clean(line)) or [])
            continue
        paragraph.append(line)
    flush([everything, under] if in_section else [everything])
    fell_back = not under
    chosen = everything if fell_back else under
    requirements, keys = [], set()
    for text in chosen:
        text = _clean(text)
        groups = terms_of(text)
        if len(groups) < 2:
            continue  # "Benefits", "Apply now!": nothing to match a story to
        requirement = Requirement(text=text, groups=groups)
        if requirement.key not in keys:
            keys.add(requirement.key)
            requirements.append(requirement)
    return requirements, fell_back


def stems_of(text):
    return {stem(w) for w in _plain_words(text)}


@lru_cache(maxsize=20_000)
def _word_stems(word):
    """A word's stem and, for "on-call" or "team's", its parts' stems."""
    return frozenset({stem(word), *(stem(part) for part in _plain_words(word))})


def highlight(text, stems):
    """`text` escaped, then each word whose stem is one of `stems` wrapped in <mark>.

    Escaping first means nothing the user wrote can become markup; the marks are
    the only tags added."""
    out, last = [], 0
    for match in WORD.finditer(text):
        word = match.group(0)
        if not stems.isdisjoint(_word_stems(word)):
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(word)}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))
