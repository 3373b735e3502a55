"""Which of a user's stories answer each requirement, ranked by the database's own
full-text search, and which of the job's themes each requirement probes.

One query ranks every requirement: a UNION ALL of one ranked, limited select per
requirement. PostgreSQL computes each story's "english" vector once (a materialised
CTE) and ranks with ts_rank_cd against websearch_to_tsquery; SQLite ranks with bm25()
over its Porter-stemmed FTS5 index (stories/fts.py). The query ORs a requirement's
words and their synonyms, so a story that says more of them ranks higher.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Prefetch

from jobs.scope import job_themes
from stories.models import SEARCH_FIELDS, Story
from themes.models import SampleQuestion, Theme

from .models import Dismissal
from .text import highlight, stems_of

STORIES_SHOWN = 3
THEMES_SHOWN = 2
# Title, summary, the sections, then company, role and period: a word in the title
# says more about what the story is than one in passing.
SQLITE_WEIGHTS = "4.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5"
PG_DOCUMENT = (
    "setweight(to_tsvector('english', title), 'A') || "
    "setweight(to_tsvector('english', summary), 'B') || "
    "setweight(to_tsvector('english', concat_ws(' ', situation, task, action, "
    "result, reflection)), 'C') || "
    "setweight(to_tsvector('english', concat_ws(' ', company, role, period)), 'D')"
)
SNIPPET_FIELDS = [name for name in SEARCH_FIELDS if name != "title"]
SNIPPET_MAX = 280


def _fts5_query(requirement):
    # Each word is letters and digits only, so quoting it is all FTS5 needs.
    return " OR ".join('"{}"'.format(" ".join(term)) for term in requirement.terms)


def _websearch_query(requirement):
    return " or ".join(
        '"{}"'.format(" ".join(term)) if len(term) > 1 else term[0]
        for term in requirement.terms
    )


def ranked_ids(user, requirements, limit):
    """{requirement index: [story id, best first]}: the user's live, unretired
    stories matching each requirement, at most limit(index) each, in one query."""
    if not requirements:
        return {}
    arms, params = [], []
    alive = (
        "SELECT id FROM stories_story WHERE owner_id = %s "
        "AND deleted_at IS NULL AND status <> 'retired'"
    )
    if connection.vendor == "postgresql":
        for i, requirement in enumerate(requirements):
            arms.append(
                f"(SELECT {i} AS req, docs.id, ts_rank_cd(docs.vec, q, 1) AS score "
                "FROM docs, websearch_to_tsquery('english', %s) q "
                f"WHERE docs.vec @@ q ORDER BY score DESC, docs.id LIMIT {limit(i)})"
            )
            params.append(_websearch_query(requirement))
        sql = (
            f"WITH docs AS MATERIALIZED (SELECT id, {PG_DOCUMENT} AS vec "
            f"FROM stories_story WHERE id IN ({alive})) " + " UNION ALL ".join(arms)
        )
        params = [user.pk, *params]
    else:
        for i, requirement in enumerate(requirements):
            # "+rowid": never the rowid as FTS5's index, which would run the
            # whole MATCH once per story.
            arms.append(
                f"SELECT * FROM (SELECT {i} AS req, rowid AS id, "
                f"-bm25(stories_story_stems, {SQLITE_WEIGHTS}) AS score "
                "FROM stories_story_stems WHERE stories_story_stems MATCH %s "
                f"AND +rowid IN alive ORDER BY score DESC, rowid LIMIT {limit(i)})"
            )
            params.append(_fts5_query(requirement))
        sql = f"WITH alive AS MATERIALIZED ({alive}) " + " UNION ALL ".join(arms)
        params = [user.pk, *params]
    found = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for index, story_id, _score in cursor.fetchall():
            found.setdefault(index, []).append(story_id)
    return found


def themes_for(job):
    """The themes the matcher offers for a job: the job's, or, for a job without
    any, the owner's set; each with what it says (title, description, questions,
    prompts, points) in three more queries."""
    user = job.owner
    themes = job_themes(job) if job.themes.exists() else Theme.objects.for_user(user)
    return list(
        themes.prefetch_related(
            Prefetch(
                "questions",
                SampleQuestion.objects.for_user(user).order_by(
                    "owner_id", "position", "pk"
                ),
            ),
            "star_prompts",
            "points",
        )
    )


@dataclass
class ThemeWords:
    theme: Theme
    title: set
    body: set
    questions: list  # (question, its stems)


def theme_words(themes):
    rows = []
    for theme in themes:
        theme.url = theme.get_absolute_url()  # once, not once per requirement
        body = stems_of(theme.description)
        for item in [*theme.star_prompts.all(), *theme.points.all()]:
            body |= stems_of(item.text)
        questions = [(q, stems_of(q.text)) for q in theme.questions.all()]
        for _, stems in questions:
            body |= stems
        rows.append(ThemeWords(theme, stems_of(theme.title), body, questions))
    return rows


def probed_themes(requirement, rows):
    """[(theme, question or None)]: the themes whose words the requirement shares
    most (a word of the title counts three times), best first, each with its
    sample question that shares most, if any does."""
    scored = []
    for position, row in enumerate(rows):
        score = 3 * requirement.covered(row.title) + requirement.covered(row.body)
        if score:
            best = max(
                row.questions,
                key=lambda q: requirement.covered(q[1]),
                default=(None, set()),
            )
            question = best[0] if requirement.covered(best[1]) else None
            scored.append((-score, position, row.theme, question))
    scored.sort(key=lambda item: item[:2])
    return [(theme, question) for _, _, theme, question in scored[:THEMES_SHOWN]]


@dataclass
class Match:
    story: Story
    title: str  # HTML: escaped, the matched words marked
    snippet: str  # likewise
    tagged: set = field(default_factory=set)  # theme ids
    answers: set = field(default_factory=set)  # question ids


@dataclass
class Dismissed:
    """A story dismissed for a requirement, shown folded with its Undo button."""

    pk: int  # the Dismissal's
    story_id: int
    title: str


@dataclass
class Result:
    index: int
    requirement: object
    themes: list
    matches: list
    dismissed: list = field(default_factory=list)

    @property
    def is_gap(self):
        return not self.matches


def _lines(story):
    """(line, its stems) for each line of the story's prose but the title."""
    return [
        (line.strip(), stems_of(line))
        for name in SNIPPET_FIELDS
        for line in getattr(story, name).splitlines()
        if line.strip()
    ]


