"""The prep sheet: one plain structure built from the user's choices, three renderings.

`build()` turns the options into a `Sheet`; `to_markdown()`, `to_html()` and
`to_pdf()` render that same Sheet, so the formats never disagree. A story that serves
several chosen themes is told in full under the first of them (by theme number) and
cross-referenced under the others.
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.db.models import Count, Q, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.text import Truncator

from coach.analysis import key_numbers
from coverage.report import readiness_scores
from markup.render import to_text
from stories.models import SECTION_LABELS, Story, StoryQuestion
from themes.models import (
    NegotiationNote,
    ThemePoint,
    by_playbook,
)

from .models import OwnNote

# Heading levels in every rendering: sheet title, theme, story, STAR section.
THEME_LEVEL, STORY_LEVEL, SECTION_LEVEL = 2, 3, 4
# The builder's live preview shows each STAR section's opening words, this many
# characters at most: the preview is swapped in on every change of options, so it
# stays small (under 10 KB) whatever the stories hold; the downloads hold it all.
EXCERPT_CHARS = 60


@dataclass
class Options:
    themes: list  # [Theme], in theme order
    include_drafts: bool = False
    compact: bool = False
    questions_to_ask: list = field(default_factory=list)  # [QuestionToAsk]
    own_questions: list = field(default_factory=list)  # [OwnQuestion]
    negotiation: bool = True
    # Only each theme's strongest stories, as many as its target (2–3): a sheet to
    # take into an interview, not the whole bank.
    best_per_theme: bool = False
    # Each story's follow-up ladder: the questions asked next, with the user's answers.
    followups: bool = False
    # The user's own negotiation notes ([OwnNote]) when the caller has read them
    # already; None, and build() reads them if the sheet holds them.
    own_notes: list | None = None
    # The ids of the playbooks shown to the user (Playbook.objects.shown_to), when
    # the caller has them; None, and the negotiation notes are found by subquery.
    playbooks: list | None = None


@dataclass
class Section:
    label: str
    text: str  # the user's Markdown, headings already shifted below the section

    @cached_property
    def excerpt(self):
        """The section's opening words as plain text, for the builder's preview."""
        return plain_excerpt(self.text)


@dataclass
class StoryEntry:
    anchor: str
    title: str
    summary: str
    status: str
    meta: list  # company, role, period: whichever are filled in
    angle: str
    sections: list  # [Section]; empty on a compact sheet
    key_numbers: list  # [str]
    questions: list  # [Answer]: the chosen themes' sample questions it answers
    also_serves: list  # titles of the other chosen themes it is cross-referenced under
    lead: bool = False  # the user's lead story for the theme it is told under
    followups: list = field(default_factory=list)  # [FollowUp], when asked for

    @property
    def facts(self):
        """The line under the title: a draft's status, then company, role, period."""
        return [fact for fact in (self.status, *self.meta) if fact]


@dataclass
class FollowUp:
    """A rung of the story's follow-up ladder, on one line each."""

    question: str
    answer: str


@dataclass
class Answer:
    """A sample question a story answers, and the angle it takes on it."""

    text: str
    angle: str = ""


@dataclass
class CrossRef:
    anchor: str
    title: str
    told_under: str
    angle: str
    lead: bool = False  # the user's lead story for the theme it is listed under


@dataclass
class ThemeBlock:
    slug: str
    title: str
    stories: list  # [StoryEntry]
    cross_refs: list  # [CrossRef]
    key_points: list  # [str], the document's reminders; empty on a compact sheet

    @property
    def is_empty(self):
        return not self.stories and not self.cross_refs


@dataclass
class QuestionGroup:
    title: str
    questions: list  # [str]
    # The playbook's title when the sheet's questions come from several playbooks
    # (each group then sits under its playbook's heading), else "".
    playbook: str = ""


@dataclass
class NoteGroup:
    """A playbook's negotiation notes; `title` is the playbook's when the user sees
    several playbooks' notes, else ""."""

    title: str
    notes: list  # [str]


