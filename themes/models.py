"""Playbooks and the user's own themes and questions.

Built-in content (the prep document's playbook, the general playbook) is loaded from
fixtures and never changed by a user: a user's own themes and questions are rows of
their own (`owner` set), and which themes they work with, in what order, is an
overlay (`UserTheme`).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

THEME_TITLE_MAX = 120
QUESTION_MAX = 500
# Single path segments under /themes/ that are pages, or prefixes of pages, of
# their own: an own theme's slug is never one of them, or its page would be
# unreachable (themes/urls.py).
RESERVED_SLUGS = {
    "new",
    "choose",
    "questions-to-ask",
    "negotiation",
    "playbooks",
    "questions",
}
COPY_SUFFIX = " (my copy)"


class Section(models.TextChoices):
    """The four parts of a STAR answer, in the order they are told."""

    SITUATION = "situation", "Situation"
    TASK = "task", "Task"
    ACTION = "action", "Action"
    RESULT = "result", "Result"


SECTION_ORDER = models.Case(
    *(models.When(section=value, then=i) for i, value in enumerate(Section.values)),
    output_field=models.IntegerField(),
)


class BySlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class ByPositionManager(models.Manager):
    def get_by_natural_key(self, position):
        return self.get(position=position)


class PlaybookQuerySet(models.QuerySet):
    def with_counts(self, user):
        """Each playbook with `theme_count` and `in_set_count`, how many of its
        themes are in the user's set (hidden ones too), from subqueries that do not
        grow with the number of users."""
        themes = (
            Theme.objects.filter(playbook=OuterRef("pk"))
            .order_by()
            .values("playbook")
            .annotate(n=Count("pk"))
            .values("n")
        )
        in_set = (
            UserTheme.objects.filter(owner=user, theme__playbook=OuterRef("pk"))
            .order_by()
            .values("theme__playbook")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            theme_count=Coalesce(Subquery(themes), 0),
            in_set_count=Coalesce(Subquery(in_set), 0),
        )

    def shown_to(self, user):
        """The playbooks whose questions to ask and negotiation notes the user sees:
        the ones they adopted (a theme of it in their set, hidden or not, as
        `Playbook.adopted_by`), or every one when they adopted none (they started
        empty, or keep only their own themes)."""
        adopted = UserTheme.objects.filter(owner=user, theme__playbook=OuterRef("pk"))
        any_adopted = UserTheme.objects.filter(
            owner=user, theme__playbook__isnull=False
        )
        return self.filter(Exists(adopted) | ~Exists(any_adopted))


class Playbook(models.Model):
    """A built-in set of themes a user can start from."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = BySlugManager.from_queryset(PlaybookQuerySet)()

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("themes:playbook", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    def adopt(self, user):
        """Add this playbook's themes to the user's own set, after the ones they
        have; themes already in it (even hidden) keep their place. Returns how many
        it added."""
        with transaction.atomic():
            mine = UserTheme.objects.filter(owner=user)
            have = set(mine.values_list("theme_id", flat=True))
            start = mine.aggregate(last=Max("position"))["last"] or 0
            added = UserTheme.objects.bulk_create(
                UserTheme(owner=user, theme=theme, position=start + i)
                for i, theme in enumerate(
                    (t for t in self.themes.order_by("number") if t.pk not in have), 1
                )
            )
            return len(added)

    def adopted_by(self, user):
        return UserTheme.objects.filter(owner=user, theme__playbook=self).exists()


class PositionedText(models.Model):
    """A line of the document's own, known by its place in the list."""

    position = models.PositiveSmallIntegerField(unique=True)
    text = models.TextField()

    objects = ByPositionManager()

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self):
        return self.text

    def natural_key(self):
        return (self.position,)


class Guideline(PositionedText):
    """General advice from the top of the document, such as the STAR format."""


