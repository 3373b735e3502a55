from django import forms

from .models import ANSWER_MAX, QUESTION_MAX, Rung


class RungForm(forms.ModelForm):
    class Meta:
        model = Rung
        fields = ["question", "answer"]
        widgets = {
            "question": forms.TextInput(attrs={"maxlength": QUESTION_MAX}),
            "answer": forms.Textarea(attrs={"rows": 3, "maxlength": ANSWER_MAX}),
        }
        labels = {"question": "Follow-up question", "answer": "Your short answer"}
        error_messages = {
            "question": {
                "required": "Write the question the interviewer might ask.",
                "max_length": f"Keep the question to {QUESTION_MAX} characters or "
                "fewer (it has %(show_value)d).",
            },
            "answer": {
                "max_length": f"Keep the answer to {ANSWER_MAX:,} characters or "
                "fewer (it has %(show_value)d).",
            },
        }

    def clean_question(self):
        question = " ".join(self.cleaned_data["question"].split())
        if not question:
            raise forms.ValidationError(
                self.fields["question"].error_messages["required"]
            )
        return question
