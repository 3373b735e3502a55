"""The story coach: what would make a story stronger, computed from its text alone.

Everything here is deterministic and, except for `Guidance.load` and
`Playbook.load`, free of the database: `analyse()` takes plain text (a Story or any
object with the same attributes, such as the unsaved fields the editor posts) and
returns findings. The prep document's own words reach the findings through a
`Guidance`, which the view layer loads once and passes in.

The measurable habits (coaches broadly agree on them):
- spoken in 1–2 minutes: at 150 words a minute, roughly 150–350 words;
- most of the time on the Action (about half or more), the Situation shorter than it;
- a Result that holds a number: a count, a percentage, a multiplier, a time, money,
  or a before → after;
- "I" more than "we" in the Action;
- specific words rather than "helped with", "worked on", "etc.";
- plain words rather than hedges ("basically", "kind of", "I guess");
- where the theme asks for them, how the cause was found and what was learned.

The readiness score rests on the same text: the theme checklist the user ticks is
their own view, worth a few points at most (see `readiness`).
"""

import re
from dataclasses import dataclass, field

from markup.render import to_text
from stories.models import SECTION_FIELDS, SECTION_LABELS
from themes.models import Guideline, Theme

WORDS_PER_MINUTE = 150
TARGET_WORDS = (150, 350)
# About half the answer on the Action; flag it below this share.
ACTION_SHARE_FLOOR = 0.45
# Shares and ownership are noise on a draft this short.
MIN_WORDS_FOR_BALANCE = 40


class Severity:
    HIGH = "high"  # the story is weaker for it in any interview
    MEDIUM = "medium"
    LOW = "low"  # guidance: worth a look


SEVERITY_ORDER = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


@dataclass(frozen=True)
class Source:
    """Words of the prep document a finding rests on, and where they come from."""

    kind: str  # "Guideline", "STAR prompt (Result)", "Key point to hit", ...
    text: str
    theme: str = ""  # "Theme 1", empty for document-wide guidelines

    def __str__(self):
        where = f"{self.theme} · {self.kind}" if self.theme else self.kind
        return f"{where}: “{self.text}”"


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    section: str  # the section the quote comes from, or "" for the whole story
    quote: str
    why: str
    sources: tuple = ()

    @property
    def section_label(self):
        return SECTION_LABELS.get(self.section, "Whole story")


@dataclass(frozen=True)
class SectionStats:
    name: str
    words: int
    seconds: int
    share: float  # of all spoken words, 0..1

    @property
    def label(self):
        return SECTION_LABELS[self.name]

    @property
    def percent(self):
        return round(self.share * 100)


@dataclass
class Report:
    sections: list
    words: int
    seconds: int
    findings: list
    # What the story already does well, {rule: quoted words}: the UI shows them and
    # the checklist uses them to suggest items.
    strengths: dict = field(default_factory=dict)

    @property
    def minutes_label(self):
        return format_duration(self.seconds)

    @property
    def within_target(self):
        return TARGET_WORDS[0] <= self.words <= TARGET_WORDS[1]

    def section(self, name):
        return next(s for s in self.sections if s.name == name)


def format_duration(seconds):
    return f"{seconds // 60}:{seconds % 60:02d}"


def speaking_seconds(words):
    return round(words * 60 / WORDS_PER_MINUTE)


# --- Text -----------------------------------------------------------------------

WORD = re.compile(r"\S*\w\S*")


def count_words(text):
    return len(WORD.findall(text))


# A quotation: straight or curly double quotes, or single quotes that open after a
# non-word character and close before one, so "we'd" and "didn't" are not quotes.
QUOTATIONS = re.compile(
    r"\"[^\"]*\"|“[^”]*”|(?<!\w)'.*?'(?!\w)|(?<!\w)‘.*?’(?!\w)|«[^»]*»", re.S
)


def without_quotations(text):
    return QUOTATIONS.sub(" ", text)


def excerpt(text, start, end, around=6):
    """The words around text[start:end], with … where the text goes on."""
    # Widen to whole words, so a quote never cuts "4.25×" or "50ms" in two.
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    before = text[:start].split()
    after = text[end:].split()
    head = ("… " if len(before) > around else "") + " ".join(before[-around:])
    tail = " ".join(after[:around]) + (" …" if len(after) > around else "")
    return " ".join(part for part in (head, text[start:end], tail) if part)


def opening(text, words=12):
    split = text.split()
    return " ".join(split[:words]) + (" …" if len(split) > words else "")


# --- Numbers ----------------------------------------------------------------------

