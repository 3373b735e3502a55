"""When to practise what: Leitner boxes, and a "what I need most" picker.

The scheme (Leitner boxes, the flash-card method) for each (question, story) card:

    box:           1    2    3    4    5
    next in days:  1    3    7   14   30

- A new card starts in box 1.
- Rated 4 or 5 ("good", "nailed it"): the card moves up one box.
- Rated 3 ("OK"): it stays in its box.
- Rated 1 or 2 ("blanked", "shaky"): it goes back to box 1.
- It is next due `INTERVALS[box]` days after the day it was practised.

So good ratings spread a card out (1, 3, 7, 14, then every 30 days) and one bad
round brings it back tomorrow. Every function takes `today` so tests (and users in
other time zones) can fix the clock; it defaults to the server's local date.
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from stories.models import Story, StoryTheme
from themes.models import SampleQuestion, Theme

from .models import PracticeCard, PracticeSession

INTERVALS = {1: 1, 2: 3, 3: 7, 4: 14, 5: 30}
TOP_BOX = max(INTERVALS)
# The longest round the practice log accepts, in seconds (and a backup may hold).
ROUND_SECONDS_MAX = 3600
GOOD_RATING = 4
BAD_RATING = 2


def next_box(box, rating):
    if rating >= GOOD_RATING:
        return min(box + 1, TOP_BOX)
    if rating <= BAD_RATING:
        return 1
    return box


def _today(today):
    return today or timezone.localdate()


def review(card, rating, today=None):
    """Apply one rating to a card (unsaved): new box, next due date."""
    today = _today(today)
    card.box = next_box(card.box, rating)
    card.due_on = today + timedelta(days=INTERVALS[card.box])
    card.last_rating = rating
    card.last_practised_on = today
    card.times_practised += 1
    return card


def record_practice(
    owner, question, story, rating, duration_seconds, note="", today=None, now=None
):
    """Log a round and reschedule its card. Returns (session, card)."""
    today = _today(today)
    with transaction.atomic():
        session = PracticeSession.objects.create(
            owner=owner,
            question=question,
            story=story,
            rating=rating,
            duration_seconds=duration_seconds,
            note=note,
            started_at=now or timezone.now(),
        )
        card = reschedule(owner, question, story, rating, today)
    return session, card


def reschedule(owner, question, story, rating, today=None):
    """Apply one rating to the (question, story) card, made due today if new.

    Practice rounds, mock interviews and the debriefs of real rounds all feed the
    schedule through here."""
    today = _today(today)
    with transaction.atomic():
        card, _ = PracticeCard.objects.select_for_update().get_or_create(
            owner=owner, question=question, story=story, defaults={"due_on": today}
        )
        review(card, rating, today).save()
    return card


def live_cards(user):
    """A user's cards, leaving out those for stories in the trash."""
    return PracticeCard.objects.for_user(user).filter(
        Q(story__isnull=True) | Q(story__deleted_at__isnull=True)
    )


def due_cards(user, today=None):
    return (
        live_cards(user).due(_today(today)).select_related("question__theme", "story")
    )


def due_count(user, today=None):
    return live_cards(user).due(_today(today)).count()


# --- Picking a question ----------------------------------------------------------------


@dataclass
class Pick:
    question: SampleQuestion
    story: Story | None = None
    reasons: list = field(default_factory=list)


def practicable_stories(user):
    """The stories a user can tell: alive and not retired."""
    return (
        Story.objects.for_user(user)
        .alive()
        .exclude(status=Story.Status.RETIRED)
        .prefetch_related("themes", "questions")
    )


def stories_for_question(user, question):
    """The user's stories that answer `question`: linked to it, or tagged with its theme.

    The user's lead story for the question's theme comes first (a round offers it
    unless another is asked for), then stories linked to the question itself.
    """
    stories = (
        practicable_stories(user)
        .filter(Q(questions=question) | Q(themes=question.theme_id))
        .annotate(
            leads_theme=Exists(
                StoryTheme.objects.filter(
                    story=OuterRef("pk"), theme=question.theme_id, is_lead=True
                )
            )
        )
        .distinct()
    )
    return sorted(
        stories,
        key=lambda s: (
            not s.leads_theme,
            question not in s.questions.all(),
            s.title.lower(),
            s.pk,
        ),
    )


def random_pick(user, theme=None, rng=None, themes=None):
    """A question at random from `theme`, else from `themes` (the themes in view;
    by default the user's set)."""
    rng = rng or random.Random()
    questions = SampleQuestion.objects.for_user(user).select_related("theme")
    if theme is not None:
        questions = questions.filter(theme=theme)
    else:
        in_view = Theme.objects.for_user(user) if themes is None else themes
        questions = questions.filter(theme__in=in_view.values("pk"))
    questions = list(questions)
    if not questions:
        return None
    question = rng.choice(questions)
    stories = stories_for_question(user, question)
    story = rng.choice(stories) if stories else None
    where = f"from {question.theme}" if theme else "from all themes"
    return Pick(question, story, [f"Picked at random {where}."])


def due_pick(user, today=None):
    card = due_cards(user, today).first()
    if card is None:
        return None
    return Pick(
        card.question,
        card.story,
        [f"Due since {card.due_on:%d %b %Y} (box {card.box} of {TOP_BOX})."],
    )


