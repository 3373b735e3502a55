from django import forms
from django.db.models import F
from django.db.models.functions import Lower

from interviewprep.params import ModelIdsField
from themes.forms import DESCRIPTION_MAX as THEME_DESCRIPTION_MAX
from themes.forms import DUPLICATE_TITLE
from themes.models import THEME_TITLE_MAX, Theme, title_taken

from .models import DESCRIPTION_MAX, Job

# A target is a handful of stories; the playbook's are 2–3.
TARGET_MAX = 10


class ThemeChoiceField(ModelIdsField):
    def label_from_instance(self, obj):
        return obj.title


class JobForm(forms.ModelForm):
    """A job's details and the themes its interviews probe.

    The themes offered are the ones the owner may see: every playbook's and their
    own. Another user's theme id is not among the choices, so it is refused.
    """

    themes = ThemeChoiceField(
        Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Themes this job's interviews probe",
        help_text="Pick the themes to prepare for. When you switch to this job, "
        "coverage, practice and the prep sheet show these themes only.",
        error_messages={
            "invalid_choice": "Choose from the themes listed here.",
            "invalid_pk_value": "Choose from the themes listed here.",
            "invalid_list": "Choose from the themes listed here.",
        },
    )
    all_mine = forms.BooleanField(
        required=False,
        label="Also add every theme in my set",
        help_text="The themes you work with on the coverage page, added to any "
        "you tick above.",
    )

    class Meta:
        model = Job
        fields = [
            "company",
            "role",
            "level",
            "interview_date",
            "status",
            "description",
            "themes",
        ]
        labels = {
            "level": "Level (optional)",
            "interview_date": "Interview date",
            "description": "Job description",
        }
        help_texts = {
            "description": "Optional: the job description, pasted as it is "
            f"(at most {DESCRIPTION_MAX:,} characters).",
        }
        error_messages = {
            "company": {"required": "Name the company."},
            "role": {"required": "Name the role."},
            "description": {
                "max_length": f"Keep the description to {DESCRIPTION_MAX:,} "
                "characters or fewer (it has %(show_value)d)."
            },
        }
        widgets = {
            "interview_date": forms.DateInput(
                attrs={"type": "date"}, format="%Y-%m-%d"
            ),
            "description": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["themes"].queryset = (
            Theme.objects.visible_to(user)
            .select_related("playbook")
            .order_by(
                F("playbook__position").asc(nulls_last=True),
                "playbook_id",
                "number",
                Lower("title"),
                "pk",
            )
        )

    def theme_groups(self):
        """The theme checkboxes as (heading, checkboxes): each playbook's under its
        title, then the user's own."""
        groups = {}
        for checkbox in self["themes"]:
            theme = checkbox.data["value"].instance
            heading = theme.playbook.title if theme.playbook_id else "Your own themes"
            groups.setdefault(heading, []).append(checkbox)
        return list(groups.items())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("all_mine") and "themes" in cleaned:
            # The user's set holds only themes visible to them: no other user's
            # theme comes in this way either.
            mine = Theme.objects.for_user(self.user).values_list("pk", flat=True)
            chosen = [theme.pk for theme in cleaned["themes"]]
            cleaned["themes"] = self.fields["themes"].queryset.filter(
                pk__in=[*chosen, *mine]
            )
        return cleaned


class JobThemeForm(forms.Form):
    """A new theme of the user's own, made from a job's page (Job.add_new_theme)."""

    title = forms.CharField(
        label="Name",
        max_length=THEME_TITLE_MAX,
        error_messages={
            "required": "Name the theme.",
            "max_length": f"Keep the name to {THEME_TITLE_MAX} characters or fewer "
            "(it has %(show_value)d).",
        },
    )
    description = forms.CharField(
        label="What it probes",
        required=False,
        max_length=THEME_DESCRIPTION_MAX,
        help_text="Optional.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"Keep this to {THEME_DESCRIPTION_MAX:,} characters or "
            "fewer (it has %(show_value)d)."
        },
    )
    target_min = forms.IntegerField(
        label="Stories wanted, at least", min_value=1, max_value=TARGET_MAX, initial=2
    )
    target_max = forms.IntegerField(
        label="Stories wanted, at most", min_value=1, max_value=TARGET_MAX, initial=3
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("prefix", "theme")
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_title(self):
        title = self.cleaned_data["title"]
        if title_taken(self.user, title):
            raise forms.ValidationError(DUPLICATE_TITLE, code="duplicate")
        return title

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("target_min"), cleaned.get("target_max")
        if low is not None and high is not None and low > high:
            self.add_error("target_max", "Make this at least as many as above.")
        return cleaned
