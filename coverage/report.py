"""How well a user's stories cover the prep document's themes and sample questions.

Everything here is built from a fixed number of queries, whatever the number of
stories, so the dashboard stays fast as a story bank grows. Only live stories count:
drafts and ready ones, never trashed or retired ones, never another user's.

Weighed by readiness (`Coverage(user, min_readiness=80)`), a story the user marked
Ready counts toward a theme's target only if the coach scores it at least that high;
the others are counted apart as "below the bar", like drafts.
"""

import functools
import hashlib
import heapq
import itertools
import operator
import textwrap
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection
from django.db.models import QuerySet, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from coach.analysis import SCORING_VERSION, Playbook, readiness
from practice.scheduling import History, practice_history
from stories.models import SECTION_FIELDS, Story, StoryQuestion, StoryTheme
from themes.models import (
    Guideline,
    HiddenQuestion,
    SampleQuestion,
    StarPrompt,
    Theme,
    ThemePoint,
)

COUNTING = [Story.Status.READY, Story.Status.DRAFT]
# A story told for more themes than this is being stretched thin.
STRETCHED_OVER = 3
# Story titles shown under each sample question; the rest are counted (the theme
# links to the list of all its stories).
TITLES_PER_QUESTION = 2
# Stretched stories named in the matrix's warnings; every row marks its own.
STRETCHED_NAMED = 10


def marked_ready(story):
    return story.status == Story.Status.READY


class Status:
    MISSING = "missing"
    NEEDS_MORE = "needs-more"
    COVERED = "covered"
    MORE_THAN_ENOUGH = "more-than-enough"


def counting_stories(user):
    return Story.objects.for_user(user).alive().filter(status__in=COUNTING)


@dataclass
class QuestionCoverage:
    question: SampleQuestion
    # Every story answering it; or, when `count` is given, only the first few.
    stories: list = field(default_factory=list)
    # What counts as ready: marked Ready, or also scored high enough by the coach.
    is_ready: object = marked_ready
    # Counted by the database when `stories` holds only the first few.
    count: int | None = None
    ready_count: int | None = None

    @property
    def ready_stories(self):
        return [s for s in self.stories if self.is_ready(s)]

    @property
    def shown(self):
        """The first few stories, by the page's order: ready ones first."""
        return self.stories[:TITLES_PER_QUESTION]

    @property
    def more(self):
        total = len(self.stories) if self.count is None else self.count
        return max(total - TITLES_PER_QUESTION, 0)

    @property
    def answered(self):
        """Answered when a ready story answers it; a draft is a promise, not an answer."""
        if self.ready_count is not None:
            return self.ready_count > 0
        return bool(self.ready_stories)


@dataclass
class ThemeCoverage:
    theme: Theme
    ready: int = 0
    drafts: int = 0
    # Marked Ready but scored below the bar, when coverage weighs by readiness.
    weak: int = 0
    questions: list = field(default_factory=list)
    practice: object = None  # a scheduling.History, on the coverage page
    lead: object = None  # the user's lead StoryRef for the theme (with_leads)

    @property
    def total(self):
        return self.ready + self.drafts + self.weak

    @property
    def not_ready(self):
        return self.drafts + self.weak

    @property
    def status(self):
        if self.ready == 0:
            return Status.MISSING
        if self.ready < self.theme.target_min:
            return Status.NEEDS_MORE
        if self.ready <= self.theme.target_max:
            return Status.COVERED
        return Status.MORE_THAN_ENOUGH

    @property
    def needed(self):
        return max(self.theme.target_min - self.ready, 0)

    @property
    def status_label(self):
        if self.status == Status.NEEDS_MORE:
            return f"needs {self.needed} more"
        return self.status.replace("-", " ")

    @property
    def covered(self):
        return self.ready >= self.theme.target_min

    @property
    def rests_on_one_story(self):
        return self.total == 1


