from django import forms

from jobs.models import Job
from practice.models import PracticeSession
from recordings.models import Recording

from .models import (
    QUESTIONS_MAX,
    QUESTIONS_MIN,
    TARGET_DEFAULT,
    TARGET_MAX,
    TARGET_MIN,
)


class StartForm(forms.Form):
    job = forms.ModelChoiceField(
        Job.objects.none(),
        required=False,
        empty_label="All my themes",
        label="Rehearse for",
        help_text="The questions come from this job's themes.",
    )
    count = forms.IntegerField(
        min_value=QUESTIONS_MIN,
        max_value=QUESTIONS_MAX,
        initial=5,
        label="Number of questions",
        help_text=f"From {QUESTIONS_MIN} to {QUESTIONS_MAX}.",
        error_messages={
            "required": f"Pick how many questions: {QUESTIONS_MIN} to {QUESTIONS_MAX}.",
            "invalid": f"Pick how many questions: {QUESTIONS_MIN} to {QUESTIONS_MAX}.",
            "min_value": f"A mock interview has at least {QUESTIONS_MIN} questions.",
            "max_value": f"A mock interview has at most {QUESTIONS_MAX} questions.",
        },
    )
    target_seconds = forms.IntegerField(
        min_value=TARGET_MIN,
        max_value=TARGET_MAX,
        initial=TARGET_DEFAULT,
        label="Target time per answer (seconds)",
        help_text="Two minutes is a good length for a spoken STAR answer.",
        error_messages={
            "required": f"Give a target from {TARGET_MIN} to {TARGET_MAX} seconds.",
            "invalid": f"Give a target from {TARGET_MIN} to {TARGET_MAX} seconds.",
            "min_value": f"Give a target of at least {TARGET_MIN} seconds.",
            "max_value": f"Give a target of at most {TARGET_MAX} seconds.",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job"].queryset = Job.objects.for_user(user)


class AnswerForm(forms.Form):
    """The answer to the current step. `position` names the step the page showed,
    so a form sent twice (or from an old tab) answers nothing else."""

    position = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    story = forms.ModelChoiceField(
        None,
        required=False,
        empty_label="No story (or one not listed)",
        label="Which story did you tell?",
    )
    rating = forms.TypedChoiceField(
        choices=PracticeSession.Rating.choices,
        coerce=int,
        widget=forms.RadioSelect,
        label="How did it go?",
        error_messages={"required": "Rate your answer from 1 to 5."},
    )
    # A recording kept for this answer (the recorder fills it in): its real length
    # replaces the clock's.
    recording = forms.ModelChoiceField(
        Recording.objects.none(),
        required=False,
        widget=forms.HiddenInput(attrs={"data-recording-field": ""}),
    )

    def __init__(self, *args, stories, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["story"].queryset = stories
        self.fields["recording"].queryset = Recording.objects.for_user(user).unlinked()