NUM = r"\d+(?:[.,]\d+)*"
UNITS_OF_TIME = (
    r"(?:ms|milliseconds?|µs|us|ns|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?"
    r"|days?|weeks?|wks?|months?|quarters?|years?|yrs?|sprints?)"
)
NUMBER_KINDS = [
    # Order matters: the first kind that matches names the number.
    (
        "before → after",
        re.compile(
            rf"\bfrom\s+[$€£]?~?{NUM}\S*\s+(?:\w+\s+){{0,3}}?to\s+[$€£]?~?{NUM}"
            rf"|{NUM}\S*\s*(?:→|->|⟶|=>)\s*[$€£]?{NUM}",
            re.I,
        ),
    ),
    ("percentage", re.compile(rf"{NUM}\s?(?:%|percent\b|per cent\b|pp\b)", re.I)),
    (
        "multiplier",
        re.compile(rf"(?<![\w.]){NUM}\s?[×x](?![\w])|[×x]{NUM}\b", re.I),
    ),
    (
        "money",
        re.compile(
            rf"[$€£¥]\s?{NUM}(?:\s?(?:k|m|bn|million|billion|thousand)\b)?"
            rf"|{NUM}\s?(?:k|m|bn)?\s?(?:dollars|euros|pounds|usd|eur|gbp)\b",
            re.I,
        ),
    ),
    ("time", re.compile(rf"(?<![\w.]){NUM}\s?-?{UNITS_OF_TIME}\b", re.I)),
    # A year on its own ("in 2021") is a date, not an outcome.
    ("count", re.compile(rf"(?<![\w.])(?!(?:19|20)\d\d\b){NUM}(?:\s?[kKmM]\b)?")),
    (
        "count",
        re.compile(
            r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty"
            r"|thirty|forty|fifty|hundreds?|thousands?|millions?|dozens?|half|halved"
            r"|doubled|tripled|quadrupled|twice|zero)\b",
            re.I,
        ),
    ),
]


def find_number(text):
    """The most telling number in `text` as (kind, quoted words), or None."""
    for kind, pattern in NUMBER_KINDS:
        match = pattern.search(text)
        if match:
            return kind, excerpt(text, match.start(), match.end(), around=3)
    return None


# The figures worth saying out loud, for practice and the prep sheet. A figure is made
# of whole words (whitespace-separated tokens, less the punctuation around them), so
# "SEV-1s", "p95", "Q3", "4.25×" and "$38k" are never cut in two: a token that starts
# with a letter is never a figure itself, only what a number counts ("12 SEV-1s").
KEY_NUMBERS_MAX = 6
FIGURE = re.compile(r"[~≈+−-]?[$€£¥]?\d")
# A number alone, without a unit: the word after it says what was counted.
BARE_NUMBER = re.compile(r"[~≈+−-]?[$€£¥]?\d+(?:[.,]\d+)*")
# Years and dates are when, not how much ("2,000 users" is a count).
DATE = re.compile(r"(?:19|20)\d\d(?:[-/–]\d+)*")
OPENING_MARKS = "([{“‘\"'"
CLOSING_MARKS = ")]}”’\"'.,;:!?…–—"
RANGE_WORDS = {"to", "→", "->", "⟶", "=>"}
UNITS_APART = {"%", "×", "x"}
NOT_COUNTED = {
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "is",
    "of", "on", "or", "over", "per", "than", "the", "to", "was", "were", "with",
}  # fmt: skip


def _tokens(text):
    """(word, closed) for each token: the word without the punctuation around it, and
    whether punctuation after it closes the phrase ("94%," ends there)."""
    for raw in text.split():
        word = raw.lstrip(OPENING_MARKS).rstrip(CLOSING_MARKS)
        if word:
            yield word, word != raw.lstrip(OPENING_MARKS)


def _counts(word):
    """Whether a word can say what a number counts ("weeks", "FPS", "SEV-1s") or is
    its unit written apart ("40 %")."""
    if word in UNITS_APART:
        return True
    return len(word) > 1 and word[0].isalpha() and word.lower() not in NOT_COUNTED