class ThemeQuerySet(models.QuerySet):
    def built_in(self):
        return self.filter(owner=None)

    def visible_to(self, user):
        """Every theme the user may look at or tag a story with: the built-in ones
        (of any playbook) and their own. Another user's theme is never among them."""
        return self.filter(Q(owner=None) | Q(owner=user))

    def _with_choice(self, user):
        """`choice`: the user's UserTheme row for each theme, if any (one join)."""
        return self.alias(
            choice=FilteredRelation("choices", condition=Q(choices__owner=user))
        )

    def for_user(self, user):
        """The user's themes: the ones in their set and not hidden, in their order."""
        return (
            self._with_choice(user)
            .filter(choice__hidden=False)
            .order_by("choice__position", "number", "pk")
        )

    def in_user_order(self, user):
        """These themes, those in the user's set first in their order, the rest
        after by number; each with `place` (None outside the set) and `hidden`."""
        return (
            self._with_choice(user)
            .annotate(place=F("choice__position"), hidden=F("choice__hidden"))
            .order_by(F("place").asc(nulls_last=True), "number", "pk")
        )

    def in_set(self, user):
        """Every theme in the user's set, hidden ones too, in their order, each with
        `hidden` (whether the user hid it)."""
        return (
            self._with_choice(user)
            .filter(choice__isnull=False)
            .annotate(hidden=F("choice__hidden"))
            .order_by("choice__position", "number", "pk")
        )

    def with_question_counts(self, user):
        """Each theme with `question_count`: the sample questions the user works
        with (built-in ones they have not hidden, and their own), in one subquery."""
        counts = (
            SampleQuestion.objects.for_user(user)
            .filter(theme=OuterRef("pk"))
            .order_by()
            .values("theme")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(question_count=Coalesce(Subquery(counts), 0))

    def with_guidance(self):
        """Each theme with what the document says a story for it should hold: its
        STAR prompts and its points (framework, talking points, key points), in two
        more queries."""
        return self.prefetch_related("star_prompts", "points")


class BuiltInSlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug, owner=None)


class ThemeManager(BuiltInSlugManager.from_queryset(ThemeQuerySet)):
    def listed_for(self, user):
        """visible_to(user).in_user_order(user), as a list: every theme the user may
        see, those in their set first in their order, each with `place` (None
        outside the set) and `hidden`. For the story list's theme filter and the
        editor's themes, on every view of either.

        Written in SQL: the ORM spent 0.7 ms of CPU building that query (its
        FilteredRelation join), half a bare page; the database runs it in a few µs.
        Ordered as the ORM orders it, nulls where each database puts them."""
        theme, choice = self.model._meta.db_table, UserTheme._meta.db_table
        return list(
            self.raw(
                f"""
                SELECT t.*, c.position AS place, c.hidden AS hidden
                  FROM {theme} t
                  LEFT JOIN {choice} c ON c.theme_id = t.id AND c.owner_id = %s
                 WHERE t.owner_id IS NULL OR t.owner_id = %s
                 ORDER BY c.position IS NULL, c.position, t.number, t.id""",
                [user.pk, user.pk],
            )
        )


