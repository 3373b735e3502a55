"""A job's loop plan: one plain structure, its warnings, the suggestion, and the
three renderings (Markdown, print HTML, PDF through the prep sheet's machinery)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.template.loader import render_to_string

from coverage.report import readiness_scores
from prepsheet.sheet import html_to_pdf, md_escape, one_line
from stories.models import Story, StoryTheme
from themes.models import Theme

from .models import Assignment, DebriefEntry, Round, live_stories


def theme_order(theme):
    return (theme.number is None, theme.number or 0, theme.title.lower(), theme.pk)


@dataclass
class Slot:
    """One theme a round probes, and the story planned for it (None: none yet)."""

    theme_id: int
    theme_title: str
    story_id: int | None = None
    story_title: str = ""
    story_status: str = ""  # "Draft" for a draft; a ready story says nothing
    picked: bool = False  # in a suggestion: the user's own pick, kept

    @property
    def label(self):
        """Where the scrub's review says a replacement is (sharing.scrub)."""
        return self.theme_title


@dataclass
class PlannedRound:
    pk: int
    name: str
    interviewer: str
    date: object
    time: object
    slots: list  # [Slot], in theme order
    logged: int = 0  # questions logged in its debrief

    @property
    def theme_ids(self):
        return [slot.theme_id for slot in self.slots]

    @property
    def label(self):
        """Where the scrub's review says a replacement is (sharing.scrub)."""
        return self.name


@dataclass
class Plan:
    title: str
    rounds: list  # [PlannedRound], in date order
    warnings: list = field(default_factory=list)  # [str]
    # {story pk: [Told]}: stories already told to this company in a logged round.
    told: dict = field(default_factory=dict)

    @property
    def story_ids(self):
        return {s.story_id for r in self.rounds for s in r.slots if s.story_id}


@dataclass(frozen=True)
class Told:
    round_id: int
    round_name: str
    date: object
    company: str

    def __str__(self):
        return f"{self.round_name}, {self.date.day} {self.date:%b %Y}"


def told_to_company(job):
    """{story pk: [Told]} for the stories the owner's debriefs say were told to the
    job's company (this job or another at a company of the same name). One query."""
    told = defaultdict(list)
    rows = (
        DebriefEntry.objects.told_to(job)
        .order_by("round__date", "round__time", "round_id")
        .values_list("story_id", "round_id", "round__name", "round__date")
    )
    for story_id, round_id, name, date in rows:
        entry = Told(round_id, one_line(name), date, job.company)
        if entry not in told[story_id]:
            told[story_id].append(entry)
    return dict(told)


def _status(story):
    return "" if story.status == Story.Status.READY else story.get_status_display()


def build(job):
    """The job's plan as it is saved. Four queries: rounds (with their debriefs'
    counts), their themes, the assignments with their stories (a story no longer
    live counts as none), and the stories already told to the company."""
    rounds = list(
        Round.objects.of_job(job)
        .annotate(logged=Count("debrief"))
        # Spelled out: Meta.ordering does not apply to a query with an aggregate,
        # and PostgreSQL then returns the rounds in any order.
        .order_by("date", "time", "pk")
        .prefetch_related(Prefetch("themes", Theme.objects.order_by()))
    )
    planned = {
        (a.round_id, a.theme_id): a.story
        for a in Assignment.objects.of_job(job)
        .filter(story__in=live_stories(job.owner))
        .select_related("story")
        .only("round_id", "theme_id", "story__title", "story__status")
    }
    plan = Plan(
        title=f"Interview loop: {one_line(str(job))}",
        rounds=[
            PlannedRound(
                pk=r.pk,
                name=one_line(r.name),
                interviewer=one_line(r.interviewer),
                date=r.date,
                time=r.time,
                slots=[
                    _slot(theme, planned.get((r.pk, theme.pk)))
                    for theme in sorted(r.themes.all(), key=theme_order)
                ],
                logged=r.logged,
            )
            for r in rounds
        ],
        told=told_to_company(job),
    )
    plan.warnings = warnings(plan)
    return plan


def _slot(theme, story):
    if story is None:
        return Slot(theme.pk, one_line(theme.title))
    return Slot(
        theme.pk, one_line(theme.title), story.pk, one_line(story.title), _status(story)
    )


def warnings(plan):
    """What to fix before the loop: a story planned for two rounds (the second
    interviewer may hear about the first), a story already told to the company in
    a logged round (other than the one it is planned for), and a theme with no
    story yet."""
    rounds_of = defaultdict(list)
    titles = {}
    out = []
    for r in plan.rounds:
        if not r.slots:
            out.append(f"{r.name}: no themes yet.")
        for slot in r.slots:
            if slot.story_id is None:
                out.append(f"{r.name}: no story yet for “{slot.theme_title}”.")
                continue
            titles[slot.story_id] = slot.story_title
            if r.name not in rounds_of[slot.story_id]:
                rounds_of[slot.story_id].append(r.name)
    for story_id, names in rounds_of.items():
        if len(names) > 1:
            out.append(
                f"“{titles[story_id]}” is planned for more than one round: "
                f"{', '.join(names)}."
            )
    for story_id, told in plan.told.items():
        planned_in = {
            r.pk for r in plan.rounds for s in r.slots if s.story_id == story_id
        }
        earlier = [t for t in told if t.round_id not in planned_in]
        if planned_in and earlier:
            out.append(
                f"“{titles[story_id]}” was already told to {earlier[0].company}: "
                f"{'; '.join(map(str, earlier))}."
            )
    return out