@dataclass
class Sheet:
    title: str
    compact: bool
    themes: list  # [ThemeBlock]
    question_groups: list  # [QuestionGroup]
    negotiation_notes: list  # [NoteGroup]
    own_notes: list  # [str]
    include_drafts: bool
    has_any_story: bool  # does the user have a story at all, chosen or not
    # Stories tagged with no theme at all, told at the end under "Other stories" so
    # that none falls out of sight. (Stories tagged only with themes the user did
    # not choose are left out by that choice.)
    other: list = field(default_factory=list)  # [StoryEntry]
    has_ready_story: bool = False  # does the user have a ready story, chosen or not
    # Every story the options choose, when the sheet holds only the first few (the
    # builder's preview); None when it holds them all.
    total_stories: int | None = None

    @property
    def story_count(self):
        return sum(len(block.stories) for block in self.themes) + len(self.other)

    @property
    def all_story_count(self):
        """How many stories the complete sheet (the downloads) holds."""
        if self.total_stories is None:
            return self.story_count
        return self.total_stories

    @property
    def stories_left_out(self):
        return self.all_story_count - self.story_count

    @property
    def shown_themes(self):
        """The themes with something to tell: a page of "nothing here" helps no one."""
        return [block for block in self.themes if not block.is_empty]

    @property
    def empty_themes(self):
        """Titles of the chosen themes without a story, named in one line instead."""
        return [block.title for block in self.themes if block.is_empty]

    @property
    def include_negotiation(self):
        return bool(self.negotiation_notes or self.own_notes)


class Tag(NamedTuple):
    """One of a story's themes, as the sheet reads it: plain values, no model."""

    theme_id: int
    angle: str
    is_lead: bool