class Theme(models.Model):
    """A theme of a built-in playbook (`playbook` set) or a user's own (`owner`)."""

    playbook = models.ForeignKey(
        Playbook, models.CASCADE, null=True, blank=True, related_name="themes"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="own_themes",
    )
    # A built-in theme's place in its playbook; own themes have none.
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    # Built-in slugs are unique among built-in themes (the fixtures' natural key);
    # an own theme's slug is unique among its owner's themes and the built-in ones,
    # so a theme's URL names one theme for its owner (Theme.unique_slug).
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # "Prepare 2–3 specific stories for each theme": the document's target, per theme.
    target_min = models.PositiveSmallIntegerField(default=2)
    target_max = models.PositiveSmallIntegerField(default=3)

    objects = ThemeManager()

    class Meta:
        ordering = ["number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_min__lte=models.F("target_max")),
                name="theme_target_min_lte_max",
            ),
            models.CheckConstraint(
                condition=Q(playbook__isnull=False, owner__isnull=True)
                | Q(playbook__isnull=True, owner__isnull=False),
                name="theme_built_in_xor_own",
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(owner__isnull=True),
                name="theme_unique_built_in_slug",
            ),
            models.UniqueConstraint(
                fields=["playbook", "number"],
                condition=Q(playbook__isnull=False),
                name="theme_unique_number_in_playbook",
            ),
            # Also the index the owner's theme URLs are looked up by.
            models.UniqueConstraint(
                fields=["owner", "slug"],
                condition=Q(owner__isnull=False),
                name="theme_unique_own_slug",
            ),
            models.UniqueConstraint(
                "owner",
                Lower("title"),
                condition=Q(owner__isnull=False),
                name="theme_unique_own_title",
                violation_error_message="You already have a theme with this name.",
            ),
        ]

    def __str__(self):
        if self.number is None:
            return self.title
        return f"Theme {self.number}: {self.title}"

    def get_absolute_url(self):
        return reverse("themes:detail", args=[self.slug])

    @property
    def is_own(self):
        return self.owner_id is not None

    @staticmethod
    def unique_slug(owner, title):
        """A slug for a new own theme that no built-in theme and none of the
        owner's themes has, and that names no other page under /themes/."""
        base = slugify(title)[:40].strip("-") or "theme"
        taken = RESERVED_SLUGS | set(
            Theme.objects.visible_to(owner)
            .filter(slug__startswith=base)
            .values_list("slug", flat=True)
        )
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        return slug

    def add_to_set(self, user):
        """Put this theme in the user's set, last; a hidden one comes back."""
        with transaction.atomic():
            last = UserTheme.objects.filter(owner=user).aggregate(last=Max("position"))
            choice, created = UserTheme.objects.get_or_create(
                owner=user,
                theme=self,
                defaults={"position": (last["last"] or 0) + 1},
            )
            if not created and choice.hidden:
                choice.hidden = False
                choice.save(update_fields=["hidden"])

    def move_in_set(self, user, offset):
        """Move this theme `offset` places (-1 up, +1 down) among the themes the user
        has not hidden, in their set; hidden ones keep their places. Returns whether
        it moved. The whole set is renumbered 1..n, so ties left by earlier writes
        never stop a move."""
        with transaction.atomic():
            choices = list(
                UserTheme.objects.select_for_update()
                .filter(owner=user)
                .order_by("position", "pk")
            )
            shown = [c for c in choices if not c.hidden]
            here = next((i for i, c in enumerate(shown) if c.theme_id == self.pk), None)
            if here is None or not 0 <= here + offset < len(shown):
                return False
            a = choices.index(shown[here])
            b = choices.index(shown[here + offset])
            choices[a], choices[b] = choices[b], choices[a]
            changed = []
            for position, choice in enumerate(choices, 1):
                if choice.position != position:
                    choice.position = position
                    changed.append(choice)
            UserTheme.objects.bulk_update(changed, ["position"])
            return True

    def hide_for(self, user):
        """Take this theme out of the user's working set; it keeps its place, and
        `add_to_set` brings it back there."""
        UserTheme.objects.filter(owner=user, theme=self).update(hidden=True)

    def set_guidance(self, prompts, points):
        """Make the theme's STAR prompts `prompts` ({section: text}, empty text for
        none) and its "what a strong answer shows" points `points` (a list of lines,
        the framework, in order). A point whose text is unchanged is kept, and with
        it the stories' ticks on it. Other kinds of point (a copy's talking and key
        points) stay as they are."""
        with transaction.atomic():
            for section in Section.values:
                text = prompts.get(section, "").strip()
                if text:
                    StarPrompt.objects.update_or_create(
                        theme=self, section=section, defaults={"text": text}
                    )
                else:
                    StarPrompt.objects.filter(theme=self, section=section).delete()
            lines = list(dict.fromkeys(p.strip() for p in points if p.strip()))
            kept = {}
            gone = []
            for point in self.points.filter(kind=ThemePoint.Kind.FRAMEWORK):
                if point.text in lines and point.text not in kept:
                    kept[point.text] = point
                else:
                    gone.append(point.pk)
            ThemePoint.objects.filter(pk__in=gone).delete()
            # Out of the way of the unique (theme, kind, position) first.
            ThemePoint.objects.filter(pk__in=[p.pk for p in kept.values()]).update(
                position=F("position") + 10_000
            )
            for position, text in enumerate(lines, 1):
                if text in kept:
                    kept[text].position = position
                    kept[text].save(update_fields=["position"])
                else:
                    ThemePoint.objects.create(
                        theme=self,
                        kind=ThemePoint.Kind.FRAMEWORK,
                        position=position,
                        text=text,
                    )

    def add_question(self, user, text):
        """A sample question of the user's own on this theme, after theirs."""
        with transaction.atomic():
            last = SampleQuestion.objects.filter(theme=self, owner=user).aggregate(
                last=Max("position")
            )["last"]
            return SampleQuestion.objects.create(
                theme=self, owner=user, position=(last or 0) + 1, text=text
            )

    def copy_for(self, user):
        """Copy on write: the user's own theme with this one's title (made unique
        among theirs), description, target, STAR prompts, points and the questions
        they see on it, put in their set right after this one, which is hidden.
        Stories stay tagged with this theme."""
        with transaction.atomic():
            title = free_copy_title(user, self.title)
            copy = Theme.objects.create(
                owner=user,
                slug=Theme.unique_slug(user, title),
                title=title,
                description=self.description,
                target_min=self.target_min,
                target_max=self.target_max,
            )
            StarPrompt.objects.bulk_create(
                StarPrompt(theme=copy, section=p.section, text=p.text)
                for p in self.star_prompts.all()
            )
            ThemePoint.objects.bulk_create(
                ThemePoint(theme=copy, kind=p.kind, position=p.position, text=p.text)
                for p in self.points.all()
            )
            questions = SampleQuestion.objects.for_user(user).filter(theme=self)
            questions = sorted(questions, key=lambda q: (q.is_own, q.position, q.pk))
            SampleQuestion.objects.bulk_create(
                SampleQuestion(theme=copy, owner=user, position=i, text=q.text)
                for i, q in enumerate(questions, 1)
            )
            original = (
                UserTheme.objects.select_for_update()
                .filter(owner=user, theme=self)
                .first()
            )
            if original is None:
                copy.add_to_set(user)
                return copy
            UserTheme.objects.filter(owner=user, position__gt=original.position).update(
                position=F("position") + 1
            )
            UserTheme.objects.create(
                owner=user, theme=copy, position=original.position + 1
            )
            original.hidden = True
            original.save(update_fields=["hidden"])
            return copy

    def natural_key(self):
        return (self.slug,)

    @property
    def target_label(self):
        if self.target_min == self.target_max:
            return str(self.target_min)
        return f"{self.target_min}–{self.target_max}"