# The suggestion ----------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A story the suggestion may plan: its tags, and whether it is the user's lead
    story for each."""

    pk: int
    title: str
    ready: bool
    readiness: int
    theme_ids: frozenset
    lead_theme_ids: frozenset = frozenset()


def suggest(rounds, candidates, taken=None):
    """{(round pk, theme id): story pk} for the rounds' empty slots, from
    `candidates`.

    `rounds`: objects with `pk` and `theme_ids`, in the loop's order. `taken`: the
    slots the user already filled by hand ({(round pk, theme id): story pk}): they
    are left as they are, and their stories count as planned. A story is planned at
    most once in the loop, and only for a theme it is tagged with. For each slot the
    best free story comes first: ready before draft, then the user's lead story for
    the theme, then the higher readiness score, then the lower pk (so the same bank
    always gives the same plan). Slots with fewer tagged stories are filled first,
    so a story that is the only one for a theme is not spent on a theme that had
    others. A slot no free story fits is left out.
    """
    taken = taken or {}
    tagged = defaultdict(list)
    for c in candidates:
        for theme_id in c.theme_ids:
            tagged[theme_id].append(c)
    for theme_id, stories in tagged.items():
        stories.sort(
            key=lambda c, t=theme_id: (
                not c.ready,
                t not in c.lead_theme_ids,
                -c.readiness,
                c.pk,
            )
        )
    slots = [
        (position, r.pk, theme_id)
        for position, r in enumerate(rounds)
        for theme_id in dict.fromkeys(r.theme_ids)
        if (r.pk, theme_id) not in taken
    ]
    slots.sort(key=lambda s: (len(tagged[s[2]]), s[0]))
    used = set(taken.values())
    plan = {}
    for _, round_pk, theme_id in slots:
        for c in tagged[theme_id]:
            if c.pk not in used:
                used.add(c.pk)
                plan[(round_pk, theme_id)] = c.pk
                break
    return plan


def candidates(user, theme_ids):
    """The user's live stories tagged with any of `theme_ids`, as Candidates.

    Queries: the stories (one), their tags (one), and readiness_scores (six, plus
    one UPDATE per few hundred stale scores): none grows with the bank.
    """
    stories = list(
        live_stories(user)
        .filter(story_themes__theme__in=theme_ids)
        .distinct()
        .order_by("pk")
    )
    tags, leads = defaultdict(set), defaultdict(set)
    for story_id, theme_id, is_lead in StoryTheme.objects.filter(
        story__in=[s.pk for s in stories], theme__in=theme_ids
    ).values_list("story_id", "theme_id", "is_lead"):
        tags[story_id].add(theme_id)
        if is_lead:
            leads[story_id].add(theme_id)
    scores = readiness_scores(stories, user) if stories else {}
    return [
        Candidate(
            pk=s.pk,
            title=one_line(s.title),
            ready=s.status == Story.Status.READY,
            readiness=scores.get(s.pk) or 0,
            theme_ids=frozenset(tags[s.pk]),
            lead_theme_ids=frozenset(leads[s.pk]),
        )
        for s in stories
    ]


def suggested_plan(job, keep_picks=True):
    """The job's plan as the suggestion would fill it, and its pairs to save.

    Keeping picks (the default), the stories the user planned are kept (marked
    `picked`) and the pairs fill only the empty slots; otherwise the suggestion
    starts from an empty plan and its pairs are the whole plan."""
    plan = build(job)
    taken = {}
    if keep_picks:
        taken = {
            (r.pk, slot.theme_id): slot.story_id
            for r in plan.rounds
            for slot in r.slots
            if slot.story_id is not None
        }
    theme_ids = sorted({t for r in plan.rounds for t in r.theme_ids})
    # A story already told to this company is not suggested again.
    pool = [c for c in candidates(job.owner, theme_ids) if c.pk not in plan.told]
    pairs = suggest(plan.rounds, pool, taken)
    by_pk = {c.pk: c for c in pool}
    for r in plan.rounds:
        for slot in r.slots:
            if (r.pk, slot.theme_id) in taken:
                slot.picked = True
                continue
            pk = pairs.get((r.pk, slot.theme_id))
            story = by_pk.get(pk)
            slot.story_id = pk
            slot.story_title = story.title if story else ""
            slot.story_status = "" if story is None or story.ready else "Draft"
    plan.warnings = warnings(plan)
    return plan, pairs


# Renderings --------------------------------------------------------------------


def when(r):
    return f"{r.date:%A} {r.date.day} {r.date:%B %Y}, {r.time:%H:%M}"


def to_markdown(plan):
    out = [f"# {md_escape(plan.title)}", ""]
    if not plan.rounds:
        out += ["No rounds yet.", ""]
    for r in plan.rounds:
        out += [f"## {md_escape(r.name)}", ""]
        facts = [when(r)] + ([f"with {r.interviewer}"] if r.interviewer else [])
        out += [md_escape(" · ".join(facts)), ""]
        if not r.slots:
            out += ["*No themes yet.*", ""]
        for slot in r.slots:
            if slot.story_id is None:
                story = "*no story yet*"
            else:
                story = md_escape(slot.story_title)
                if slot.story_status:
                    story += f" ({md_escape(slot.story_status)})"
            out.append(f"- **{md_escape(slot.theme_title)}:** {story}")
        if r.slots:
            out.append("")
    if plan.warnings:
        out += ["## To fix before the loop", ""]
        out += [f"- {md_escape(w)}" for w in plan.warnings] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def to_html(plan, request=None, job=None, for_pdf=False):
    return render_to_string(
        "loops/plan_print.html",
        {"plan": plan, "job": job, "for_pdf": for_pdf},
        request,
    )


def to_pdf(plan, paper="a4"):
    """The plan as a PDF, laid out as the prep sheet is (its stylesheet and
    limits: a plan is bounded to a page or two, ROUNDS_MAX × THEMES_PER_ROUND_MAX)."""
    return html_to_pdf(to_html(plan, for_pdf=True), paper)