def what_i_need_most(user, today=None, ready=None, themes=None):
    """The question (and story) whose practice helps most.

    Themes with the weakest coverage come first: the fewest ready stories against the
    theme's target_min (ties go to the theme practised least recently, then to
    document order). Within that theme, the story practised least recently (never
    practised first) with a question it answers, the question it was practised
    with least recently. A theme without stories still gets its question, so the
    user can think one up.

    `ready(story)` decides what counts as ready; by default a story marked Ready.
    Pass one built from readiness scores to weigh by readiness. `themes` are the
    themes in view (jobs.scope), by default the user's set, in the user's order.
    """
    ready = ready or (lambda story: story.status == Story.Status.READY)
    in_view = Theme.objects.for_user(user) if themes is None else themes
    themes = list(
        in_view.prefetch_related(
            Prefetch(
                "questions",
                SampleQuestion.objects.for_user(user).order_by(
                    "owner_id", "position", "pk"
                ),
            )
        )
    )
    place = {theme.pk: i for i, theme in enumerate(themes)}
    stories = list(practicable_stories(user))
    sessions = PracticeSession.objects.for_user(user)
    by_story = dict(
        sessions.filter(story__isnull=False)
        .values_list("story")
        .annotate(last=Max("started_at"))
    )
    by_pair = {
        (q, s): last
        for q, s, last in sessions.values_list("question", "story").annotate(
            last=Max("started_at")
        )
    }
    by_theme = dict(
        sessions.values_list("question__theme").annotate(last=Max("started_at"))
    )

    def staleness(last):
        # Never practised sorts before anything practised; then the oldest first.
        return (last is not None, last or 0)

    def theme_stories(theme):
        question_ids = {q.pk for q in theme.questions.all()}
        return [
            s
            for s in stories
            if theme in s.themes.all()
            or question_ids & {q.pk for q in s.questions.all()}
        ]

    ranked = sorted(
        (t for t in themes if t.questions.all()),
        key=lambda t: (
            sum(1 for s in theme_stories(t) if ready(s)) - t.target_min,
            staleness(by_theme.get(t.pk)),
            place[t.pk],
        ),
    )
    if not ranked:
        return None
    theme = ranked[0]
    candidates = theme_stories(theme)
    ready_count = sum(1 for s in candidates if ready(s))
    reasons = [
        f"{theme} has {ready_count} ready stor{'y' if ready_count == 1 else 'ies'} "
        f"of the {theme.target_min} its target asks for: the weakest coverage."
    ]
    questions = list(theme.questions.all())
    if not candidates:
        question = min(
            questions, key=lambda q: (staleness(by_pair.get((q.pk, None))), q.position)
        )
        reasons.append("You have no story for it yet: think one up as you answer.")
        return Pick(question, None, reasons)

    story = min(candidates, key=lambda s: (staleness(by_story.get(s.pk)), s.pk))
    linked = [q for q in questions if q in story.questions.all()] or questions
    question = min(
        linked,
        key=lambda q: (staleness(by_pair.get((q.pk, story.pk))), q.position),
    )
    last = by_story.get(story.pk)
    reasons.append(
        f"“{story.title}” has not been practised yet."
        if last is None
        else f"“{story.title}” was last practised on {timezone.localdate(last):%d %b %Y}, "
        "longer ago than your other stories for this theme."
    )
    return Pick(question, story, reasons)


# --- History ------------------------------------------------------------------------------


@dataclass
class History:
    times: int = 0
    last: object = None  # datetime of the latest round
    ratings: list = field(default_factory=list)  # oldest first

    @property
    def trend(self):
        """ "up", "down" or "steady": the latest rating against the mean of those before."""
        if len(self.ratings) < 2:
            return "steady"
        *before, latest = self.ratings[-RECENT_FOR_TREND:]
        mean = sum(before) / len(before)
        if latest > mean + 0.5:
            return "up"
        if latest < mean - 0.5:
            return "down"
        return "steady"


RECENT_FOR_TREND = 5


def practice_history(user, by="story"):
    """{story pk (or theme pk, with by="theme"): History} in one query: the number
    of rounds, the latest, and the latest RECENT_FOR_TREND ratings (all the trend
    reads), so a long history costs the page no more than a short one."""
    key = "story" if by == "story" else "question__theme"
    per = {"partition_by": F(key)}
    rows = (
        PracticeSession.objects.for_user(user)
        .exclude(**{f"{key}__isnull": True})
        .annotate(
            recent=Window(
                RowNumber(), order_by=[F("started_at").desc(), F("id").desc()], **per
            ),
            rounds=Window(Count("id"), **per),
            latest=Window(Max("started_at"), **per),
        )
        .filter(recent__lte=RECENT_FOR_TREND)
        .values_list(key, "recent", "rounds", "latest", "rating")
    )
    histories = {}
    # Ranked newest first (1): the highest rank first leaves the ratings oldest first.
    for pk, _, rounds, latest, rating in sorted(rows, key=lambda row: -row[1]):
        history = histories.setdefault(pk, History(times=rounds, last=latest))
        history.ratings.append(rating)
    return histories