def _figure(tokens, i):
    """The figure that starts at tokens[i] ("" for a date), and the index after it:
    the number, then a range ("to 120ms") and what it counts ("weeks"), if any."""
    first, closed = tokens[i]
    words, numbers = [first], [first]
    i += 1
    ranged = counted = False
    while not closed and i < len(tokens):
        after = tokens[i][0]
        ahead = tokens[i + 1] if i + 1 < len(tokens) else ("", True)
        if not ranged and after in RANGE_WORDS and FIGURE.match(ahead[0]):
            words += [after, ahead[0]]
            numbers.append(ahead[0])
            closed = ahead[1]
            i += 2
            ranged = True
        elif not counted and BARE_NUMBER.fullmatch(first) and _counts(after):
            words.append(after)
            closed = tokens[i][1]
            i += 1
            counted = True
        else:
            break
    if not counted and all(DATE.fullmatch(number) for number in numbers):
        return "", i
    return " ".join(words), i


def key_numbers(markdown_text, limit=KEY_NUMBERS_MAX):
    """The figures a Result holds, as said out loud: "40%", "3×", "$2M", "3 weeks",
    "800ms to 120ms", "12 SEV-1s"; in order, without repeats or dates."""
    tokens = list(_tokens(to_text(markdown_text)))
    found = []
    i = 0
    while i < len(tokens) and len(found) < limit:
        if not FIGURE.match(tokens[i][0]):
            i += 1
            continue
        figure, i = _figure(tokens, i)
        if figure and figure not in found:
            found.append(figure)
    return found


# --- Ownership and vague words ----------------------------------------------------------

# "I'm", "I've" count through \bI\b; "us" stays lower case so "the US" is not a team.
FIRST_PERSON = re.compile(r"\bI\b|\b(?i:me|my|myself|mine)\b")
TEAM = re.compile(r"\b(?i:we|our|ours|ourselves)\b|\bus\b")

VAGUE_PHRASES = [
    "helped with",
    "helped out",
    "was involved in",
    "were involved in",
    "got involved in",
    "worked on",
    "assisted with",
    "participated in",
    "contributed to",
    "etc.",
    "and so on",
    "various",
    "some",
    "stuff",
]
VAGUE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in VAGUE_PHRASES)
    + r")(?!\w)",
    re.I,
)

# Hedges: words that make the speaker sound unsure of their own story. Longest first,
# so "I think maybe" is quoted whole rather than as "maybe".
HEDGE_PHRASES = [
    "I think maybe",
    "I guess",
    "I suppose",
    "more or less",
    "pretty much",
    "basically",
    "kind of",
    "kinda",
    "sort of",
    "sorta",
    "somewhat",
    "probably",
    "perhaps",
    "maybe",
]
HEDGE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in HEDGE_PHRASES)
    + r")(?!\w)",
    re.I,
)
# After one of these, "kind of" and "sort of" name a kind of thing ("the kind of
# failure that", "a sort of queue"), which is a plain description, not a hedge.
KIND_OF_NOUN_AFTER = {
    "a", "an", "the", "this", "that", "these", "those", "what", "which", "whatever",
    "any", "every", "each", "some", "one", "same", "other", "another", "no", "my",
    "our", "your", "their", "its", "his", "her", "right", "wrong", "new", "first",
    "different", "similar", "usual", "particular", "certain", "common", "worst",
}  # fmt: skip

# How people say they found a cause, not just a fix: "found that … because",
# "traced it to", "the root cause was", "turned out to be", "caused by", "pulled the
# traces and found", "bisected", "reproduced", "narrowed it down to", "five whys",
# "the post-mortem showed". A sentence is read no further than its full stop.
ROOT_CAUSE = re.compile(
    r"\broot[- ]?caus(?:e|ed|ing)\b"
    r"(?!\s+(?:was|is|remains?|stayed)\s+(?:never|not|still|unknown|unclear))"
    r"|\b(?:found|find|discovered|realised|realized|noticed|saw|confirmed|showed"
    r"|proved|learn(?:ed|t))\b[^.;!?]{0,120}?\b(?:because|due to|caused by|came from"
    r"|comes from|stemm(?:ed|ing) from|(?:was|were) coming from|triggered by)\b"
    r"|\bfound (?:a|an|the) (?:[\w-]+ ){0,2}?(?:bug|race|leak|regression|deadlock"
    r"|misconfiguration|off-by-one|typo)\b"
    r"|\btrac(?:ed|ing)\b[^.;!?]{0,60}?\bto\b"
    r"|\bturned out (?:to be|that|the|it|a|an)\b"
    r"|\b(?:caused|triggered) by\b"
    r"|\b(?:traces?|logs?|metrics|dashboards?|profiles?|profiler|flame ?graphs?"
    r"|(?:core|heap|thread) dumps?|packet captures?|tcpdump)\b[^.;!?]{0,60}?"
    r"\b(?:found|showed|revealed|saw|spotted|noticed|pointed to|discovered)\b"
    r"|\bbisect(?:ed|ing)?\b"
    r"|\breproduc(?:e|ed|ing)\b|\brepro'?d\b"
    r"|\bnarrow(?:ed|ing)\b[^.;!?]{0,40}?\bdown\b"
    r"|\b(?:five|5) whys\b"
    r"|\b(?:post-?mortem|incident review|RCA)\b[^.;!?]{0,60}?"
    r"\b(?:showed|found|revealed|traced|pointed to|identified)\b"
    r"|\bpinpointed\b|\bpinned (?:it|this|that|the [\w-]+) down\b"
    r"|\bthe (?:culprit|cause|trigger) (?:was|turned out)\b",
    re.I,
)
# "never found the root cause", "couldn't reproduce it": said, but not done.
NEGATED = re.compile(
    r"\b(?:never|not|no|without|couldn't|could not|didn't|did not|can't|cannot"
    r"|unable to|failed to|wasn't|weren't)\b(?:\s+[\w'-]+){0,2}\s*$",
    re.I,
)

