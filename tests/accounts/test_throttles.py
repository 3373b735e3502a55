"""The account forms' throttles (settings.ACCOUNT_THROTTLES): counted per address or
per user in the database cache every worker shares, answered with a 429 page."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD


def limit(name):
    return int(settings.ACCOUNT_THROTTLES[name].split("/")[0])


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def sign_up(client, username):
    return client.post(
        reverse("signup"),
        {"username": username, "password1": PASSWORD, "password2": PASSWORD},
    )


def assert_throttled(response):
    assert response.status_code == 429
    text = response.content.decode()
    assert "<h1>Too many attempts</h1>" in text
    assert "Try again in" in text
    assert int(response["Retry-After"]) > 0


def test_it_locks_an_ip_spraying_one_password_across_accounts(alice):
    client = Client(REMOTE_ADDR="198.51.100.7")
    # One guess per username, so axes' per-username count never reaches its limit.
    for n in range(limit("login")):
        assert log_in(client, f"user{n}", "Summer2026!").status_code == 200
    response = log_in(client, "alice", PASSWORD)
    assert_throttled(response)
    assert "Too many failed log-ins have come from your address" in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    assert (
        log_in(Client(REMOTE_ADDR="198.51.100.8"), "alice", PASSWORD).status_code == 302
    )


def test_log_ins_that_succeed_do_not_count_against_the_address(alice):
    client = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(limit("login") + 2):
        assert log_in(client, "alice", PASSWORD).status_code == 302
        client.post(reverse("logout"))


def test_a_success_does_not_wipe_the_addresss_count_of_failures(alice):
    client = Client(REMOTE_ADDR="198.51.100.10")
    for n in range(limit("login") - 1):
        log_in(client, f"user{n}", "Summer2026!")
    assert log_in(client, "alice", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    log_in(client, "someone", "Summer2026!")
    assert_throttled(log_in(client, "alice", PASSWORD))


def test_sign_up_says_a_name_is_taken_only_a_few_times_an_hour_per_address(alice):
    client = Client(REMOTE_ADDR="198.51.100.11")
    for _ in range(limit("signup")):
        response = sign_up(client, "ALICE")
        assert "A user with that username already exists." in response.content.decode()
    response = sign_up(client, "ALICE")
    assert_throttled(response)
    assert "already exists" not in response.content.decode()
    assert sign_up(Client(REMOTE_ADDR="198.51.100.12"), "carol").status_code == 302


def test_sign_ups_that_succeed_count_too(db):
    client = Client(REMOTE_ADDR="198.51.100.13")
    for n in range(limit("signup")):
        assert sign_up(client, f"new{n}").status_code == 302
        client.post(reverse("logout"))
    assert_throttled(sign_up(client, "one-too-many"))


def test_sign_up_does_not_say_an_email_address_is_in_use(alice):
    alice.email = "alice@example.com"
    alice.save()
    response = Client().post(
        reverse("signup"),
        {
            "username": "carol",
            "email": "ALICE@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302


def change_password(client, old, new="a different long passphrase"):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_wrong_old_passwords_lock_the_password_change_form(alice_client, alice):
    for _ in range(limit("password")):
        response = change_password(alice_client, "a wrong guess")
        assert response.status_code == 200
        assert "Your old password was entered incorrectly" in response.content.decode()
    response = change_password(alice_client, PASSWORD)
    assert_throttled(response)
    assert "Your current password was entered wrongly too many times" in (
        response.content.decode()
    )
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_mistakes_in_the_new_password_do_not_count(alice_client, alice):
    for _ in range(limit("password") + 1):
        response = alice_client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": "x", "new_password2": "y"},
        )
        assert response.status_code == 200
    assert change_password(alice_client, PASSWORD).status_code == 302


def test_the_password_lock_is_per_user(alice_client, bob_client):
    for _ in range(limit("password")):
        change_password(alice_client, "a wrong guess")
    assert change_password(bob_client, PASSWORD).status_code == 302


def test_wrong_passwords_on_the_delete_page_count_against_the_same_lock(
    alice_client, alice
):
    for _ in range(limit("password")):
        response = alice_client.post(
            reverse("delete_account"), {"password": "a wrong guess"}
        )
        assert "That is not your current password." in response.content.decode()
    response = alice_client.post(reverse("delete_account"), {"password": PASSWORD})
    assert_throttled(response)
    alice.refresh_from_db()  # still there
    assert_throttled(change_password(alice_client, PASSWORD))


def test_wrong_passwords_on_the_email_form_count_against_the_same_lock(
    alice_client, alice
):
    for _ in range(limit("password")):
        alice_client.post(
            reverse("account"), {"email": "x@example.com", "password": "wrong"}
        )
    response = alice_client.post(
        reverse("account"), {"email": "x@example.com", "password": PASSWORD}
    )
    assert_throttled(response)
    alice.refresh_from_db()
    assert alice.email == ""


def test_the_password_reset_form_is_throttled_per_address(db, settings):
    settings.PASSWORD_RESET_BY_EMAIL = True
    client = Client(REMOTE_ADDR="198.51.100.14")
    for _ in range(limit("password_reset")):
        response = client.post(reverse("password_reset"), {"email": "a@example.com"})
        assert response.status_code == 302
    assert_throttled(client.post(reverse("password_reset"), {"email": "a@example.com"}))


def test_the_counts_are_kept_in_a_database_table_that_all_workers_share(db):
    cache = caches[settings.RATELIMIT_USE_CACHE]
    assert isinstance(cache, DatabaseCache)
    table = settings.CACHES[settings.RATELIMIT_USE_CACHE]["LOCATION"]
    assert table in connection.introspection.table_names()
    log_in(Client(), "nobody", "wrong")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        assert cursor.fetchone()[0] >= 1


@pytest.mark.django_db(transaction=True)
def test_migrate_makes_the_counts_table_so_no_deployment_step_is_needed():
    # (Django's test set-up makes cache tables itself: take it away and back here.)
    table = settings.CACHES[settings.RATELIMIT_USE_CACHE]["LOCATION"]
    call_command("migrate", "accounts", "zero", verbosity=0)
    assert table not in connection.introspection.table_names()
    call_command("migrate", "accounts", verbosity=0)
    assert table in connection.introspection.table_names()


def test_the_counter_cache_counts_and_keeps_the_expiry_it_was_added_with(db):
    cache = caches[settings.RATELIMIT_USE_CACHE]
    table = settings.CACHES[settings.RATELIMIT_USE_CACHE]["LOCATION"]

    def expires():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT expires FROM {table}")
            return cursor.fetchone()[0]

    assert cache.add("counter", 0, 3600)
    added = expires()
    assert [cache.incr("counter") for _ in range(3)] == [1, 2, 3]
    assert cache.get("counter") == 3
    # Django's own incr would have reset it to the default five minutes.
    assert expires() == added
    with pytest.raises(ValueError):
        cache.incr("missing")


def spray_from(client, **extra):
    for n in range(limit("login")):
        client.post(
            reverse("login"), {"username": f"user{n}", "password": "x"}, **extra
        )


def test_a_forged_x_forwarded_for_does_not_escape_the_throttle(alice):
    client = Client(REMOTE_ADDR="198.51.100.20")
    spray_from(client, HTTP_X_FORWARDED_FOR="203.0.113.1")
    response = client.post(
        reverse("login"),
        {"username": "alice", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.2",
    )
    assert response.status_code == 429


def test_behind_a_proxy_clients_are_counted_by_the_address_the_proxy_saw(
    alice, settings
):
    settings.PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    # What the client wrote comes first; the proxy appends the address it saw.
    spray_from(proxy, HTTP_X_FORWARDED_FOR="203.0.113.9, 203.0.113.1")
    locked = proxy.post(
        reverse("login"),
        {"username": "alice", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.1",
    )
    assert locked.status_code == 429
    other = proxy.post(
        reverse("login"),
        {"username": "alice", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.9, 203.0.113.2",
    )
    assert other.status_code == 302


def test_behind_a_proxy_axes_locks_the_pair_by_the_address_the_proxy_saw(
    alice, settings
):
    settings.PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        proxy.post(
            reverse("login"),
            {"username": "alice", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.1",
        )
    right = {"username": "alice", "password": PASSWORD}
    locked = proxy.post(reverse("login"), right, HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert "Too many failed log-ins" in locked.content.decode()
    other = proxy.post(reverse("login"), right, HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert other.status_code == 302
