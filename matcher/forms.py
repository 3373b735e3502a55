from django import forms

from jobs.models import DESCRIPTION_MAX


class DescriptionForm(forms.Form):
    description = forms.CharField(
        label="Job description",
        help_text="Paste it as it is: the requirements are found under headings "
        "such as “Requirements” or “What you’ll do”. It is saved as the job's "
        "description.",
        widget=forms.Textarea(attrs={"rows": 14}),
        error_messages={"required": "Paste the job description to match it."},
    )

    def clean_description(self):
        text = self.cleaned_data["description"]
        # Checked here rather than by max_length, so the message gives the length.
        if len(text) > DESCRIPTION_MAX:
            raise forms.ValidationError(
                f"A job description can be at most {DESCRIPTION_MAX:,} characters; "
                f"this one has {len(text):,}. Paste the part that lists what the "
                "job asks for."
            )
        return text