# Words that show the story says what was learned or changed afterwards.
LESSON = re.compile(
    r"\b(?:learn(?:ed|t|ing)?|lessons?|afterwards?|since then|from then on|next time"
    r"|differently|in hindsight|looking back|put in place|to prevent|prevents?"
    r"|now (?:I|we) (?:always|check|run|add|use))\b",
    re.I,
)
# What in a theme's prompt or points asks for that.
ASKS_FOR_LESSON = re.compile(r"learn|afterward|differently|prevent", re.I)
ASKS_FOR_NUMBER = re.compile(r"quantif|\bnumbers?\b", re.I)
ASKS_FOR_OWNERSHIP = re.compile(r"ownership|\byour (?:part|role)\b", re.I)
ASKS_FOR_SPECIFICS = re.compile(r"specific|generali[sz]", re.I)
ASKS_FOR_ROOT_CAUSE = re.compile(r"root[- ]?cause", re.I)


# --- The prep document's words ----------------------------------------------------------


@dataclass
class Guidance:
    """The prep document's words for each rule, for the themes a story serves.

    `by_rule` maps a rule id to the Sources to cite; `lesson_asks` lists what the
    story's themes ask about learning or change (drives the missing-Reflection rule),
    `root_cause_asks` what they ask about finding the cause (the root-cause rule).
    Build one with `Guidance.load(themes)`, or by hand in tests.
    """

    by_rule: dict = field(default_factory=dict)
    lesson_asks: list = field(default_factory=list)
    root_cause_asks: list = field(default_factory=list)

    def cite(self, rule):
        return tuple(self.by_rule.get(rule, ()))

    @classmethod
    def from_playbook(cls, playbook, theme_ids):
        by_rule = {}
        lesson_asks = []
        root_cause_asks = []

        def add(rule, source):
            if source not in by_rule.setdefault(rule, []):
                by_rule[rule].append(source)

        for guideline in playbook.guidelines:
            if ASKS_FOR_NUMBER.search(guideline.text):
                add("result_number", Source("Guideline", guideline.text))
        for theme_id in sorted(theme_ids, key=playbook.theme_order):
            label = playbook.theme_label(theme_id)
            for prompt in playbook.prompts.get(theme_id, ()):
                kind = f"STAR prompt ({prompt.get_section_display()})"
                source = Source(kind, prompt.text, label)
                if prompt.section == "result" and ASKS_FOR_NUMBER.search(prompt.text):
                    add("result_number", source)
                if prompt.section == "result" and ASKS_FOR_LESSON.search(prompt.text):
                    lesson_asks.append(source)
            for point in playbook.points.get(theme_id, ()):
                source = Source(point.get_kind_display(), point.text, label)
                if ASKS_FOR_NUMBER.search(point.text):
                    add("result_number", source)
                if ASKS_FOR_OWNERSHIP.search(point.text):
                    add("ownership", source)
                if ASKS_FOR_SPECIFICS.search(point.text):
                    add("vague", source)
                if ASKS_FOR_LESSON.search(point.text):
                    lesson_asks.append(source)
                if ASKS_FOR_ROOT_CAUSE.search(point.text):
                    root_cause_asks.append(source)
        return cls(
            by_rule=by_rule, lesson_asks=lesson_asks, root_cause_asks=root_cause_asks
        )

    @classmethod
    def load(cls, theme_ids, owner=None):
        return cls.from_playbook(Playbook.load(owner), theme_ids)


