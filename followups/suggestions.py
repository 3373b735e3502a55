"""Suggested rungs: the follow-ups a story invites, read from its text and the coach.

The coach's findings and patterns say what a story lacks or leans on; this module
only maps them to the question an interviewer asks next. It adds one pattern of its
own, for decision words, which the coach does not look for.
"""

import re
from dataclasses import dataclass

from coach.analysis import TEAM, analyse, without_quotations
from markup.render import to_text
from stories.models import SECTION_FIELDS

MEASURE = "How did you measure it?"
YOUR_PART = "What was your part?"
ALTERNATIVES = "What else did you consider?"
DIFFERENTLY = "What would you do differently?"
FIRST_TRY = "What did you try first?"

DECISION = re.compile(
    r"\b(?:chose|chosen|choose|choosing|decided|decide|deciding|decision|decisions"
    r"|opted|trade-?offs?)\b",
    re.I,
)


@dataclass(frozen=True)
class Suggestion:
    question: str
    why: str


def suggest(story, report=None, taken=()):
    """The follow-ups `story` invites, less those whose question is in `taken`.

    `report` is the coach's analysis of the story, if the caller has it already.
    """
    report = report or analyse(story)
    rules = {finding.rule for finding in report.findings}
    action = without_quotations(
        to_text(getattr(story, "action", ""), blockquotes=False)
    )
    whole = without_quotations(
        "\n".join(to_text(getattr(story, name, "")) for name in SECTION_FIELDS)
    )
    found = []
    if "result_number" in rules:
        found.append(Suggestion(MEASURE, "The Result holds no number."))
    if TEAM.search(action):
        found.append(Suggestion(YOUR_PART, "The Action says “we”."))
    if match := DECISION.search(whole):
        found.append(Suggestion(ALTERNATIVES, f"The story says “{match.group(0)}”."))
    found.append(Suggestion(DIFFERENTLY, "Asked after almost every story."))
    found.append(Suggestion(FIRST_TRY, "Asked after almost every story."))
    taken = {_key(question) for question in taken}
    return [s for s in found if _key(s.question) not in taken]


def _key(question):
    return " ".join(question.casefold().split()).rstrip("?")