def build(user, options, limit=None):
    """The sheet for these options; with `limit`, only the first `limit` stories in
    the sheet's order (theme by theme, then by title), and `total_stories` says how
    many the whole sheet holds.

    The order and the picks are worked out from the stories' tags, read as plain
    values, before any story is read whole: then only the stories shown are (and, to
    pick the strongest, every candidate, whose text the readiness check hashes). The
    queries are as many whatever the size of the bank: tags, stories, key points,
    questions answered, negotiation notes, own notes, counts; ticked points and the
    playbook to pick the strongest; the ladders when asked for.
    """
    chosen = {theme.pk: theme for theme in options.themes}
    # The themes' order on the sheet: the order the user keeps them in.
    rank = {pk: i for i, pk in enumerate(chosen)}
    statuses = [Story.Status.READY]
    if options.include_drafts:
        statuses.append(Story.Status.DRAFT)
    # Each story's place by title, as the database sorts titles.
    tags, by_title = defaultdict(list), {}
    for pk, theme_id, angle, is_lead in (
        Story.objects.for_user(user)
        .alive()
        .filter(status__in=statuses)
        .order_by("title", "created", "pk")
        .values_list(
            "pk",
            "story_themes__theme_id",
            "story_themes__angle",
            "story_themes__is_lead",
        )
    ):
        by_title.setdefault(pk, len(by_title))
        if theme_id is not None:
            tags[pk].append(Tag(theme_id, angle, is_lead))
    candidates = [
        pk
        for pk, story_tags in tags.items()
        if any(t.theme_id in chosen for t in story_tags)
    ]
    # Stories tagged with no theme at all, told after the themes' (and so, in a
    # preview, only as many as the limit leaves room for).
    untagged = sorted((pk for pk in by_title if pk not in tags), key=by_title.get)
    if options.best_per_theme:
        # Every candidate is read whole to be weighed; untagged ones only as many
        # as a preview could show.
        stories = _stories(user, candidates + untagged[:limit])
        picked = best_per_theme([stories[pk] for pk in candidates], tags, chosen, user)
    else:
        picked = {pk: chosen for pk in candidates}
    # The chosen (or picked) themes each story serves, in the user's order: it is
    # told under the first and cross-referenced under the others.
    serves = {
        pk: sorted(
            (t for t in tags[pk] if t.theme_id in themes),
            key=lambda t: rank[t.theme_id],
        )
        for pk, themes in picked.items()
    }
    order = sorted(serves, key=lambda pk: (rank[serves[pk][0].theme_id], by_title[pk]))
    shown, other, total = order, untagged, None
    if limit is not None:
        shown = order[:limit]
        other = untagged[: max(0, limit - len(shown))]
        total = len(order) + len(untagged)
    if not options.best_per_theme:
        stories = _stories(user, shown + other)
    if options.followups:
        # One more query for every story's ladder, whatever their number.
        prefetch_related_objects([stories[pk] for pk in shown + other], "rungs")
    answers = _answers(shown, chosen, rank)
    blocks = {
        pk: ThemeBlock(theme.slug, str(theme), [], [], [])
        for pk, theme in chosen.items()
    }
    if not options.compact:
        for point in ThemePoint.objects.filter(
            theme__in=list(chosen), kind=ThemePoint.Kind.KEY_POINT
        ):
            blocks[point.theme_id].key_points.append(point.text)
    # By title, so that each theme's stories and cross-references are too.
    for pk in sorted(shown, key=by_title.get):
        story = stories[pk]
        home, *others = serves[pk]
        anchor = f"story-{story.uuid}"
        blocks[home.theme_id].stories.append(
            _entry(
                story,
                options,
                angle=home.angle,
                questions=answers[pk],
                also_serves=[str(chosen[tag.theme_id]) for tag in others],
                lead=home.is_lead,
            )
        )
        for tag in others:
            blocks[tag.theme_id].cross_refs.append(
                CrossRef(
                    anchor,
                    one_line(story.title),
                    str(chosen[home.theme_id]),
                    one_line(tag.angle),
                    lead=tag.is_lead,
                )
            )
    other = [
        _entry(stories[pk], options, angle="", questions=[], also_serves=[])
        for pk in other
    ]
    # The user's lead story for a theme comes first under it; the rest keep their
    # order (by title).
    for block in blocks.values():
        block.stories.sort(key=lambda entry: not entry.lead)
        block.cross_refs.sort(key=lambda ref: not ref.lead)
    groups = []
    by_category = {}
    for question in options.questions_to_ask:
        by_category.setdefault(question.category, []).append(one_line(question.text))
    categories = sorted(
        by_category,
        key=lambda c: (c.playbook.position, c.playbook.slug, c.position),
    )
    several = len({c.playbook_id for c in categories}) > 1
    for category in categories:
        groups.append(
            QuestionGroup(
                category.title,
                by_category[category],
                playbook=category.playbook.title if several else "",
            )
        )
    if options.own_questions:
        groups.append(
            QuestionGroup(
                "My own questions", [one_line(q.text) for q in options.own_questions]
            )
        )
    own_notes = []
    if options.negotiation:
        notes = options.own_notes
        if notes is None:
            notes = OwnNote.objects.for_user(user)
        own_notes = [one_line(note.text) for note in notes]
    return Sheet(
        title="Interview prep sheet",
        compact=options.compact,
        themes=list(blocks.values()),
        question_groups=groups,
        negotiation_notes=_negotiation_notes(user, options.playbooks)
        if options.negotiation
        else [],
        own_notes=own_notes,
        include_drafts=options.include_drafts,
        total_stories=total,
        other=other,
        **_story_counts(user),
    )


def _stories(user, pks):
    """{pk: Story}, read whole."""
    return {
        story.pk: story for story in Story.objects.for_user(user).filter(pk__in=pks)
    }


def _answers(story_pks, chosen, rank):
    """{story pk: [Answer]}: the chosen themes' sample questions each story answers,
    theme by theme, the playbook's before the user's own, by position."""
    links = defaultdict(list)
    for story_id, theme_id, own, position, question_id, text, angle in (
        StoryQuestion.objects.filter(
            story__in=story_pks, question__theme__in=list(chosen)
        )
        .order_by()
        .values_list(
            "story_id",
            "question__theme_id",
            "question__owner_id",
            "question__position",
            "question_id",
            "question__text",
            "angle",
        )
    ):
        key = (rank[theme_id], own is not None, position, question_id)
        links[story_id].append((key, Answer(one_line(text), one_line(angle))))
    return {
        pk: [answer for _, answer in sorted(links[pk], key=lambda link: link[0])]
        for pk in story_pks
    }