def title_taken(owner, title, exclude=None):
    """Whether the owner has a theme of this name, compared as the database's
    `theme_unique_own_title` constraint compares (its own lower-casing)."""
    mine = Theme.objects.filter(owner=owner)
    if exclude is not None and exclude.pk is not None:
        mine = mine.exclude(pk=exclude.pk)
    return mine.alias(lower=Lower("title")).filter(lower=Lower(Value(title))).exists()


def free_copy_title(owner, title):
    """`title`, or "<title> (my copy)", "<title> (my copy 2)"…: the first the owner
    has no theme of, cut to fit THEME_TITLE_MAX."""
    for n in range(1, 1000):
        suffix = "" if n == 1 else COPY_SUFFIX if n == 2 else f" (my copy {n - 1})"
        candidate = title[: THEME_TITLE_MAX - len(suffix)].rstrip() + suffix
        if not title_taken(owner, candidate):
            return candidate
    raise ValueError("no free title")  # a thousand copies of one theme


class ThemeChildManager(models.Manager):
    def get_by_natural_key(self, theme_slug, *rest):
        return self.get(
            theme__slug=theme_slug,
            theme__owner=None,
            **dict(zip(self.model.NATURAL_KEY, rest, strict=True)),
        )


class SampleQuestionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Questions the user may see: built-in ones and their own, on themes they
        may see."""
        return self.filter(
            Q(owner=None) | Q(owner=user), Q(theme__owner=None) | Q(theme__owner=user)
        )

    def for_user(self, user):
        """The questions the user works with: visible and not hidden by them."""
        return self.visible_to(user).exclude(hidden_by__owner=user)


class QuestionManager(ThemeChildManager.from_queryset(SampleQuestionQuerySet)):
    def get_by_natural_key(self, theme_slug, position):
        return self.get(
            theme__slug=theme_slug, theme__owner=None, owner=None, position=position
        )


class SampleQuestion(models.Model):
    theme = models.ForeignKey(Theme, models.CASCADE, related_name="questions")
    # A question the user added (to any theme, built-in or their own); built-in
    # questions have none.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="own_questions",
    )
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    objects = QuestionManager()
    NATURAL_KEY = ("position",)

    class Meta:
        # Built-in questions first, then the user's own, each in their order.
        ordering = ["theme__number", "theme_id", "owner_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["theme", "position"],
                condition=Q(owner__isnull=True),
                name="samplequestion_unique_position",
            )
        ]

    def __str__(self):
        return self.text

    @property
    def is_own(self):
        return self.owner_id is not None

    def hide_for(self, user):
        HiddenQuestion.objects.get_or_create(owner=user, question=self)

    def show_for(self, user):
        HiddenQuestion.objects.filter(owner=user, question=self).delete()

    def natural_key(self):
        return (self.theme.slug, self.position)

    natural_key.dependencies = ["themes.theme"]


class StarPrompt(models.Model):
    """What the document asks for in one section of a theme's STAR answer."""

    theme = models.ForeignKey(Theme, models.CASCADE, related_name="star_prompts")
    section = models.CharField(max_length=10, choices=Section.choices)
    text = models.TextField()

    objects = ThemeChildManager()
    NATURAL_KEY = ("section",)

    class Meta:
        ordering = ["theme__number", SECTION_ORDER]
        constraints = [
            models.UniqueConstraint(
                fields=["theme", "section"], name="starprompt_unique_section"
            )
        ]

    def __str__(self):
        return f"{self.get_section_display()}: {self.text}"

    def natural_key(self):
        return (self.theme.slug, self.section)

    natural_key.dependencies = ["themes.theme"]