@dataclass
class Summary:
    """The compact line in the navigation: how many themes are covered."""

    covered: int
    total: int
    # The practice questions due today: the nav shows both counts.
    due: int = 0

    @classmethod
    def for_user(cls, user, job_id=None):
        """Both of the nav's counts in one query, on every page: themes covered
        (enough live stories marked Ready) out of the themes in view (the user's
        set, or the current job's), and practice cards due today, leaving out cards
        for trashed stories (practice.scheduling.due_count).

        Written in SQL: the ORM spent about 2 ms of CPU building this query, more
        than the whole bare page, and the database under 0.3 ms running it. Driven
        from the user's own stories and cards (indexed by owner), so its cost follows
        the user's bank, not the site's.
        """
        scope = [user.pk, job_id] if job_id else [user.pk, False]
        with connection.cursor() as cursor:
            cursor.execute(
                _nav_sql(themes=True, job=bool(job_id)),
                [
                    user.pk,
                    Story.Status.READY.value,
                    *scope,
                    *scope,
                    *_due_params(user),
                ],
            )
            covered, total, due = cursor.fetchone()
        return cls(covered=covered or 0, total=total or 0, due=due or 0)


def due_today(user):
    """The practice cards due today, as Summary.for_user counts them: for a page that
    has counted the themes itself."""
    with connection.cursor() as cursor:
        cursor.execute(_nav_sql(themes=False), _due_params(user))
        return cursor.fetchone()[0] or 0


def _due_params(user):
    return [user.pk, connection.ops.adapt_datefield_value(timezone.localdate())]


@functools.cache
def _nav_sql(themes, job=False):
    from jobs.models import Job
    from practice.models import PracticeCard
    from themes.models import UserTheme

    theme, story = Theme._meta.db_table, Story._meta.db_table
    tag, card = StoryTheme._meta.db_table, PracticeCard._meta.db_table
    if job:
        # Params: owner, job.
        in_view = f"""
          JOIN {Job.themes.through._meta.db_table} jt ON jt.theme_id = t.id
          JOIN {Job._meta.db_table} j ON j.id = jt.job_id
          WHERE j.owner_id = %s AND j.id = %s"""
    else:
        # Params: owner, hidden (False).
        in_view = f"""
          JOIN {UserTheme._meta.db_table} ut ON ut.theme_id = t.id
          WHERE ut.owner_id = %s AND ut.hidden = %s"""
    covered = f"""
          (SELECT COUNT(*) FROM {theme} t LEFT JOIN (
             SELECT st.theme_id, COUNT(*) AS ready
             FROM {story} s JOIN {tag} st ON st.story_id = s.id
             WHERE s.owner_id = %s AND s.status = %s AND s.deleted_at IS NULL
             GROUP BY st.theme_id
           ) r ON r.theme_id = t.id {in_view}
           AND COALESCE(r.ready, 0) >= t.target_min),
          (SELECT COUNT(*) FROM {theme} t {in_view}),"""
    return f"""
        SELECT{covered if themes else ""}
          (SELECT COUNT(*) FROM {card} c LEFT JOIN {story} s ON s.id = c.story_id
           WHERE c.owner_id = %s AND c.due_on <= %s
             AND (c.story_id IS NULL OR s.deleted_at IS NULL))
    """


def _playbook_fingerprint(owner):
    """A digest of what of the playbooks a readiness score depends on (what
    Playbook.load(owner) holds: the built-in themes and the owner's own, their
    prompts and points, every guideline), hashed once per request, not per story.

    Read as plain rows in one SQL query: loading the playbook as models (four
    queries, a few hundred objects) took 7 ms of the prep sheet's 60 at 100 stories,
    and is now done only when a score is stale and must be computed."""
    parts = []
    with connection.cursor() as cursor:
        cursor.execute(_playbook_sql(), [owner.pk] * 3)
        for kind, pk, number_or_theme, section_or_kind, text in cursor.fetchall():
            if kind == "t":
                parts.append(f"t{pk}:{number_or_theme}")
            elif kind == "g":
                parts.append(f"g{pk}:{text}")
            else:
                parts.append(f"{kind}{pk}:{number_or_theme}:{section_or_kind}:{text}")
    return hashlib.blake2b(
        "\x1f".join(sorted(parts)).encode(), digest_size=16
    ).hexdigest()