def _negotiation_notes(user, playbooks=None):
    """The notes of the playbooks shown to the user (their ids, if known), a group a
    playbook; one query."""
    if playbooks is None:
        notes = NegotiationNote.objects.for_user(user)
    else:
        notes = NegotiationNote.objects.filter(playbook__in=playbooks)
    notes = notes.select_related("playbook")
    groups = by_playbook(notes)
    return [
        NoteGroup(
            playbook.title if len(groups) > 1 else "",
            [one_line(n.text) for n in notes],
        )
        for playbook, notes in groups
    ]


def _story_counts(user):
    """Whether the user has any story, and any ready one: one aggregate, so the
    builder's message can say which is true."""
    counts = (
        Story.objects.for_user(user)
        .alive()
        .aggregate(
            any=Count("pk"), ready=Count("pk", filter=Q(status=Story.Status.READY))
        )
    )
    return {
        "has_any_story": bool(counts["any"]),
        "has_ready_story": bool(counts["ready"]),
    }


def _entry(story, options, *, angle, questions, also_serves, lead=False):
    return StoryEntry(
        anchor=f"story-{story.uuid}",
        title=one_line(story.title),
        summary=one_line(story.summary),
        # Only a draft says so: "Ready" on every story of a sheet is noise.
        status="" if story.status == Story.Status.READY else story.get_status_display(),
        meta=[
            one_line(v) for v in (story.company, story.role, story.period) if v.strip()
        ],
        angle=one_line(angle),
        sections=[]
        if options.compact
        else [
            Section(label, shift_headings(getattr(story, name), SECTION_LEVEL))
            for name, label in SECTION_LABELS.items()
            if getattr(story, name).strip()
        ],
        key_numbers=key_numbers(story.result),
        questions=questions,
        also_serves=also_serves,
        lead=lead,
        followups=[
            FollowUp(one_line(rung.question), one_line(rung.answer))
            for rung in story.rungs.all()
        ]
        if options.followups
        else [],
    )


def best_per_theme(candidates, tags, chosen, owner):
    """Each chosen theme's strongest stories among `candidates` (with their `tags`,
    {story pk: [Tag]}), as many as the theme's target: the user's lead story for the
    theme first, then ready before draft, then by the coach's readiness score, then
    the most recently edited.

    Returns {story pk: {theme pks it is picked for}}.
    """
    scores = readiness_scores(
        candidates,
        owner,
        theme_ids={pk: [tag.theme_id for tag in tags[pk]] for pk in tags},
    )
    by_theme = {pk: [] for pk in chosen}
    leads = set()  # (story pk, theme pk)
    for story in candidates:
        for tag in tags[story.pk]:
            if tag.theme_id in chosen:
                by_theme[tag.theme_id].append(story)
                if tag.is_lead:
                    leads.add((story.pk, tag.theme_id))
    picked = {}
    for theme_id, tagged in by_theme.items():
        tagged.sort(
            key=lambda story: (
                (story.pk, theme_id) not in leads,
                story.status != Story.Status.READY,
                -scores[story.pk],
                -story.updated.timestamp(),
                story.pk,
            )
        )
        for story in tagged[: chosen[theme_id].target_max]:
            picked.setdefault(story.pk, set()).add(theme_id)
    return picked


# Text helpers ------------------------------------------------------------------


def one_line(text):
    return " ".join((text or "").split())


def plain_excerpt(markdown_text, limit=EXCERPT_CHARS):
    """What a reader sees of this Markdown, on one line, cut to `limit` characters."""
    return Truncator(to_text(markdown_text)).chars(limit)


FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
ATX = re.compile(r"^ {0,3}(#{1,6})(?=[ \t]|$)")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
# HTML blocks that run until an end marker rather than a blank line: left open in a
# story they would swallow the rest of the sheet, so they are shown as text instead.
RAW_HTML_START = re.compile(
    r"^( {0,3})<(?=script|pre|style|textarea|!--|\?|![A-Za-z]|!\[CDATA\[)",
    re.IGNORECASE,
)
BLOCK_START = re.compile(r"^ {0,3}([-+*>]|\d{1,9}[.)])(\s|$)")


