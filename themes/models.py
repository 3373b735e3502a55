"""Playbooks and the user's own themes and questions.

Built-in content (the prep document's playbook, the general playbook) is loaded from
fixtures and never changed by a user: a user's own themes and questions are rows of
their own (`owner` set), and which themes they work with, in what order, is an
overlay (`UserTheme`).
"""

from django.conf import settings
from django.db import models, transaction
from django.db.models import FilteredRelation, Max, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.text import slugify

THEME_TITLE_MAX = 120
QUESTION_MAX = 500


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


class Playbook(models.Model):
    """A built-in set of themes a user can start from."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = BySlugManager()

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    def adopt(self, user):
        """Add this playbook's themes to the user's own set, after the ones they
        have; themes already in it (even hidden) keep their place."""
        with transaction.atomic():
            mine = UserTheme.objects.filter(owner=user)
            have = set(mine.values_list("theme_id", flat=True))
            start = mine.aggregate(last=Max("position"))["last"] or 0
            UserTheme.objects.bulk_create(
                UserTheme(owner=user, theme=theme, position=start + i)
                for i, theme in enumerate(
                    (t for t in self.themes.order_by("number") if t.pk not in have), 1
                )
            )

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

    def for_user(self, user):
        """The user's themes: the ones in their set and not hidden, in their order."""
        return (
            self.alias(
                choice=FilteredRelation("choices", condition=Q(choices__owner=user))
            )
            .filter(choice__hidden=False)
            .order_by("choice__position", "number", "pk")
        )

    def with_guidance(self):
        """Each theme with what the document says a story for it should hold: its
        STAR prompts and its points (framework, talking points, key points), in two
        more queries."""
        return self.prefetch_related("star_prompts", "points")


class BuiltInSlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug, owner=None)


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

    objects = BuiltInSlugManager.from_queryset(ThemeQuerySet)()

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
        owner's themes has."""
        base = slugify(title)[:40].strip("-") or "theme"
        taken = set(
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

    def natural_key(self):
        return (self.slug,)

    @property
    def target_label(self):
        if self.target_min == self.target_max:
            return str(self.target_min)
        return f"{self.target_min}–{self.target_max}"


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


class QuestionCategory(models.Model):
    """A group of questions to ask the interviewer, such as "Team & Culture"."""

    position = models.PositiveSmallIntegerField(unique=True)
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)

    objects = BySlugManager()

    class Meta:
        ordering = ["position"]
        verbose_name_plural = "question categories"

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)


class QuestionToAskManager(models.Manager):
    def get_by_natural_key(self, category_slug, position):
        return self.get(category__slug=category_slug, position=position)


class QuestionToAsk(models.Model):
    category = models.ForeignKey(
        QuestionCategory, models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    objects = QuestionToAskManager()

    class Meta:
        ordering = ["category__position", "position"]
        verbose_name_plural = "questions to ask"
        constraints = [
            models.UniqueConstraint(
                fields=["category", "position"], name="questiontoask_unique_position"
            )
        ]

    def __str__(self):
        return self.text

    def natural_key(self):
        return (self.category.slug, self.position)

    natural_key.dependencies = ["themes.questioncategory"]


class NegotiationNote(PositionedText):
    """Advice on negotiating the offer."""
