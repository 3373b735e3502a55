"""What AUTH_PASSWORD_VALIDATORS refuse."""

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "abababababab", "abcdabcdabcd"])
def test_a_long_password_of_a_few_repeated_characters_is_refused(password):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert error.value.messages == [
        "This password repeats too few characters: it must use at least 5 different ones."
    ]


def test_five_different_characters_are_enough_for_that_check():
    validate_password("abcdeabcdeabcde")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pw 1", "This password is too short."),
        ("123456789012345", "This password is entirely numeric."),
        ("qwertyuiop123", "This password is too common."),
        ("carolinesmith1", "The password is too similar to the username."),
    ],
)
def test_djangos_own_checks_are_kept(password, message):
    user = User(username="carolinesmith1")
    with pytest.raises(ValidationError) as error:
        validate_password(password, user)
    assert any(m.startswith(message) for m in error.value.messages)


def test_sign_up_refuses_a_repeated_character_password_with_a_clear_message(client, db):
    response = client.post(
        reverse("signup"),
        {"username": "carol", "password1": "a" * 12, "password2": "a" * 12},
    )
    assert "it must use at least 5 different ones" in response.content.decode()
    assert not User.objects.filter(username="carol").exists()
