"""The prep document's content: read-only for users, seeded from fixtures/playbook.json."""

from django.db import models
from django.db.models import Q
from django.urls import reverse


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
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)

    objects = BySlugManager()

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)


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
    def with_guidance(self):
        """Each theme with what the document says a story for it should hold: its
        STAR prompts and its points (framework, talking points, key points), in two
        more queries."""
        return self.prefetch_related("star_prompts", "points")


class Theme(models.Model):
    number = models.PositiveSmallIntegerField(unique=True)
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    # "Prepare 2–3 specific stories for each theme": the document's target, per theme.
    target_min = models.PositiveSmallIntegerField(default=2)
    target_max = models.PositiveSmallIntegerField(default=3)

    objects = BySlugManager.from_queryset(ThemeQuerySet)()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_min__lte=models.F("target_max")),
                name="theme_target_min_lte_max",
            )
        ]

    def __str__(self):
        return f"Theme {self.number}: {self.title}"

    def get_absolute_url(self):
        return reverse("themes:detail", args=[self.slug])

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
            **dict(zip(self.model.NATURAL_KEY, rest, strict=True)),
        )


class SampleQuestion(models.Model):
    theme = models.ForeignKey(Theme, models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    objects = ThemeChildManager()
    NATURAL_KEY = ("position",)

    class Meta:
        ordering = ["theme__number", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["theme", "position"], name="samplequestion_unique_position"
            )
        ]

    def __str__(self):
        return self.text

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