class Playbook:
    """The guidance the coach reads for one user's stories: the built-in themes'
    and the user's own, with the document's guidelines, loaded in four queries.

    Playbooks are small (tens of themes), so one load serves any number of stories.
    """

    def __init__(self, themes, guidelines):
        """`themes` come `with_guidance()`: their prompts and points prefetched."""
        self.themes = {t.pk: t for t in themes}
        self.guidelines = list(guidelines)
        self.prompts = {pk: list(t.star_prompts.all()) for pk, t in self.themes.items()}
        self.points = {pk: list(t.points.all()) for pk, t in self.themes.items()}

    def theme_number(self, theme_id):
        theme = self.themes.get(theme_id)
        return theme.number if theme and theme.number is not None else 0

    def theme_order(self, theme_id):
        """Built-in themes by number, then the user's own."""
        theme = self.themes.get(theme_id)
        own = theme is None or theme.number is None
        return (own, self.theme_number(theme_id), theme_id)

    def theme_label(self, theme_id):
        theme = self.themes.get(theme_id)
        if theme is not None and theme.number is None:
            return theme.title
        return f"Theme {self.theme_number(theme_id)}"

    def checklist_points(self, theme_id):
        """The strong-answer framework and the key points: what a story should hit."""
        return [
            p
            for p in self.points.get(theme_id, ())
            if p.kind in ("framework", "key_point")
        ]

    @classmethod
    def load(cls, owner=None):
        """`owner` (a user or their id) adds their own themes to the built-in ones."""
        themes = Theme.objects.with_guidance()
        themes = themes.built_in() if owner is None else themes.visible_to(owner)
        return cls(themes, Guideline.objects.all())


# --- The analysis ----------------------------------------------------------------------


def _texts(story):
    texts = {name: to_text(getattr(story, name, "")) for name in SECTION_FIELDS}
    # Ownership reads the Action without quoted speech, blockquotes included.
    texts["action_own_words"] = without_quotations(
        to_text(getattr(story, "action", ""), blockquotes=False)
    )
    return texts


def analyse(story, guidance=None):
    """Measure a story and list what would make it stronger.

    `story` is anything with situation/task/action/result/reflection attributes
    holding Markdown.
    """
    guidance = guidance or Guidance()
    texts = _texts(story)
    counts = {name: count_words(texts[name]) for name in SECTION_FIELDS}
    total = sum(counts.values())
    sections = [
        SectionStats(
            name,
            counts[name],
            speaking_seconds(counts[name]),
            counts[name] / total if total else 0.0,
        )
        for name in SECTION_FIELDS
    ]
    findings = []
    strengths = {}
    findings += _length(total)
    findings += _balance(texts, counts, total)
    findings += _result_number(texts, guidance, strengths)
    findings += _ownership(texts, guidance)
    findings += _vague(texts, guidance)
    findings += _hedges(texts)
    findings += _root_cause(texts, guidance, strengths)
    findings += _reflection(texts, guidance, strengths)
    findings.sort(key=lambda f: SEVERITY_ORDER[f.severity])
    return Report(
        sections=sections,
        words=total,
        seconds=speaking_seconds(total),
        findings=findings,
        strengths=strengths,
    )


def _length(total):
    low, high = TARGET_WORDS
    time = format_duration(speaking_seconds(total))
    if total == 0:
        return [
            Finding(
                "empty",
                Severity.HIGH,
                "",
                "",
                "There is nothing to say yet: write the Situation, Task, Action and Result.",
            )
        ]
    if total < low:
        return [
            Finding(
                "too_short",
                Severity.MEDIUM,
                "",
                "",
                f"{total} words is about {time} spoken. "
                f"A spoken answer should last 1–2 minutes: at {WORDS_PER_MINUTE} words a "
                f"minute that is roughly {low}–{high} words. Add the detail that shows "
                "what you did.",
            )
        ]
    if total > high:
        return [
            Finding(
                "too_long",
                Severity.MEDIUM,
                "",
                "",
                f"{total} words is about {time} spoken. "
                f"A spoken answer should last 1–2 minutes (roughly {low}–{high} words at "
                f"{WORDS_PER_MINUTE} a minute); past that the interviewer stops "
                "listening. Cut the Situation first.",
            )
        ]
    return []