@functools.cache
def _playbook_sql():
    """Params: owner, owner, owner."""
    theme, prompt = Theme._meta.db_table, StarPrompt._meta.db_table
    point, guideline = ThemePoint._meta.db_table, Guideline._meta.db_table
    return f"""
        SELECT 't', id, number, NULL, NULL FROM {theme}
        WHERE owner_id IS NULL OR owner_id = %s
        UNION ALL
        SELECT 'g', id, NULL, NULL, text FROM {guideline}
        UNION ALL
        SELECT 'StarPrompt', p.id, p.theme_id, p.section, p.text
        FROM {prompt} p JOIN {theme} t ON t.id = p.theme_id
        WHERE t.owner_id IS NULL OR t.owner_id = %s
        UNION ALL
        SELECT 'ThemePoint', p.id, p.theme_id, p.kind, p.text
        FROM {point} p JOIN {theme} t ON t.id = p.theme_id
        WHERE t.owner_id IS NULL OR t.owner_id = %s
    """


def _readiness_key(story, document, theme_ids, point_ids):
    digest = hashlib.blake2b(digest_size=16)
    for part in [
        f"v{SCORING_VERSION}",
        document,
        *(getattr(story, name) or "" for name in SECTION_FIELDS),
        ",".join(str(pk) for pk in sorted(theme_ids)),
        ",".join(str(pk) for pk in sorted(point_ids)),
    ]:
        digest.update(part.encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


def readiness_scores(stories, owner, theme_ids=None):
    """{story pk: readiness score}, from the score stored on each story when it is
    still current, else computed by the coach and stored for next time.

    Scoring renders every section's Markdown, so it is done once per change of a
    story's text, themes or ticks (or of the playbooks), not once per request.
    Queries: the stories' theme ids (unless the caller has them: `theme_ids`, {story
    pk: [theme pk]}) and ticked point ids (as plain values) and the playbooks'
    fingerprint (one). Stale scores add the playbooks (four), two prefetches for the
    coach and one UPDATE per batch of a few hundred.
    """
    # Given a QuerySet, its tags and ticks are read through a subquery rather than a
    # list of hundreds of ids.
    pks = stories.values("pk") if isinstance(stories, QuerySet) else None
    stories = list(stories)
    if pks is None:
        pks = [story.pk for story in stories]
    if theme_ids is None:
        theme_ids = defaultdict(list)
        for story_id, theme_id in StoryTheme.objects.filter(story__in=pks).values_list(
            "story_id", "theme_id"
        ):
            theme_ids[story_id].append(theme_id)
    point_ids = defaultdict(list)
    Ticked = Story.checked_points.through
    for story_id, point_id in Ticked.objects.filter(story__in=pks).values_list(
        "story_id", "themepoint_id"
    ):
        point_ids[story_id].append(point_id)
    document = _playbook_fingerprint(owner)
    scores, stale = {}, {}
    for story in stories:
        key = _readiness_key(
            story, document, theme_ids.get(story.pk, ()), point_ids[story.pk]
        )
        if story.readiness is None or story.readiness_key != key:
            stale[story] = key
        scores[story.pk] = story.readiness
    if stale:
        playbook = Playbook.load(owner)
        prefetch_related_objects(list(stale), "themes", "checked_points")
        for story, key in stale.items():
            story.readiness = scores[story.pk] = readiness(story, playbook).score
            story.readiness_key = key
        Story.objects.bulk_update(list(stale), ["readiness", "readiness_key"])
    return scores


def _theme_counts(user, themes):
    """The themes, in order, each with the user's live ready and draft stories on
    it, and its lead story among them: two queries (the themes, the counts),
    however many stories.

    The counts in SQL, from the user's own stories (indexed by owner): the ORM's
    aggregate joined every user's tags to the themes first, and took twice as long
    at 1,000 stories even with no one else's. The lead comes in the same query (a
    user has at most one per theme, Story.make_lead), which saved the ORM 0.8 ms of
    CPU building a query of its own.
    """
    story, tag = Story._meta.db_table, StoryTheme._meta.db_table
    ready, draft = Story.Status.READY.value, Story.Status.DRAFT.value
    lead = "CASE WHEN st.is_lead AND s.status IN (%s, %s) THEN {} END"
    # The counts read the stories' owner, status and trash from an index
    # (story_owner_status_idx) and only each lead's row for its title: reading every
    # story's row for the title cost 1.4 ms at 1,000 stories.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT c.theme_id, c.ready, c.drafts, c.lead_pk,
                   (SELECT title FROM {story} WHERE id = c.lead_pk), c.lead_status
            FROM (
              SELECT st.theme_id,
                     SUM(CASE WHEN s.status = %s THEN 1 ELSE 0 END) AS ready,
                     SUM(CASE WHEN s.status = %s THEN 1 ELSE 0 END) AS drafts,
                     MAX({lead.format("s.id")}) AS lead_pk,
                     MAX({lead.format("s.status")}) AS lead_status
              FROM {story} s JOIN {tag} st ON st.story_id = s.id
              WHERE s.owner_id = %s AND s.deleted_at IS NULL
              GROUP BY st.theme_id
            ) c
            """,
            [ready, draft, *[ready, draft] * 2, user.pk],
        )
        counts = {
            theme_id: (ready, drafts, lead_pk and StoryRef(lead_pk, title, status))
            for theme_id, ready, drafts, lead_pk, title, status in cursor
        }
    return [
        ThemeCoverage(theme, ready=ready, drafts=drafts, lead=lead)
        for theme in themes
        for ready, drafts, lead in [counts.get(theme.pk, (0, 0, None))]
    ]


def _questions_answered(user, theme_pks):
    """[(question, [(story pk, title, status), ...])]: the sample questions of these
    themes the user works with (SampleQuestion.objects.for_user: built-in ones they
    have not hidden, and their own), built-in ones first, each with the user's
    live ready and draft stories answering it. One query.

    In SQL: the ORM spent 2.4 ms of CPU building the two queries this replaces (the
    questions, the answers), several times what the database took to run them. The
    themes are the ones in view, visible to the user already. The answers are read
    from the user's own stories (indexed by owner), as _theme_counts reads the tags.
    """
    if not theme_pks:
        return []
    question, hidden = SampleQuestion._meta.db_table, HiddenQuestion._meta.db_table
    story, answer = Story._meta.db_table, StoryQuestion._meta.db_table
    answer_question = StoryQuestion._meta.get_field("question").column
    in_view = ", ".join(["%s"] * len(theme_pks))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT q.id, q.theme_id, q.owner_id, q.position, q.text,
                   a.story_id, a.title, a.status
            FROM {question} q LEFT JOIN (
              SELECT sq.{answer_question} AS question_id, s.id AS story_id,
                     s.title, s.status
              FROM {story} s JOIN {answer} sq ON sq.story_id = s.id
              WHERE s.owner_id = %s AND s.deleted_at IS NULL AND s.status IN (%s, %s)
            ) a ON a.question_id = q.id
            WHERE q.theme_id IN ({in_view})
              AND (q.owner_id IS NULL OR q.owner_id = %s)
              AND NOT EXISTS (
                SELECT 1 FROM {hidden} h WHERE h.question_id = q.id AND h.owner_id = %s
              )
            ORDER BY q.theme_id, CASE WHEN q.owner_id IS NULL THEN 0 ELSE 1 END,
                     q.position, q.id
            """,
            [user.pk, *COUNTING, *theme_pks, user.pk, user.pk],
        )
        rows = cursor.fetchall()
    questions = []
    for pk, group in itertools.groupby(rows, key=operator.itemgetter(0)):
        first, *rest = group
        answers = [row[5:] for row in [first, *rest] if row[5] is not None]
        questions.append(
            (
                SampleQuestion(
                    pk=pk,
                    theme_id=first[1],
                    owner_id=first[2],
                    position=first[3],
                    text=first[4],
                ),
                answers,
            )
        )
    return questions