def shift_headings(text, below):
    """Move the user's Markdown headings under a heading of level `below`.

    A user's `# Heading` becomes level below+1, and so on down to 6. Setext headings
    become ATX ones at the shifted level; fenced code is left alone, and a fence the
    user left open is closed so it cannot swallow what follows.
    """
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out = []
    fence = None
    paragraph = False  # is the previous line paragraph text (a setext candidate)?
    for line in lines:
        if fence:
            out.append(line)
            stripped = line.strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(
                fence[0]
            ):
                fence = None
            continue
        opening = FENCE.match(line)
        if opening:
            fence = opening.group(1)
            out.append(line)
            paragraph = False
            continue
        atx = ATX.match(line)
        if atx:
            level = min(6, below + len(atx.group(1)))
            out.append("#" * level + line[atx.end() :])
            paragraph = False
            continue
        setext = SETEXT.match(line)
        if setext and paragraph:
            level = min(6, below + (1 if setext.group(1)[0] == "=" else 2))
            out[-1] = "#" * level + " " + out[-1].strip()
            paragraph = False
            continue
        line = RAW_HTML_START.sub(r"\1\\<", line)
        blank = not line.strip()
        paragraph = (
            not blank and not BLOCK_START.match(line) and not line.startswith("    ")
        )
        out.append(line)
    if fence:
        out.append(fence)
    return "\n".join(out).strip("\n")


# What CommonMark reads as markup, and so what md_escape() escapes: only where it
# would change the meaning, so "R&D", "A&B testing", "C++", "snake_case" and "5 * 3"
# read as written in the .md file.
ENTITY = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});"
)
TAG_OR_AUTOLINK = re.compile(r"<[A-Za-z/!?]")
ASCII_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# What would start a block at the beginning of a line: a list item, a quote, an ATX
# heading, a fence, a thematic break or a setext underline.
MD_BLOCK_START = re.compile(
    r"^(?:[-+*](?=\s|$)|>|#{1,6}(?=\s|$)|\d{1,9}[.)](?=\s|$)|```|~~~"
    r"|(?:\*\s*){3,}$|-[-\s]*$|(?:_\s*){3,}$|=+$)"
)
# A heading's closing sequence: trailing #s after a space are dropped by the parser.
MD_CLOSING_HASHES = re.compile(r"(^|\s)(#+)$")


def _is_punctuation(char):
    return char in ASCII_PUNCTUATION or unicodedata.category(char)[0] in "PS"


def _is_delimiter(text, start, end):
    """Whether the run of * or _ at text[start:end] could open or close emphasis
    (CommonMark's flanking rules). A run at either end of the text always counts:
    the text may sit inside the sheet's own *…*."""
    if start == 0 or end == len(text):
        return True
    before, after = text[start - 1], text[end]
    left = not after.isspace() and (
        not _is_punctuation(after) or before.isspace() or _is_punctuation(before)
    )
    right = not before.isspace() and (
        not _is_punctuation(before) or after.isspace() or _is_punctuation(after)
    )
    if text[start] == "*":
        return left or right
    # An underscore inside a word (snake_case) never opens or closes.
    return (left and (not right or _is_punctuation(before))) or (
        right and (not left or _is_punctuation(after))
    )


def md_escape(text):
    """Plain text → Markdown that shows exactly that text, on one line, where a
    paragraph, a list item or a heading starts."""
    text = one_line(text)
    out = []
    i = 0
    backticks = text.count("`") > 1
    last_bracket = text.rfind("]")
    while i < len(text):
        char = text[i]
        if char in "*_":
            end = i
            while end < len(text) and text[end] == char:
                end += 1
            run = text[i:end]
            out.append(
                "".join("\\" + c for c in run) if _is_delimiter(text, i, end) else run
            )
            i = end
            continue
        if (
            (char == "\\" and (i + 1 == len(text) or text[i + 1] in ASCII_PUNCTUATION))
            or (char == "`" and backticks)
            or (char == "[" and i < last_bracket)
            or (char == "<" and TAG_OR_AUTOLINK.match(text, i))
            or (char == "&" and ENTITY.match(text, i))
        ):
            out.append("\\")
        out.append(char)
        i += 1
    escaped = "".join(out)
    if MD_BLOCK_START.match(escaped):
        # Escape the punctuation that makes it a block: "\- ", "\#", "2023\. ".
        mark = len(re.match(r"\d*", escaped).group())
        escaped = escaped[:mark] + "\\" + escaped[mark:]
    return MD_CLOSING_HASHES.sub(r"\1\\\2", escaped)


