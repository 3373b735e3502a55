from django import forms
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Lower

from interviewprep.params import ModelIdsField
from themes.models import Theme

from .models import NOTE_MAX, THEMES_PER_ROUND_MAX, DebriefEntry, Round

THEME_ERRORS = {
    "required": "Pick at least one theme this round will probe.",
    "invalid_choice": "Choose from the themes listed here.",
    "invalid_pk_value": "Choose from the themes listed here.",
    "invalid_list": "Choose from the themes listed here.",
}


class ThemeChoiceField(ModelIdsField):
    def label_from_instance(self, obj):
        return obj.title


class ThemeTitleField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class RoundForm(forms.ModelForm):
    """A round of a job's loop. The themes offered are the job's first, then every
    other theme the owner may see; another user's theme is not among them."""

    themes = ThemeChoiceField(
        Theme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Themes it will probe",
        help_text=f"At most {THEMES_PER_ROUND_MAX}. This job's themes come first.",
        error_messages=THEME_ERRORS,
    )

    class Meta:
        model = Round
        fields = ["name", "interviewer", "date", "time", "themes"]
        labels = {"interviewer": "Interviewer (optional)"}
        help_texts = {
            "name": "For example “Hiring manager” or “Onsite 2: system design”.",
            "date": "A round already held can be logged too.",
        }
        error_messages = {
            "name": {"required": "Name the round."},
            "date": {
                "required": "Give the round's date.",
                "invalid": "Give the date as YYYY-MM-DD.",
            },
            "time": {
                "required": "Give the round's time.",
                "invalid": "Give the time as HH:MM.",
            },
        }
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, job, **kwargs):
        super().__init__(*args, **kwargs)
        job_themes = list(job.themes.values_list("pk", flat=True))
        self.fields["themes"].queryset = (
            Theme.objects.visible_to(job.owner)
            .alias(
                in_job=Case(
                    When(pk__in=job_themes, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("in_job", F("number").asc(nulls_last=True), Lower("title"), "pk")
        )

    def clean_themes(self):
        themes = self.cleaned_data["themes"]
        if len(themes) > THEMES_PER_ROUND_MAX:
            raise forms.ValidationError(
                f"Pick at most {THEMES_PER_ROUND_MAX} themes for one round.",
                code="too_many",
            )
        return themes

    def save(self, commit=True):
        round_ = super().save(commit=False)
        round_.save()
        round_.set_themes(list(self.cleaned_data["themes"]))
        return round_


class DebriefForm(forms.Form):
    """One question asked in a round held. The themes offered are the round's; the
    stories, the owner's live ones (views pass both)."""

    question_text = forms.CharField(
        label="Question asked",
        max_length=DebriefEntry._meta.get_field("question_text").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Write the question you were asked.",
            "max_length": "Keep the question to %(limit_value)d characters or fewer "
            "(it has %(show_value)d).",
        },
    )
    theme = ThemeTitleField(
        Theme.objects.none(),
        empty_label=None,
        label="Theme it probed",
        help_text="The question becomes a practice card on this theme.",
        error_messages={"invalid_choice": "Choose one of this round's themes."},
    )
    story = forms.ModelChoiceField(
        None,
        required=False,
        empty_label="No story",
        label="Story you told",
        error_messages={
            "invalid_choice": "Choose one of your own stories (not retired or in "
            "the trash)."
        },
    )
    rating = forms.TypedChoiceField(
        choices=DebriefEntry.Rating.choices,
        coerce=int,
        widget=forms.RadioSelect,
        label="How did it go?",
        error_messages={"required": "Rate how it went, from 1 to 5."},
    )
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note (optional)",
        error_messages={
            "max_length": "Keep the note to %(limit_value)d characters or fewer "
            "(it has %(show_value)d)."
        },
    )

    def __init__(self, *args, themes, stories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes
        self.fields["story"].queryset = stories