@dataclass(slots=True)
class StoryRef:
    """What coverage shows of a story: its link, title and status. Loaded as plain
    values: a model instance each cost three times as much at 1,000 stories."""

    pk: int
    title: str
    status: str

    def get_absolute_url(self):
        return reverse("stories:detail", args=[self.pk])


@dataclass(slots=True)
class MatrixRow:
    story: StoryRef
    # Whether the story is tagged with each theme, in the themes' order: False,
    # True, or "lead" where it is the user's lead story for the theme.
    tagged: tuple
    count: int
    stretched: bool


class Coverage:
    """A user's coverage of every theme and question, and the stories × themes matrix.

    Unweighed, the themes' counts (and lead stories) are one aggregate query.
    `with_questions()` adds one: the sample questions with their answers. Weighing
    by readiness (`min_readiness`) loads the stories with their tags instead of the
    aggregate and adds seven, whatever the number of stories (see `scores`).
    `with_leads()` adds none; `with_practice()` adds one; `with_matrix()` loads the
    stories with their tags and the themes instead of the aggregate: two queries.
    """

    def __init__(self, user, min_readiness=None, themes=None):
        """`themes`: the themes to cover, in order (a QuerySet); by default the
        user's own set (jobs.scope narrows it to a job's)."""
        self.user = user
        self.min_readiness = min_readiness
        self.theme_queryset = Theme.objects.for_user(user) if themes is None else themes

    @property
    def weighed(self):
        return self.min_readiness is not None

    @cached_property
    def stories(self):
        """The counting stories, ready ones first, then by title: the order of the
        matrix's rows and of the stories under each question."""
        return self._stories_and_tags[0]

    @cached_property
    def _stories_and_tags(self):
        """(stories, {(story pk, theme pk): is_lead}) of the user's counting stories:
        one query, the stories joined to their tags.

        In SQL: the ORM spent some 1 ms of CPU building the two queries this
        replaces (the stories, their tags), more than the database took to run them.
        """
        story, tag = Story._meta.db_table, StoryTheme._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT s.id, s.title, s.status, st.theme_id, st.is_lead
                FROM {story} s LEFT JOIN {tag} st ON st.story_id = s.id
                WHERE s.owner_id = %s AND s.deleted_at IS NULL
                  AND s.status IN (%s, %s)
                """,
                [self.user.pk, *COUNTING],
            )
            rows = cursor.fetchall()
        stories, tags = {}, {}
        for pk, title, status, theme_pk, is_lead in rows:
            stories[pk] = (pk, title, status)
            if theme_pk is not None:
                tags[pk, theme_pk] = bool(is_lead)
        ordered = sorted(
            stories.values(),
            key=lambda s: (s[2] != Story.Status.READY, s[1].lower(), s[0]),
        )
        return [StoryRef(*values) for values in ordered], tags

    @cached_property
    def scores(self):
        """{story pk: readiness score} of the stories marked Ready, when weighing.

        Seven queries for any number of stories: their text, their themes and ticked
        points (two prefetches) and the prep document (four); plus the UPDATE of
        scores gone stale since they were stored, if any.
        """
        if not self.weighed:
            return {}
        # The text only of the stories marked Ready: drafts are never scored.
        return readiness_scores(
            counting_stories(self.user)
            .filter(status=Story.Status.READY)
            .only(
                "id", "title", "status", *SECTION_FIELDS, "readiness", "readiness_key"
            ),
            self.user,
        )

    def is_ready(self, story):
        """Counts toward a target: marked Ready and, when weighing, scored high enough."""
        if not marked_ready(story):
            return False
        return not self.weighed or self.scores.get(story.pk, 0) >= self.min_readiness

    @cached_property
    def _stories_by_pk(self):
        return {story.pk: story for story in self.stories}

    @cached_property
    def _story_order(self):
        return {story.pk: i for i, story in enumerate(self.stories)}

    @cached_property
    def _tags(self):
        """(story_id, theme_id) pairs for the user's counting stories."""
        return set(self._tag_rows)

    @cached_property
    def _leads(self):
        """The (story_id, theme_id) pairs where the story is the theme's lead."""
        return {pair for pair, is_lead in self._tag_rows.items() if is_lead}

    @property
    def _tag_rows(self):
        """{(story_id, theme_id): is_lead} for the user's counting stories."""
        return self._stories_and_tags[1]

    @cached_property
    def themes(self):
        if not self.weighed:
            return _theme_counts(self.user, self.theme_queryset)
        return self._themes_from_tags()

    def _themes_from_tags(self):
        """Every theme, counted from the stories and their tags (loaded anyway when
        weighing or for the matrix) instead of by an aggregate query."""
        themes = [ThemeCoverage(theme) for theme in self.theme_queryset]
        by_pk = {t.theme.pk: t for t in themes}
        for story_pk, theme_pk in self._tags:
            story = self._stories_by_pk.get(story_pk)
            if story is None or theme_pk not in by_pk:
                continue
            if self.is_ready(story):
                by_pk[theme_pk].ready += 1
            elif marked_ready(story):
                by_pk[theme_pk].weak += 1
            else:
                by_pk[theme_pk].drafts += 1
        return themes

    def with_questions(self):
        """Fill in each theme's sample questions and the stories answering them: one
        query.

        Unweighed, each question keeps the first few of its stories and the counts
        of all; weighed, every answering story is kept, as the readiness scores
        decide which ones count.
        """
        by_theme = {t.theme.pk: t for t in self.themes}
        for question, answers in _questions_answered(self.user, list(by_theme)):
            if self.weighed:
                stories = sorted(
                    (
                        self._stories_by_pk[pk]
                        for pk, _, _ in answers
                        if pk in self._stories_by_pk
                    ),
                    key=lambda s: self._story_order[s.pk],
                )
                coverage = QuestionCoverage(question, stories, self.is_ready)
            else:
                # Grouped and ordered here: at 1,000 stories faster than the
                # database's window functions doing the same.
                first = heapq.nsmallest(
                    TITLES_PER_QUESTION,
                    answers,
                    key=lambda a: (a[2] != Story.Status.READY, a[1].lower(), a[0]),
                )
                coverage = QuestionCoverage(
                    question,
                    [StoryRef(*answer) for answer in first],
                    count=len(answers),
                    ready_count=sum(a[2] == Story.Status.READY for a in answers),
                )
            by_theme[question.theme_id].questions.append(coverage)
        return self

    def with_leads(self):
        """Attach to each theme the user's lead story for it, if any. Unweighed, the
        themes' counts brought them; weighed, the tags loaded anyway say which: no
        query either way."""
        if self.weighed:
            by_theme = {t.theme.pk: t for t in self.themes}
            for story_pk, theme_pk in self._leads:
                if theme_pk in by_theme and story_pk in self._stories_by_pk:
                    by_theme[theme_pk].lead = self._stories_by_pk[story_pk]
        return self

    def with_practice(self):
        """Attach to each theme how it has been practised: one query."""
        histories = practice_history(self.user, by="theme")
        for t in self.themes:
            t.practice = histories.get(t.theme.pk, History())
        return self

    @property
    def questions(self):
        return [q for theme in self.themes for q in theme.questions]

    @property
    def questions_answered(self):
        return sum(q.answered for q in self.questions)

    @property
    def more_than_enough(self):
        """Whether some theme has more ready stories than its target asks for."""
        return any(t.status == Status.MORE_THAN_ENOUGH for t in self.themes)

    @property
    def summary(self):
        return Summary(
            covered=sum(t.covered for t in self.themes), total=len(self.themes)
        )

    @property
    def marked_summary(self):
        """The summary counting every story marked Ready, as the navigation does."""
        return Summary(
            covered=sum(t.ready + t.weak >= t.theme.target_min for t in self.themes),
            total=len(self.themes),
        )

    # The matrix.

    def with_matrix(self):
        """Fill in `matrix`: every counting story, ready ones first, with a cell per
        theme; the column totals and the stretched stories counted from the same.

        Two queries, whatever the number of stories: the stories with their tags,
        and the themes (the aggregate of `themes` is not needed).
        """
        if "themes" not in self.__dict__:
            self.themes = self._themes_from_tags()
        themes = [t.theme.pk for t in self.themes]
        tagged = defaultdict(set)
        for story_pk, theme_pk in self._tags:
            tagged[story_pk].add(theme_pk)
        self.matrix = []
        for story in self.stories:
            mine = tagged[story.pk]
            count = len(mine)
            self.matrix.append(
                MatrixRow(
                    story,
                    tuple(
                        ("lead" if (story.pk, pk) in self._leads else True)
                        if pk in mine
                        else False
                        for pk in themes
                    ),
                    count,
                    count > STRETCHED_OVER,
                )
            )
        return self

    @cached_property
    def stretched(self):
        """(title, number of themes) of the stories told for too many themes, most
        themes first, at most STRETCHED_NAMED + 1: counted from the matrix."""
        rows = sorted(
            (row for row in self.matrix if row.stretched), key=lambda r: -r.count
        )
        return [(row.story.title, row.count) for row in rows[: STRETCHED_NAMED + 1]]

    @cached_property
    def warnings(self):
        warnings = [
            f"{t.theme.title} rests on a single story."
            for t in self.themes
            if t.rests_on_one_story
        ]
        warnings += [
            f"“{title}” is stretched over {count} themes; "
            f"more than {STRETCHED_OVER} is hard to tell well."
            for title, count in self.stretched[:STRETCHED_NAMED]
        ]
        if len(self.stretched) > STRETCHED_NAMED:
            warnings.append(
                f"More stories are stretched over more than {STRETCHED_OVER} themes."
            )
        return warnings

    # The chart.

    @property
    def chart(self):
        return Chart(self.themes)


