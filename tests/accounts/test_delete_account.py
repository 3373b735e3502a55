"""The account page, and deleting an account with everything in it."""

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from tests.walk import _owner_path, make_bank, project_models, snapshot


def test_the_account_page_links_to_password_backup_and_deletion(alice_client):
    page = alice_client.get(reverse("account")).content.decode()
    assert "<h1>Your account</h1>" in page
    for name in ("password_change", "backup:export", "delete_account"):
        assert f'href="{reverse(name)}"' in page


def test_every_page_links_to_the_account_page(alice_client, playbook):
    page = alice_client.get(reverse("themes:index")).content.decode()
    assert f'href="{reverse("account")}"' in page


def test_the_account_page_saves_an_email_address_with_the_current_password(
    alice_client, alice
):
    response = alice_client.post(
        reverse("account"), {"email": "alice@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"
    response = alice_client.post(
        reverse("account"), {"email": "mallory@example.com", "password": "wrong"}
    )
    assert "That is not your current password." in response.content.decode()
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


def test_the_delete_page_offers_a_backup_first(alice_client):
    page = alice_client.get(reverse("delete_account")).content.decode()
    assert "<h1>Delete your account</h1>" in page
    form = page.index(f'action="{reverse("delete_account")}"')
    assert page.index(f'href="{reverse("backup:export")}"') < form
    assert 'name="password"' in page


def owned_counts(user):
    """Rows of each project model the user owns (through whatever chain of keys)."""
    counts = {}
    for model in project_models():
        path = _owner_path(model)
        if path is not None and path != "pk":
            counts[model._meta.label] = model._default_manager.filter(
                **{path: user.pk}
            ).count()
    return counts


def all_counts():
    return {m._meta.label: m._default_manager.count() for m in project_models()}


def test_deleting_removes_every_row_the_user_owns_and_leaves_others_alone(
    playbook, alice, bob, alice_client
):
    make_bank(alice)
    make_bank(bob)
    alices = owned_counts(alice)
    # Every kind of row a user can own is there to be deleted, so none is missed.
    assert all(alices.values()), alices
    before = all_counts()
    bobs = snapshot(bob)

    response = alice_client.post(reverse("delete_account"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not type(alice).objects.filter(pk=alice.pk).exists()
    assert set(owned_counts(alice).values()) == {0}
    after = all_counts()
    # Nothing but alice's rows went: not the playbook, not bob's.
    for label, count in before.items():
        assert after[label] == count - alices.get(label, 0), label
    assert snapshot(bob) == bobs


def test_a_wrong_password_deletes_nothing(alice_client, alice):
    response = alice_client.post(reverse("delete_account"), {"password": "wrong"})
    assert response.status_code == 200
    assert "That is not your current password." in response.content.decode()
    assert type(alice).objects.filter(pk=alice.pk).exists()


def test_deleting_logs_out_and_says_so_on_the_log_in_page(alice_client, alice):
    response = alice_client.post(
        reverse("delete_account"), {"password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Your account and everything in it have been deleted." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in alice_client.session


def test_deleting_ends_the_users_sessions_on_every_device_and_no_one_elses(
    alice, bob, bob_client, playbook
):
    laptop, phone = Client(), Client()
    for client in (laptop, phone):
        client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    phone_key = phone.cookies["sessionid"].value
    assert phone.get(reverse("account")).status_code == 200

    laptop.post(reverse("delete_account"), {"password": PASSWORD})

    assert not Session.objects.filter(session_key=phone_key).exists()
    response = phone.get(reverse("account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert bob_client.get(reverse("account")).status_code == 200


def test_the_name_can_be_taken_again_after_deleting(alice_client, alice):
    alice_client.post(reverse("delete_account"), {"password": PASSWORD})
    response = Client().post(
        reverse("signup"),
        {"username": "alice", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
