from django import forms
from django.urls import reverse

from interviewprep.params import ModelIdsField
from themes.models import SampleQuestion, Theme

from .models import (
    SECTION_FIELDS,
    SECTION_MAX,
    TEXT_FIELDS,
    TITLE_MAX,
    Story,
    StoryQuestion,
)

# What the editor's form may change through Story.apply_edit.
EDIT_FIELDS = [*TEXT_FIELDS, "company", "role", "period", "status"]
PROSE_FIELDS = SECTION_FIELDS
ANGLE_MAX = 300


def angle_name(theme):
    return f"angle-{theme.pk}"


def question_angle_name(question):
    return f"qangle-{question.pk}"


class TagsForm(forms.Form):
    """The themes a story serves, an angle for each, and the questions it answers."""

    themes = ModelIdsField(Theme.objects.none(), required=False)
    questions = ModelIdsField(SampleQuestion.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        """Only what `user` may see can be chosen: another user's theme or question
        id is refused as an invalid choice."""
        super().__init__(*args, **kwargs)
        self.user = user
        # Only a bound form checks its choices, and the editor shows the themes
        # itself: building these querysets for every page was a tenth of its time.
        if self.is_bound:
            self.fields["themes"].queryset = Theme.objects.visible_to(user)
            self.fields["questions"].queryset = SampleQuestion.objects.visible_to(user)

    def clean(self):
        cleaned = super().clean()
        question_angles = {}
        for question in cleaned.get("questions") or []:
            angle = self.data.get(question_angle_name(question), "").strip()
            if len(angle) > ANGLE_MAX:
                raise forms.ValidationError(
                    f"Keep the angle on “{question.text[:60]}” to {ANGLE_MAX} "
                    "characters or fewer."
                )
            question_angles[question] = angle
        cleaned["question_angles"] = question_angles
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
            self.cleaned_data["question_angles"],
        )


UNTITLED = "Untitled story"
# What counts as having written something: a new story is not made from nothing.
WRITTEN_FIELDS = [*TEXT_FIELDS, "company", "role", "period"]


class StoryForm(forms.ModelForm):
    """The editor: the story's text and details, and what its one save needs.

    The same form saves with htmx as the user types and posts plainly without
    JavaScript: `version` is what the text is based on (blank for a new story),
    `edit_id` names the editor tab, `create_key` names the new story a create makes.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    # Sent by the conflict's "Done merging" button: save on the version shown there.
    merged_version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, required=False
    )
    edit_id = forms.CharField(widget=forms.HiddenInput, max_length=32, required=False)
    create_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Story
        fields = EDIT_FIELDS
        error_messages = {
            "title": {
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Autosave saves whatever is typed, title or not: an untitled story is
        # "Untitled story" until the user names it, never a refused save.
        self.fields["title"].required = False
        self.fields["title"].help_text = f"Left empty, it is “{UNTITLED}”."
        for name in EDIT_FIELDS:
            self.fields[name].widget.attrs["aria-describedby"] = f"errors-{name}"
        preview = reverse("stories:preview")
        for name in PROSE_FIELDS:
            # Leading spaces are Markdown (an indented code block): keep them.
            self.fields[name].strip = False
            # The live preview: the server renders what the export will show.
            self.fields[name].widget.attrs.update(
                {
                    "hx-post": preview,
                    "hx-trigger": "input changed delay:400ms",
                    "hx-params": name,
                    "hx-target": f"#preview-{name}",
                    "hx-swap": "innerHTML",
                    "hx-sync": "this:replace",
                    "aria-describedby": f"prompts-{name} errors-{name}",
                }
            )

    def clean_title(self):
        return self.cleaned_data["title"] or UNTITLED

    def has_writing(self):
        """Whether anything was typed: what a new story must have to be made."""
        return any(
            self.cleaned_data.get(name) not in ("", UNTITLED) for name in WRITTEN_FIELDS
        )

    def values(self):
        """The story's fields as the form holds them, for Story.apply_edit."""
        return {name: self.cleaned_data[name] for name in EDIT_FIELDS}


def save_tags(story, themes, angles, question_angles):
    """Make the story's themes and sample questions exactly these, with these
    angles ({theme: angle}, {question: angle})."""
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
    wanted = {question.pk: angle for question, angle in question_angles.items()}
    current = {link.question_id: link for link in story.story_questions.all()}
    StoryQuestion.objects.filter(
        pk__in=[link.pk for pk, link in current.items() if pk not in wanted]
    ).delete()
    for pk, angle in wanted.items():
        if pk not in current:
            StoryQuestion.objects.create(story=story, question_id=pk, angle=angle)
        elif current[pk].angle != angle:
            current[pk].angle = angle
            current[pk].save(update_fields=["angle"])
