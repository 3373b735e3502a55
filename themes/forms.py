from django import forms
from django.db import IntegrityError, transaction

from .models import (
    QUESTION_MAX,
    THEME_TITLE_MAX,
    Section,
    Theme,
    ThemePoint,
    title_taken,
)

DESCRIPTION_MAX = 2_000
PROMPT_MAX = 1_000
POINTS_MAX = 5_000
TARGET_MIN, TARGET_MAX = 1, 10
DUPLICATE_TITLE = "You already have a theme with this name."


def prompt_field(section):
    return f"prompt_{section}"


def _target_field(label, initial):
    return forms.IntegerField(
        label=label,
        min_value=TARGET_MIN,
        max_value=TARGET_MAX,
        initial=initial,
        error_messages={
            "required": f"Give a number from {TARGET_MIN} to {TARGET_MAX}.",
            "invalid": f"Give a number from {TARGET_MIN} to {TARGET_MAX}.",
            "min_value": f"Give a number from {TARGET_MIN} to {TARGET_MAX}.",
            "max_value": f"Give a number from {TARGET_MIN} to {TARGET_MAX}.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class ThemeForm(forms.Form):
    """A user's own theme: its name and target, and what a story for it should
    hold. One form creates (`theme` None) and edits."""

    title = forms.CharField(
        label="Name",
        max_length=THEME_TITLE_MAX,
        error_messages={
            "required": "Give the theme a name.",
            "max_length": f"Keep the name to {THEME_TITLE_MAX} characters or fewer "
            "(it has %(show_value)d).",
        },
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=DESCRIPTION_MAX,
        help_text="What interviewers probe with this theme.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    target_min = _target_field("At least", 2)
    target_max = _target_field("At most", 3)

    def __init__(self, *args, owner, theme=None, **kwargs):
        self.owner = owner
        self.theme = theme
        if theme is not None:
            kwargs.setdefault("initial", self.initial_for(theme))
        super().__init__(*args, **kwargs)
        for section, label in Section.choices:
            self.fields[prompt_field(section)] = forms.CharField(
                label=label,
                required=False,
                max_length=PROMPT_MAX,
                help_text=f"What the {label} of a strong story covers.",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["points"] = forms.CharField(
            label="What a strong answer shows",
            required=False,
            max_length=POINTS_MAX,
            help_text="One point per line; the editor shows them as a checklist.",
            widget=forms.Textarea(attrs={"rows": 5}),
        )

    @staticmethod
    def initial_for(theme):
        initial = {
            "title": theme.title,
            "description": theme.description,
            "target_min": theme.target_min,
            "target_max": theme.target_max,
            "points": "\n".join(
                p.text
                for p in theme.points.filter(kind=ThemePoint.Kind.FRAMEWORK).order_by(
                    "position"
                )
            ),
        }
        for prompt in theme.star_prompts.all():
            initial[prompt_field(prompt.section)] = prompt.text
        return initial

    @property
    def prompt_fields(self):
        return [self[prompt_field(section)] for section in Section.values]

    def clean_title(self):
        title = self.cleaned_data["title"]
        if title_taken(self.owner, title, exclude=self.theme):
            raise forms.ValidationError(DUPLICATE_TITLE, code="duplicate")
        return title

    def clean_points(self):
        return [line.strip() for line in self.cleaned_data["points"].splitlines()]

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("target_min"), cleaned.get("target_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "target_max",
                forms.ValidationError(
                    "“At most” cannot be less than “At least”.", code="min_over_max"
                ),
            )
        return cleaned

    def save(self):
        """The saved theme, or None when the name was taken meanwhile (a second
        tab): the form then says so, as it would have."""
        data = self.cleaned_data
        fields = {
            "title": data["title"],
            "description": data["description"],
            "target_min": data["target_min"],
            "target_max": data["target_max"],
        }
        prompts = {s: data[prompt_field(s)] for s in Section.values}
        try:
            with transaction.atomic():
                if self.theme is None:
                    theme = Theme.objects.create(
                        owner=self.owner,
                        slug=Theme.unique_slug(self.owner, data["title"]),
                        **fields,
                    )
                    theme.add_to_set(self.owner)
                else:
                    theme = self.theme
                    for name, value in fields.items():
                        setattr(theme, name, value)
                    theme.save(update_fields=list(fields))
                theme.set_guidance(prompts, data["points"])
        except IntegrityError:
            if self.theme is not None:
                self.theme.refresh_from_db()
            self.add_error("title", DUPLICATE_TITLE)
            return None
        return theme


class QuestionForm(forms.Form):
    text = forms.CharField(
        label="Question",
        max_length=QUESTION_MAX,
        error_messages={
            "required": "Write the question first.",
            "max_length": f"Keep the question to {QUESTION_MAX} characters or fewer "
            "(it has %(show_value)d).",
        },
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, question=None, prefix=None, **kwargs):
        self.question = question
        if question is not None:
            kwargs.setdefault("initial", {"text": question.text})
        super().__init__(*args, prefix=prefix, **kwargs)

    def save(self, theme=None, user=None):
        if self.question is None:
            return theme.add_question(user, self.cleaned_data["text"])
        self.question.text = self.cleaned_data["text"]
        self.question.save(update_fields=["text"])
        return self.question
