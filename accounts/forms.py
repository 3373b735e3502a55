from django.contrib.auth.forms import UserCreationForm


class SignupForm(UserCreationForm):
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
