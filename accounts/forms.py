from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from recordings.models import Recording

EMAIL_HELP = "Optional. Only used to send you a link if you forget your password."


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")
        # Not unique, and never said to be in use: the form must not tell a stranger
        # whose address has an account here.
        help_texts = {"email": EMAIL_HELP}

    def full_clean(self):
        super().full_clean()
        if not self.errors:
            return
        # After a failed submission the cursor belongs where the first problem is,
        # not back on the username the user typed correctly.
        first = next((name for name in self.fields if name in self.errors), None)
        for name, field in self.fields.items():
            if name == first:
                field.widget.attrs["autofocus"] = True
            else:
                field.widget.attrs.pop("autofocus", None)


class CurrentPasswordForm(forms.Form):
    """A form that asks for the user's current password before it changes anything."""

    password = forms.CharField(
        label="Your current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "That is not your current password.", code="password_incorrect"
            )
        return password


class EmailForm(CurrentPasswordForm):
    email = forms.EmailField(
        label="E-mail address", required=False, help_text=EMAIL_HELP
    )
    field_order = ["email", "password"]

    def save(self):
        self.user.email = self.cleaned_data["email"]
        self.user.save(update_fields=["email"])


class DeleteAccountForm(CurrentPasswordForm):
    @transaction.atomic
    def save(self):
        """Deletes the user, with every row that is theirs (all CASCADE from the user),
        and ends their sessions on every device."""
        # Sessions are signed blobs in the database: the user's are found by decoding
        # each live one. Deleting the user would leave them logged out anyway; this
        # also removes what they held.
        user_pk = str(self.user.pk)
        sessions = Session.objects.filter(expire_date__gt=timezone.now())
        Session.objects.filter(
            pk__in=[
                s.pk
                for s in sessions
                if s.get_decoded().get("_auth_user_id") == user_pk
            ]
        ).delete()
        # Rows cascade from the user; the recordings' files are on disk, not rows.
        Recording.objects.for_user(self.user).delete_with_files()
        self.user.delete()