class Chart:
    """Geometry for a horizontal bar chart, drawn as inline SVG by the template."""

    LABEL = 255  # width of the theme labels, left of the bars
    UNIT = 44  # pixels per story, while the bars fit in BARS_WIDTH
    BARS_WIDTH = 528  # 12 stories at UNIT
    MAX_TICKS = 12
    ROW = 30
    BAR = 16
    TOP = 24

    def __init__(self, themes):
        self.themes = themes
        self.scale = max(
            [t.theme.target_max + 1 for t in themes] + [t.total for t in themes] + [1]
        )
        # A big bank scales the bars down, so the chart keeps its size.
        self.unit = min(self.UNIT, self.BARS_WIDTH / self.scale)
        # Room right of the longest bar for its numbers ("200 + 200").
        self.width = self.LABEL + round(self.scale * self.unit) + 64
        self.height = self.TOP + len(themes) * self.ROW + 8
        # A tick per story while they fit, else every 2, 5, 10, 20, 50... stories.
        self.step = next(
            step
            for step in (m * 10**e for e in range(7) for m in (1, 2, 5))
            if self.scale / step <= self.MAX_TICKS
        )

    def x(self, stories):
        return self.LABEL + round(stories * self.unit)

    @property
    def ticks(self):
        return [
            {"x": self.x(n), "label": n, "y2": self.height - 4}
            for n in range(0, self.scale + 1, self.step)
        ]

    @staticmethod
    def _rect(x, y, width, height):
        """A rectangle as SVG path data: shorter than a <rect>, and several join."""
        return f"M{x} {y}h{width}v{height}h-{width}z"

    @property
    def ticks_path(self):
        return "".join(f"M{t['x']} 18V{t['y2']}" for t in self.ticks)

    @property
    def bands_path(self):
        """Every theme's target band, one path."""
        return "".join(
            self._rect(r["band_x"], r["band_y"], r["band_width"], r["band_height"])
            for r in self.rows
        )

    @property
    def drafts_path(self):
        """Every theme's bar of drafts (and stories below the bar), one path."""
        return "".join(
            self._rect(r["drafts_x"], r["bar_y"], r["drafts_width"], self.BAR)
            for r in self.rows
            if r["drafts_width"]
        )

    # Characters of a theme's name on one line of the label, which is LABEL wide.
    LABEL_CHARS = 38

    def _label_lines(self, label, top):
        """A theme's name on one line, or two when it is long (the second cut short
        if need be): {"text", "y"} each, their baselines inside the row."""
        lines = textwrap.wrap(label, self.LABEL_CHARS) or [label]
        if len(lines) == 1:
            return [{"text": lines[0], "y": top + self.ROW // 2 + 5}]
        second = " ".join(lines[1:])
        if len(second) > self.LABEL_CHARS:
            second = second[: self.LABEL_CHARS - 1].rstrip() + "…"
        return [
            {"text": lines[0], "y": top + self.ROW // 2 - 2},
            {"text": second, "y": top + self.ROW // 2 + 11},
        ]

    @cached_property
    def rows(self):
        rows = []
        for i, t in enumerate(self.themes):
            top = self.TOP + i * self.ROW
            bar_y = top + (self.ROW - self.BAR) // 2
            rows.append(
                {
                    "coverage": t,
                    "number": i + 1,
                    "label_lines": self._label_lines(f"{i + 1}. {t.theme.title}", top),
                    "label_y": top + self.ROW // 2 + 5,
                    "band_x": self.x(t.theme.target_min),
                    # A target of exactly n stories still shows as a thin band.
                    "band_width": max(
                        round((t.theme.target_max - t.theme.target_min) * self.unit), 4
                    ),
                    "band_y": top + 2,
                    "band_height": self.ROW - 4,
                    "bar_y": bar_y,
                    "ready_width": round(t.ready * self.unit),
                    "drafts_x": self.x(t.ready),
                    "drafts_width": round(t.not_ready * self.unit),
                    "ready_path": self._rect(
                        self.LABEL, bar_y, round(t.ready * self.unit), self.BAR
                    ),
                    "value_x": self.x(t.total) + 6,
                }
            )
        return rows