class ThemePoint(models.Model):
    class Kind(models.TextChoices):
        FRAMEWORK = "framework", "Strong answer framework"
        TALKING_POINT = "talking_point", "Example talking point"
        KEY_POINT = "key_point", "Key point to hit"

    theme = models.ForeignKey(Theme, models.CASCADE, related_name="points")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    objects = ThemeChildManager()
    NATURAL_KEY = ("kind", "position")

    class Meta:
        ordering = ["theme__number", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["theme", "kind", "position"], name="themepoint_unique_position"
            )
        ]

    def __str__(self):
        return self.text

    def natural_key(self):
        return (self.theme.slug, self.kind, self.position)

    natural_key.dependencies = ["themes.theme"]


class UserTheme(models.Model):
    """A theme in a user's set: its place in their order, and whether they hid it.

    Built-in themes are shared; this overlay is how a user makes a playbook their
    own without changing it for anyone else.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="theme_choices"
    )
    theme = models.ForeignKey(Theme, models.CASCADE, related_name="choices")
    position = models.PositiveIntegerField()
    hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            # Also the index Theme.objects.for_user joins through.
            models.UniqueConstraint(
                fields=["owner", "theme"], name="usertheme_unique_theme"
            )
        ]

    def __str__(self):
        return f"{self.owner} → {self.theme}"


class HiddenQuestion(models.Model):
    """A sample question the user does not want to see."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="hidden_questions"
    )
    question = models.ForeignKey(
        SampleQuestion, models.CASCADE, related_name="hidden_by"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "question"], name="hiddenquestion_unique"
            )
        ]

    def __str__(self):
        return f"{self.owner} hides {self.question}"


