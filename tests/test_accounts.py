import re

from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import PASSWORD


def test_sign_up_with_a_short_password_is_refused_with_a_clear_message(client, db):
    response = client.post(
        reverse("signup"),
        {"username": "carol", "password1": "short pw 1", "password2": "short pw 1"},
    )
    assert response.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in (
        response.content.decode()
    )
    assert not get_user_model().objects.filter(username="carol").exists()


def test_a_failed_sign_up_puts_the_cursor_on_the_field_in_error(client, db):
    page = client.get(reverse("signup")).content.decode()
    assert re.search(r'<input[^>]*name="username"[^>]*autofocus', page)
    response = client.post(
        reverse("signup"),
        {"username": "carol", "password1": PASSWORD, "password2": "something else 1"},
    )
    page = response.content.decode()
    assert len(re.findall(r"autofocus", page)) == 1
    assert re.search(r'<input[^>]*name="password2"[^>]*autofocus', page)
    assert 'value="carol"' in page  # what was typed is kept


def test_sign_up_creates_the_account_and_logs_in(client, db, playbook):
    response = client.post(
        reverse("signup"),
        {"username": "carol", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert client.get(reverse("themes:index")).status_code == 200


def test_log_in_page_offers_sign_up(client, db):
    page = client.get(reverse("login")).content.decode()
    assert reverse("signup") in page


def test_log_in_with_the_right_password(client, alice, playbook):
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("themes:index")).status_code == 200


def test_log_out_ends_the_session(alice_client, playbook):
    old_session = alice_client.cookies["sessionid"].value
    response = alice_client.post(reverse("logout"))
    assert response.status_code == 302
    assert alice_client.get(reverse("themes:index")).status_code == 302
    # The old cookie is dead too, not just forgotten by this client.
    alice_client.cookies["sessionid"] = old_session
    assert alice_client.get(reverse("themes:index")).status_code == 302


def test_log_out_needs_a_post(alice_client):
    assert alice_client.get(reverse("logout")).status_code == 405


def test_change_password(alice_client, alice):
    new = "a different long passphrase"
    response = alice_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new)