def _balance(texts, counts, total):
    findings = []
    if not counts["action"] and total:
        findings.append(
            Finding(
                "action_missing",
                Severity.HIGH,
                "action",
                "",
                "The Action is what the interviewer scores: say what you did, step "
                "by step.",
            )
        )
        return findings
    if total < MIN_WORDS_FOR_BALANCE:
        return findings
    if counts["situation"] > counts["action"]:
        findings.append(
            Finding(
                "situation_outweighs_action",
                Severity.MEDIUM,
                "situation",
                opening(texts["situation"]),
                f"The Situation ({counts['situation']} words) is longer than the "
                f"Action ({counts['action']} words). Set the scene in a sentence or "
                "two and spend the time on what you did.",
            )
        )
    share = counts["action"] / total
    if share < ACTION_SHARE_FLOOR:
        findings.append(
            Finding(
                "action_share_low",
                Severity.LOW,
                "action",
                opening(texts["action"]),
                f"Guidance: aim for about half or more of the answer on the Action "
                f"(now {round(share * 100)}%). That is where your judgement and skill show.",
            )
        )
    return findings


def _result_number(texts, guidance, strengths):
    result = texts["result"]
    if not result:
        return [
            Finding(
                "result_missing",
                Severity.HIGH,
                "result",
                "",
                "Say how it ended: what changed, by how much.",
                guidance.cite("result_number"),
            )
        ]
    found = find_number(result)
    if found:
        strengths["result_number"] = found[1]
        return []
    return [
        Finding(
            "result_number",
            Severity.HIGH,
            "result",
            opening(result),
            "The Result holds no number. Quantify it: a count, a percentage, a "
            "multiplier (3×), a time saved, money, or a before → after "
            "(“from 8 to 34 FPS”). A number in the Situation does not count.",
            guidance.cite("result_number"),
        )
    ]


def _ownership(texts, guidance):
    action = texts["action_own_words"]
    mine = FIRST_PERSON.findall(action)
    ours = list(TEAM.finditer(action))
    if len(ours) <= len(mine):
        return []
    first = ours[0]
    return [
        Finding(
            "ownership",
            Severity.MEDIUM,
            "action",
            excerpt(action, first.start(), first.end()),
            f"The Action says “we” {len(ours)} time{'s' if len(ours) != 1 else ''} "
            f"and “I” {len(mine)}. The interviewer is hiring you: say what you did, "
            "and keep “we” for what the team did.",
            guidance.cite("ownership"),
        )
    ]


def _vague(texts, guidance):
    findings = []
    for name in SECTION_FIELDS:
        text = without_quotations(texts[name])
        for match in VAGUE.finditer(text):
            phrase = " ".join(match.group(0).split())
            findings.append(
                Finding(
                    "vague",
                    Severity.LOW,
                    name,
                    excerpt(text, match.start(), match.end(), around=4),
                    f"“{phrase}” is vague: name exactly what you did, which parts, "
                    "how many.",
                    guidance.cite("vague"),
                )
            )
    return findings


def _hedge_spans(text):
    """(start, end) of each hedge in `text`; hedges in a row ("basically kind of")
    are one span."""
    spans = []
    for match in HEDGE.finditer(text):
        if match.group(0).lower().split() in (["kind", "of"], ["sort", "of"]):
            before = text[: match.start()].split()
            if (
                before
                and before[-1].lower().lstrip(OPENING_MARKS) in KIND_OF_NOUN_AFTER
            ):
                continue
        if spans and not text[spans[-1][1] : match.start()].strip():
            spans[-1] = (spans[-1][0], match.end())
        else:
            spans.append((match.start(), match.end()))
    return spans


def _hedges(texts):
    findings = []
    for name in SECTION_FIELDS:
        text = without_quotations(texts[name])
        for start, end in _hedge_spans(text):
            phrase = " ".join(text[start:end].split())
            findings.append(
                Finding(
                    "hedge",
                    Severity.LOW,
                    name,
                    excerpt(text, start, end, around=4),
                    f"“{phrase}” hedges: it sounds as if you are unsure of your own "
                    "story. Say it plainly, or give the number you do know.",
                )
            )
    return findings


SENTENCE_END = re.compile(r"[.;!?](?:\s|$)")


def find_root_cause(text):
    """The sentence in `text` that shows how a cause was found, quoted, or None."""
    for match in ROOT_CAUSE.finditer(text):
        start = max(
            (m.end() for m in SENTENCE_END.finditer(text, 0, match.start())), default=0
        )
        if NEGATED.search(text[start : match.start()]):
            continue
        end = SENTENCE_END.search(text, match.end())
        sentence = text[start : end.end() if end else len(text)].strip()
        return opening(sentence, 14)
    return None