def _snippet(lines, marked):
    """The line of the story that says most of what was asked, marked."""
    best, hits = "", 0
    for line, stems in lines:
        found = len(stems & marked)
        if found > hits:
            best, hits = line, found
    if len(best) > SNIPPET_MAX:
        best = best[: SNIPPET_MAX - 1] + "…"
    return highlight(best, marked)


def match(job, requirements, themes=None):
    """A Result per requirement, in order: the themes it probes, and the stories
    (not dismissed for it) that answer it, best first; none is a gap.

    A bounded number of queries whatever the number of requirements or stories:
    the themes (four), the dismissals with their stories' titles, the ranking, the
    stories and their tags (three)."""
    user = job.owner
    rows = theme_words(themes_for(job) if themes is None else themes)
    dismissed, folded = {}, {}
    for dismissal in (
        Dismissal.objects.for_job(job)
        .offerable()
        .values_list("pk", "requirement_key", "story_id", "story__title", named=True)
    ):
        key = dismissal.requirement_key
        dismissed.setdefault(key, set()).add(dismissal.story_id)
        folded.setdefault(key, []).append(
            Dismissed(dismissal.pk, dismissal.story_id, dismissal.story__title)
        )
    keys = [r.key for r in requirements]
    ranked = ranked_ids(
        user,
        requirements,
        lambda i: STORIES_SHOWN + len(dismissed.get(keys[i], ())),
    )
    ids = {pk for found in ranked.values() for pk in found}
    stories = {
        s.pk: s
        for s in Story.objects.filter(pk__in=ids)
        .only("owner", *SEARCH_FIELDS)
        .prefetch_related("story_themes", "story_questions")
    }
    lines = {pk: _lines(story) for pk, story in stories.items()}
    stems = {
        pk: stems_of(story.title).union(*(s for _, s in lines[pk]))
        for pk, story in stories.items()
    }
    results = []
    for i, requirement in enumerate(requirements):
        marked = requirement.marked
        matches = []
        for pk in ranked.get(i, []):
            if pk in dismissed.get(requirement.key, ()) or pk not in stories:
                continue
            if not requirement.is_answered_by(stems[pk]):
                continue
            story = stories[pk]
            matches.append(
                Match(
                    story=story,
                    title=highlight(story.title, marked),
                    snippet=_snippet(lines[pk], marked),
                    tagged={link.theme_id for link in story.story_themes.all()},
                    answers={link.question_id for link in story.story_questions.all()},
                )
            )
        results.append(
            Result(
                index=i,
                requirement=requirement,
                themes=probed_themes(requirement, rows),
                matches=matches[:STORIES_SHOWN],
                dismissed=folded.get(requirement.key, []),
            )
        )
    return results
