from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from stories.validators import validate_storable_text

from .models import DESCRIPTION_MAX, LINE_MAX, LIST_MAX_LINES, ShareRules, parse_lines

LIST_FIELDS = ("companies", "names", "secrets")


class ShareRulesForm(forms.ModelForm):
    class Meta:
        model = ShareRules
        fields = ["companies", "default_company", "names", "secrets"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 6})
            for name in ("companies", "names", "secrets")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in LIST_FIELDS:
            field = self.fields[name]
            field.max_length = LIST_MAX_LINES * (LINE_MAX + 1)
            field.widget.attrs["maxlength"] = field.max_length
            field.validators += [
                MaxLengthValidator(field.max_length),
                validate_storable_text,
            ]
        self.fields["default_company"].validators.append(validate_storable_text)
        self.fields["default_company"].required = False

    def clean_default_company(self):
        return self.cleaned_data["default_company"].strip()[:DESCRIPTION_MAX]

    def _clean_list(self, name):
        lines = parse_lines(self.cleaned_data[name])
        if name != "names":
            # "Acme" after "Acme = a bank" is the same company: the first one counts.
            terms = {}
            for line in lines:
                terms.setdefault(line.partition("=")[0].strip().casefold(), line)
            lines = list(terms.values())
        if len(lines) > LIST_MAX_LINES:
            raise ValidationError(f"At most {LIST_MAX_LINES} lines.")
        long = [line for line in lines if len(line) > LINE_MAX]
        if long:
            raise ValidationError(
                f"Each line at most {LINE_MAX} characters: “{long[0][:40]}…” is longer."
            )
        return "\n".join(lines)

    def clean_companies(self):
        return self._clean_list("companies")

    def clean_names(self):
        names = self._clean_list("names")
        short = [name for name in names.splitlines() if len(name) < 2]
        if short:
            raise ValidationError(
                f"“{short[0]}” is too short to be a name: it would replace every "
                f"“{short[0]}” in your stories."
            )
        return names

    def clean_secrets(self):
        return self._clean_list("secrets")


# How many terms a keep list may name, and how long each may be: more cannot be a
# real review, and the list comes back in every download link.
KEEP_MAX = 300
KEEP_CHARS = LINE_MAX + 20


class KeepField(forms.Field):
    """The replacements the user chose to leave as written (scrub.Change.key), read
    from repeated query parameters; anything malformed is dropped, never an error."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return [v for v in value if isinstance(v, str) and len(v) <= KEEP_CHARS][
            :KEEP_MAX
        ]