def _root_cause(texts, guidance, strengths):
    # Where people tell it: the Action, or a Result or Reflection that says what the
    # post-mortem showed.
    for name in ("action", "result", "reflection"):
        found = find_root_cause(without_quotations(texts[name]))
        if found:
            strengths["root_cause"] = found
            return []
    if not guidance.root_cause_asks or not texts["action"]:
        return []
    return [
        Finding(
            "root_cause_missing",
            Severity.MEDIUM,
            "action",
            guidance.root_cause_asks[0].text,
            "The theme asks how you found the cause, and the story does not say. In "
            "the Action, say how you found it and what it was: “I pulled the traces "
            "and found … because …”, “I bisected it to …”, “the root cause was …”.",
            tuple(guidance.root_cause_asks),
        )
    ]


def _reflection(texts, guidance, strengths):
    if texts["reflection"]:
        strengths["reflection"] = opening(texts["reflection"], 8)
        return []
    lesson = LESSON.search(texts["result"])
    if lesson:
        strengths["reflection"] = excerpt(
            texts["result"], lesson.start(), lesson.end(), 4
        )
        return []
    if not guidance.lesson_asks:
        return []
    return [
        Finding(
            "reflection_missing",
            Severity.MEDIUM,
            "reflection",
            guidance.lesson_asks[0].text,
            "The theme asks what you changed or learned, and the story does not say. "
            "Add a Reflection: what you put in place afterwards, or would do "
            "differently.",
            tuple(guidance.lesson_asks),
        )
    ]


# --- Readiness ----------------------------------------------------------------------

# Coverage stores each story's score with a fingerprint of what it was computed from
# (`coverage.report.readiness_scores`); this version is part of the fingerprint. Bump
# it whenever the scoring changes, so every stored score is computed again.
SCORING_VERSION = 2
# The bands, from the top: a score of at least the line gets the label.
READY_SCORE = 80
NEARLY_SCORE = 50
BANDS = (
    (READY_SCORE, "Ready to tell"),
    (NEARLY_SCORE, "Nearly there"),
    (0, "Needs work"),
)
# The text carries the score. The checklist is the user's own view: ticking every
# box, without changing a word, adds at most CHECKLIST_POINTS and never lifts a story
# into a higher band (user test, issue 13: four ticks took a story from 66 to 86).
TEXT_POINTS = 95
CHECKLIST_POINTS = 5
# What each rule costs, once per rule at its worst: ten vague words are one habit.
PENALTY = {Severity.HIGH: 30, Severity.MEDIUM: 15, Severity.LOW: 5}
RULE_SUMMARY = {
    "empty": "the story is empty",
    "too_long": "longer than a 2-minute answer",
    "action_missing": "no Action",
    "situation_outweighs_action": "the Situation outweighs the Action",
    "action_share_low": "the Action is under about half the answer",
    "result_missing": "no Result",
    "result_number": "the Result holds no number",
    "ownership": "more “we” than “I” in the Action",
    "vague": "vague wording",
    "hedge": "hedging words (“basically”, “kind of” …)",
    "root_cause_missing": "no root cause where the theme asks for one",
    "reflection_missing": "no Reflection where the theme asks for one",
}


def _penalty(rule, severity, report):
    """Points off the text for a rule, and the reason in words."""
    if rule == "empty":
        return TEXT_POINTS, RULE_SUMMARY[rule]
    if rule == "too_short":
        # Short text has few faults to find, so the cost grows with what is missing:
        # a few lines must not pass for an answer.
        low = TARGET_WORDS[0]
        missing = round(TEXT_POINTS * (low - report.words) / low)
        return (
            max(PENALTY[severity], missing),
            f"{report.words} of the {low} words of a 1-minute answer",
        )
    return PENALTY[severity], RULE_SUMMARY.get(rule, rule)


@dataclass(frozen=True)
class ChecklistItem:
    point: object  # a themes.ThemePoint
    theme_label: str  # "Theme 2", or an own theme's name
    ticked: bool
    # What in the text shows this item is met, or "" when the coach cannot tell.
    detected: str = ""

    @property
    def done(self):
        return self.ticked or bool(self.detected)


def band(score):
    return next(label for line, label in BANDS if score >= line)


@dataclass
class Readiness:
    score: int
    explanation: list
    checklist: list
    report: Report
    # The two parts of the score: what the text shows, and what the checklist added
    # (after holding the score below a line the text did not reach).
    text_score: int = 0
    checklist_score: int = 0
    # The checklist would have lifted the story into a higher band, and did not.
    held_back: bool = False

    # The scale, for the panel to explain (class attributes, not fields).
    text_points = TEXT_POINTS
    checklist_points = CHECKLIST_POINTS
    ready_score = READY_SCORE
    nearly_score = NEARLY_SCORE

    @property
    def label(self):
        return band(self.score)


