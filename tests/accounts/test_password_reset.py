"""Password reset: by e-mail when EMAIL_URL is set, by the operator when it is not."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from interviewprep.settings import email_settings
from tests.factories import PASSWORD

NEW = "a brand new passphrase"


@pytest.fixture
def email_on(settings):
    settings.PASSWORD_RESET_BY_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def alice_with_email(alice):
    alice.email = "alice@example.com"
    alice.save()
    return alice


def test_the_log_in_page_links_to_password_reset(client, db):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in page


def test_without_email_the_reset_page_says_the_operator_runs_changepassword(
    client, alice_with_email
):
    response = client.get(reverse("password_reset"))
    page = response.content.decode()
    assert "manage.py changepassword" in page
    assert "<form" not in page.split("<main", 1)[1]
    response = client.post(reverse("password_reset"), {"email": "alice@example.com"})
    assert "manage.py changepassword" in response.content.decode()
    assert mail.outbox == []


def ask_for_reset(client, email):
    return client.post(reverse("password_reset"), {"email": email}, follow=True)


def test_a_known_address_gets_a_link_that_sets_a_new_password(
    email_on, alice_with_email
):
    client = Client()
    response = ask_for_reset(client, "Alice@Example.com")
    assert "<h1>Check your e-mail</h1>" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    link = re.search(r"http://testserver(/\S+)", message.body)[1]

    form = client.get(link, follow=True)
    assert "<h1>Set a new password</h1>" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert "<h1>Password set</h1>" in done.content.decode()
    alice_with_email.refresh_from_db()
    assert alice_with_email.check_password(NEW)
    # The link works once.
    again = client.get(link, follow=True)
    assert "<h1>This link does not work</h1>" in again.content.decode()


def test_the_new_password_must_pass_the_validators(email_on, alice_with_email):
    client = Client()
    ask_for_reset(client, "alice@example.com")
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body)[1]
    form = client.get(link, follow=True)
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "aaaaaaaaaaaa", "new_password2": "aaaaaaaaaaaa"},
    )
    assert "at least 5 different ones" in response.content.decode()
    alice_with_email.refresh_from_db()
    assert alice_with_email.check_password(PASSWORD)


def main(response):
    return response.content.decode().split("<main", 1)[1]


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    email_on, alice_with_email
):
    known = ask_for_reset(Client(), "alice@example.com")
    unknown = ask_for_reset(Client(), "nobody@example.com")
    assert unknown.status_code == known.status_code == 200
    assert unknown.redirect_chain == known.redirect_chain
    # The same page, apart from the CSRF token in the header.
    assert main(unknown) == main(known)
    assert len(mail.outbox) == 1  # alice's only


def test_email_url_gives_djangos_smtp_settings():
    assert email_settings(
        "smtp://me%40example.com:p%2Fss@mail.example.com:587?tls=true"
    ) == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.com",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "me@example.com",
        "EMAIL_HOST_PASSWORD": "p/ss",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
        "EMAIL_TIMEOUT": 10,
    }
    smtps = email_settings("smtps://user:pw@mail.example.com")
    assert smtps["EMAIL_PORT"] == 465
    assert smtps["EMAIL_USE_SSL"] and not smtps["EMAIL_USE_TLS"]
    assert email_settings("smtp://localhost")["EMAIL_PORT"] == 25
    assert email_settings("console://") == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }


def test_an_email_url_of_another_kind_is_refused():
    with pytest.raises(ImproperlyConfigured, match="smtp://"):
        email_settings("mailgun://key@example.com")
