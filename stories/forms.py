from django import forms
from django.urls import reverse

from themes.models import SampleQuestion, Theme

from .models import SECTION_FIELDS, SECTION_MAX, TEXT_FIELDS, TITLE_MAX, Story

# What the editor's form and autosave may change through Story.apply_edit.
EDIT_FIELDS = [*TEXT_FIELDS, "company", "role", "period", "status"]
PROSE_FIELDS = SECTION_FIELDS
ANGLE_MAX = 300


def angle_name(theme):
    return f"angle-{theme.pk}"


class TagsForm(forms.Form):
    """The themes a story serves, an angle for each, and the questions it answers."""

    themes = forms.ModelMultipleChoiceField(Theme.objects.all(), required=False)
    questions = forms.ModelMultipleChoiceField(
        SampleQuestion.objects.all(), required=False
    )

    def clean(self):
        cleaned = super().clean()
        angles = {}
        for theme in cleaned.get("themes") or []:
            angle = self.data.get(angle_name(theme), "").strip()
            if len(angle) > ANGLE_MAX:
                raise forms.ValidationError(
                    f"Keep the angle for “{theme.title}” to {ANGLE_MAX} characters "
                    "or fewer."
                )
            angles[theme] = angle
        cleaned["angles"] = angles
        return cleaned

    def save(self, story):
        save_tags(
            story,
            self.cleaned_data["themes"],
            self.cleaned_data["angles"],
            self.cleaned_data["questions"],
        )


class StoryForm(forms.ModelForm):
    """The story's text and details, as the plain (no JavaScript) editor posts them."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Story
        fields = EDIT_FIELDS
        error_messages = {
            "title": {
                "required": "Give the story a title.",
                "max_length": f"Keep the title to {TITLE_MAX} characters or fewer "
                "(it has %(show_value)d).",
            },
            **{
                name: {
                    "max_length": f"Keep this to {SECTION_MAX:,} characters or fewer "
                    "(it has %(show_value)d)."
                }
                for name in PROSE_FIELDS
            },
        }
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in PROSE_FIELDS}

    def __init__(self, *args, require_version=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = require_version
        for name in EDIT_FIELDS:
            self.fields[name].widget.attrs.update(
                {"data-autosave": "", "aria-describedby": f"errors-{name}"}
            )
        for name in PROSE_FIELDS:
            # Leading spaces are Markdown (an indented code block): keep them.
            self.fields[name].strip = False
            # The live preview: the server renders what the export will show.
            self.fields[name].widget.attrs.update(
                {
                    "hx-post": reverse("stories:preview"),
                    "hx-trigger": "input changed delay:400ms",
                    "hx-params": name,
                    "hx-target": f"#preview-{name}",
                    "hx-sync": "this:replace",
                    "aria-describedby": f"prompts-{name} errors-{name}",
                }
            )

    def changes(self, story):
        """The edited fields whose value differs from what the story holds now."""
        return {
            name: self.cleaned_data[name]
            for name in EDIT_FIELDS
            if self.cleaned_data[name] != getattr(story, name)
        }


def clean_partial(story, data):
    """Validate the subset of EDIT_FIELDS present in `data` (an autosave).

    Returns (changes, errors): the values to save, and messages per field.
    """
    form = StoryForm(instance=story)
    changes, errors = {}, {}
    for name in EDIT_FIELDS:
        if name not in data:
            continue
        field = form.fields[name]
        try:
            changes[name] = field.clean(data[name])
        except forms.ValidationError as error:
            errors[name] = list(error.messages)
    return changes, errors


def save_tags(story, themes, angles, questions):
    """Make the story's themes, angles and sample questions exactly these."""
    wanted = {theme.pk: theme for theme in themes}
    current = {link.theme_id: link for link in story.story_themes.all()}
    for theme_id, link in current.items():
        if theme_id not in wanted:
            story.untag(link.theme)
        elif link.angle != angles.get(wanted[theme_id], link.angle):
            link.angle = angles[wanted[theme_id]]
            link.save(update_fields=["angle"])
    for theme_id, theme in wanted.items():
        if theme_id not in current:
            story.tag(theme, angle=angles.get(theme, ""))
    story.questions.set(questions)