def _detect(point, report):
    if ASKS_FOR_NUMBER.search(point.text) and "result_number" in report.strengths:
        return f"The Result holds a number: “{report.strengths['result_number']}”"
    if ASKS_FOR_LESSON.search(point.text) and "reflection" in report.strengths:
        return f"The story says what changed: “{report.strengths['reflection']}”"
    if ASKS_FOR_ROOT_CAUSE.search(point.text) and "root_cause" in report.strengths:
        return f"The story says how you found the cause: “{report.strengths['root_cause']}”"
    return ""


def readiness(story, playbook=None, text=None):
    """Score a story 0–100 from its text, with a little from its themes' checklists.

    Up to 95 points come from the text: each rule the coach finds broken costs 30,
    15 or 5 by severity, once per rule (a story far too short costs more, an empty
    one everything). The checklist (the strong-answer framework and key points of
    every theme the story serves, ticked by the user or seen in the text) adds up to
    5, and never lifts the story into a higher band: only the text does that.

    `text` analyses unsaved text (an object with the story's text attributes)
    against the story's saved themes and ticks. Pass one `playbook`
    (`Playbook.load(owner)`) and prefetch "themes" and "checked_points" to score many
    stories in a fixed number of queries, as `coverage.report.readiness_scores` does.
    """
    playbook = playbook or Playbook.load(story.owner_id)
    theme_ids = [theme.pk for theme in story.themes.all()]
    checked = {point.pk for point in story.checked_points.all()}
    report = analyse(text or story, Guidance.from_playbook(playbook, theme_ids))

    worst = {}
    for finding in report.findings:
        if finding.rule not in worst or (
            SEVERITY_ORDER[finding.severity] < SEVERITY_ORDER[worst[finding.rule]]
        ):
            worst[finding.rule] = finding.severity
    penalties = []
    for rule, severity in worst.items():
        penalty, summary = _penalty(rule, severity, report)
        times = sum(1 for f in report.findings if f.rule == rule)
        suffix = f" ({times}×)" if times > 1 else ""
        penalties.append((penalty, f"−{penalty}: {summary}{suffix}"))
    # The costliest first: what to fix first.
    penalties.sort(key=lambda p: -p[0])
    text_score = max(0, TEXT_POINTS - sum(p for p, _ in penalties))
    explanation = [
        f"From the text: {text_score} of {TEXT_POINTS}"
        + (" — nothing to fix." if not worst else ", points taken off for:"),
        *(reason for _, reason in penalties),
    ]

    checklist = []
    for theme_id in sorted(theme_ids, key=playbook.theme_order):
        for point in playbook.checklist_points(theme_id):
            checklist.append(
                ChecklistItem(
                    point,
                    playbook.theme_label(theme_id),
                    point.pk in checked,
                    _detect(point, report),
                )
            )
    checklist_score = 0
    if not theme_ids:
        explanation.append(
            f"Your checklist: +0 of {CHECKLIST_POINTS} — tag a theme to get its "
            "checklist."
        )
    elif not checklist:
        explanation.append(
            f"Your checklist: +0 of {CHECKLIST_POINTS} — these themes list no "
            "framework or key points to tick."
        )
    else:
        ticked = sum(1 for item in checklist if item.ticked)
        seen = sum(1 for item in checklist if item.detected and not item.ticked)
        done = ticked + seen
        # Never more than the text earned: ticks on an empty story add nothing.
        checklist_score = min(
            round(CHECKLIST_POINTS * done / len(checklist)), text_score
        )
        how = f"{ticked} ticked by you" + (f", {seen} seen in the text" if seen else "")
        explanation.append(
            f"Your checklist: +{checklist_score} of {CHECKLIST_POINTS} — {done} of "
            f"{len(checklist)} points ({how})."
        )

    score = text_score + checklist_score
    held_back = band(score) != band(text_score)
    if held_back:
        line = next(line for line, _ in reversed(BANDS) if line > text_score)
        score = line - 1
        explanation.append(
            f"Held at {score}: your checklist never lifts a story to “{band(line)}” "
            f"({line}); only the text can."
        )
    return Readiness(
        score,
        explanation,
        checklist,
        report,
        text_score=text_score,
        checklist_score=score - text_score,
        held_back=held_back,
    )