class ThemeSetChoice(models.Model):
    """That the user chose where to start on the welcome page: a playbook, or
    nothing (`playbook` None, "Start empty").

    A row, not a session flag: the choice holds on every device and after logging
    out, and a user who started empty has no UserTheme row to show it. Users who
    got their set another way (the 0003 migration, the tests' make_user) have
    UserTheme rows and need none; see `has_chosen_start`.
    """

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="theme_set_choice"
    )
    playbook = models.ForeignKey(
        Playbook, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    chosen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["chosen_at"]

    def __str__(self):
        return f"{self.owner} started with {self.playbook or 'nothing'}"

    @classmethod
    def record(cls, user, playbook=None):
        cls.objects.update_or_create(
            owner=user, defaults={"playbook": playbook, "chosen_at": timezone.now()}
        )


def has_chosen_start(user):
    """Whether the user has a set of themes or chose to start empty: if not, the
    welcome page (themes:choose) is where they begin. One query."""
    return (
        get_user_model()
        ._default_manager.filter(pk=user.pk)
        .filter(
            Exists(UserTheme.objects.filter(owner=OuterRef("pk")))
            | Exists(ThemeSetChoice.objects.filter(owner=OuterRef("pk")))
        )
        .exists()
    )


class ShownByPlaybookQuerySet(models.QuerySet):
    """Content a playbook brings beside its themes (questions to ask, negotiation
    notes), reached from the row by `playbook_path`."""

    playbook_path = "playbook"

    def for_user(self, user):
        """What the user sees: the rows of the playbooks shown to them
        (`Playbook.objects.shown_to`), in the same query."""
        shown = Playbook.objects.shown_to(user).order_by().values("pk")
        return self.filter(**{f"{self.playbook_path}__in": shown})


class QuestionCategoryManager(models.Manager.from_queryset(ShownByPlaybookQuerySet)):
    def get_by_natural_key(self, playbook_slug, slug):
        return self.get(playbook__slug=playbook_slug, slug=slug)


class QuestionCategory(models.Model):
    """A group of a playbook's questions to ask the interviewer, such as "Team &
    Culture"."""

    playbook = models.ForeignKey(
        Playbook, models.CASCADE, related_name="ask_categories"
    )
    position = models.PositiveSmallIntegerField()
    slug = models.SlugField()
    title = models.CharField(max_length=200)

    objects = QuestionCategoryManager()

    class Meta:
        ordering = ["playbook__position", "playbook__slug", "position"]
        verbose_name_plural = "question categories"
        constraints = [
            models.UniqueConstraint(
                fields=["playbook", "position"],
                name="questioncategory_unique_position",
            ),
            # Also the index the fixtures' natural key is looked up by.
            models.UniqueConstraint(
                fields=["playbook", "slug"], name="questioncategory_unique_slug"
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (*self.playbook.natural_key(), self.slug)

    natural_key.dependencies = ["themes.playbook"]


class QuestionToAskQuerySet(ShownByPlaybookQuerySet):
    playbook_path = "category__playbook"


class QuestionToAskManager(models.Manager.from_queryset(QuestionToAskQuerySet)):
    def get_by_natural_key(self, playbook_slug, category_slug, position):
        return self.get(
            category__playbook__slug=playbook_slug,
            category__slug=category_slug,
            position=position,
        )


class QuestionToAsk(models.Model):
    category = models.ForeignKey(
        QuestionCategory, models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    objects = QuestionToAskManager()

    class Meta:
        ordering = [
            "category__playbook__position",
            "category__playbook__slug",
            "category__position",
            "position",
        ]
        verbose_name_plural = "questions to ask"
        constraints = [
            models.UniqueConstraint(
                fields=["category", "position"], name="questiontoask_unique_position"
            )
        ]

    def __str__(self):
        return self.text

    def natural_key(self):
        return (*self.category.natural_key(), self.position)

    natural_key.dependencies = ["themes.questioncategory"]


class NegotiationNoteManager(models.Manager.from_queryset(ShownByPlaybookQuerySet)):
    def get_by_natural_key(self, playbook_slug, position):
        return self.get(playbook__slug=playbook_slug, position=position)


class NegotiationNote(models.Model):
    """A playbook's advice on negotiating the offer."""

    playbook = models.ForeignKey(
        Playbook, models.CASCADE, related_name="negotiation_notes"
    )
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    objects = NegotiationNoteManager()

    class Meta:
        ordering = ["playbook__position", "playbook__slug", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["playbook", "position"], name="negotiationnote_unique_position"
            )
        ]

    def __str__(self):
        return self.text

    def natural_key(self):
        return (*self.playbook.natural_key(), self.position)

    natural_key.dependencies = ["themes.playbook"]


def by_playbook(rows, playbook=lambda row: row.playbook):
    """`rows` (in playbook order) as [(playbook, [row, ...])], one pair a playbook:
    how pages group questions to ask and notes once more than one playbook is
    shown."""
    groups = []
    for row in rows:
        book = playbook(row)
        if not groups or groups[-1][0] != book:
            groups.append((book, []))
        groups[-1][1].append(row)
    return groups