# Renderings --------------------------------------------------------------------


def to_markdown(sheet):
    out = [f"# {md_escape(sheet.title)}", ""]
    if not sheet.story_count:
        out += ["No stories match these options.", ""]
    if sheet.story_count and sheet.empty_themes:
        names = md_escape("; ".join(sheet.empty_themes))
        out += [f"*No stories yet for: {names}.*", ""]
    for block in sheet.shown_themes:
        out += [f"{'#' * THEME_LEVEL} {md_escape(block.title)}", ""]
        if block.key_points:
            out += ["**Key points to hit:**", ""]
            out += [f"- {md_escape(point)}" for point in block.key_points] + [""]
        for story in block.stories:
            out += _story_markdown(story, sheet.compact)
        if block.cross_refs:
            out += ["**Also for this theme:**", ""]
            for ref in block.cross_refs:
                line = f"- *{md_escape(ref.title)}*"
                if ref.angle:
                    line += f" — {md_escape(ref.angle)}"
                out.append(f"{line} (told under {md_escape(ref.told_under)})")
            out.append("")
    if sheet.other:
        out += [f"{'#' * THEME_LEVEL} Other stories", ""]
        for story in sheet.other:
            out += _story_markdown(story, sheet.compact)
    if sheet.question_groups:
        out += [f"{'#' * THEME_LEVEL} Questions to ask the interviewer", ""]
        playbook = ""
        for group in sheet.question_groups:
            if group.playbook and group.playbook != playbook:
                out += [f"{'#' * STORY_LEVEL} {md_escape(group.playbook)}", ""]
            playbook = group.playbook
            level = SECTION_LEVEL if group.playbook else STORY_LEVEL
            out += [f"{'#' * level} {md_escape(group.title)}", ""]
            out += [f"- {md_escape(q)}" for q in group.questions] + [""]
    if sheet.include_negotiation:
        out += [f"{'#' * THEME_LEVEL} Negotiation and offer notes", ""]
        for group in sheet.negotiation_notes:
            if group.title:
                out += [f"{'#' * STORY_LEVEL} {md_escape(group.title)}", ""]
            out += [f"- {md_escape(n)}" for n in group.notes] + [""]
        if sheet.own_notes:
            out += [f"{'#' * STORY_LEVEL} My own notes", ""]
            out += [f"- {md_escape(n)}" for n in sheet.own_notes] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def _story_markdown(story, compact):
    out = [f"{'#' * STORY_LEVEL} {md_escape(story.title)}", ""]
    if story.facts:
        out += [md_escape(" · ".join(story.facts)), ""]
    if story.summary:
        out += [f"**Summary:** {md_escape(story.summary)}", ""]
    if story.angle:
        out += [f"**Angle:** {md_escape(story.angle)}", ""]
    if story.key_numbers and compact:
        out += [f"**Key numbers:** {md_escape(', '.join(story.key_numbers))}", ""]
    for section in story.sections:
        out += [f"{'#' * SECTION_LEVEL} {section.label}", "", section.text, ""]
    if story.questions:
        out += ["**Answers:**", ""]
        out += [
            f"- {md_escape(q.text)}" + (f" — *{md_escape(q.angle)}*" if q.angle else "")
            for q in story.questions
        ] + [""]
    if story.also_serves:
        out += [f"**Also serves:** {md_escape('; '.join(story.also_serves))}", ""]
    if story.followups:
        out += ["**Follow-up questions:**", ""]
        out += [
            f"- *{md_escape(f.question)}*"
            + (f" — {md_escape(f.answer)}" if f.answer else "")
            for f in story.followups
        ] + [""]
    return out


def to_html(sheet, request=None, query=""):
    return render_to_string(
        "prepsheet/prep_sheet_print.html", {"sheet": sheet, "query": query}, request
    )


