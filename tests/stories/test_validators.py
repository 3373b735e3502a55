"""stories.validators: text no database here can store is refused where it comes in."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from stories.validators import unstorable_character, validate_storable_text


@pytest.mark.parametrize(
    "text",
    ["", "plain", "naïve “quoted” 🚀 — 71% → 94%", "tab\tand\r\nnewline", "\x07\x1f"],
)
def test_any_text_unicode_can_encode_is_storable(text):
    assert unstorable_character(text) is None
    validate_storable_text(text)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a\x00b", "contains a NUL character (at character 2)"),
        ("\ud800", "contains a lone surrogate \\ud800 (at character 1)"),
        ("ok \udfff", "contains a lone surrogate \\udfff (at character 4)"),
    ],
)
def test_nul_and_lone_surrogates_are_named_with_their_place(text, problem):
    assert problem in unstorable_character(text)
    with pytest.raises(ValidationError, match="remove it and try again"):
        validate_storable_text(text)


def test_a_form_field_can_use_it():
    class Form(forms.Form):
        text = forms.CharField(validators=[validate_storable_text])

    form = Form({"text": "lone \ud83d"})
    assert not form.is_valid()
    assert "lone surrogate" in form.errors["text"][0]