def _refuse_fetch(url, *args, **kwargs):
    # The sheet needs nothing from outside: no user Markdown may make the server fetch.
    raise ValueError(f"prep sheet PDF does not fetch {url}")


# The PDF's paper, as CSS names it. The print view leaves it to the printer.
PAPER_SIZES = {"a4": "A4", "letter": "letter"}

# WeasyPrint lays out every box in Python, inside the request: the PDF refuses a sheet
# that would run past the worker's 30 s timeout. Its time goes with the number of
# blocks (a list item costs 5–7 ms, nested or not, and more as pages pile up) and
# the amount of text: measured on the 2-core dev box, 1,000 list items take 5 s,
# 1,600 paragraphs with 100 KB of text 6.6 s, 1,800 items nested six deep 11 s, one
# story of five sections of "- x" × 5,000 (issue 16) far past 30 s. So the sheet's
# HTML is measured first, which costs nothing, and the pages counted after layout,
# before the slower write; the Markdown and print view have no such limits.
PDF_MAX_PAGES = 40
# (The most a PDF takes, how many fill a page, for the estimate.) Each limit is about
# 40-50 pages, at most 8 s here (list items); most sheets take far less.
PDF_LIMITS = {"blocks": (1_500, 36), "chars": (110_000, 2_550), "lines": (3_000, 57)}
PDF_BLOCK = re.compile(r"<(?:p|li|h[1-6]|tr|td|th|pre|blockquote|hr|br)\b", re.I)
# A word longer than a line (a compact column holds about 60 characters) is broken
# letter by letter, twenty times slower than text: 50 KB of 120-letter words take
# 7.6 s, five sections of one 20,000-letter word 24 s. So they have their own cap.
PDF_MAX_UNBROKEN_CHARS = 25_000  # about 4 s
UNBROKEN = re.compile(r"[^\s<>]{60,}")
TAG = re.compile(r"<[^>]*>")


class TooLongForPdf(Exception):
    """The sheet would take too long to lay out as a PDF: `pages` it holds (or would,
    `estimated`), against the PDF_MAX_PAGES a PDF may hold; or `unbroken`, the
    letters in words too long for a line, against PDF_MAX_UNBROKEN_CHARS."""

    def __init__(self, pages, estimated=False, unbroken=0):
        super().__init__(f"{pages} pages is too long for a PDF")
        self.pages = pages
        self.estimated = estimated
        self.unbroken = unbroken


def to_pdf(sheet, paper="a4"):
    """The sheet as a PDF; raises TooLongForPdf beyond the limits above."""
    html = render_to_string(
        "prepsheet/prep_sheet_print.html", {"sheet": sheet, "for_pdf": True}
    )
    return html_to_pdf(html, paper)


def html_to_pdf(html, paper="a4"):
    """A print page (a template rendered with `for_pdf`, which links no stylesheet)
    as a PDF in the prep sheet's print style, on `paper` ("a4" or "letter"); raises
    TooLongForPdf beyond the limits above. The loop plan prints through it too."""
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    # A code block's lines are not blocks, but each is a line of a page.
    size = {
        "blocks": len(PDF_BLOCK.findall(html)),
        "chars": len(html),
        "lines": html.count("\n"),
    }
    if any(size[name] > most for name, (most, _) in PDF_LIMITS.items()):
        pages = max(
            -(-size[name] // per_page) for name, (_, per_page) in PDF_LIMITS.items()
        )
        raise TooLongForPdf(max(pages, PDF_MAX_PAGES + 1), estimated=True)
    unbroken = sum(len(word) for word in UNBROKEN.findall(TAG.sub(" ", html)))
    if unbroken > PDF_MAX_UNBROKEN_CHARS:
        raise TooLongForPdf(0, estimated=True, unbroken=unbroken)
    stylesheet = CSS(filename=finders.find("css/prep_sheet_print.css"))
    paper_size = CSS(string=f"@page {{ size: {PAPER_SIZES[paper]}; }}")
    document = HTML(string=html, url_fetcher=_refuse_fetch).render(
        stylesheets=[stylesheet, paper_size]
    )
    if len(document.pages) > PDF_MAX_PAGES:
        raise TooLongForPdf(len(document.pages))
    return document.write_pdf()
