import pytest
from django.test import override_settings

from tests.factories import load_playbook, make_user

DATABASE_FIXTURES = {"db", "transactional_db"}


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, leave out the tests that cannot touch a database (no database
    fixture or mark, so pytest-django blocks any query): they give the same result
    on either database, and they run on SQLite. Every test that touches the
    database runs on both."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    kept, left_out = [], []
    for item in items:
        uses_database = bool(
            DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        ) or item.get_closest_marker("django_db")
        (kept if uses_database else left_out).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture(autouse=True, scope="session")
def plain_static_storage(tmp_path_factory):
    # The live server serves static files through the finders, which know nothing of
    # the hashed names the manifest storage (production) would put in the pages.
    # Uploaded files go to a throwaway directory, not the checkout's data directory.
    with override_settings(
        STORAGES={
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": tmp_path_factory.mktemp("media")},
            },
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        },
        # Hashing passwords for real would be most of the suite's time.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The playbook is part of the test database, loaded once per session (once per
    # xdist worker, each of which has its own database). Each test's transaction
    # rolls back to it. A transactional test (live server, migrations) flushes every
    # table when it ends, so the `playbook` fixture loads it again after one.
    with django_db_blocker.unblock():
        load_playbook()


@pytest.fixture
def playbook(db):
    load_playbook()


@pytest.fixture
def alice(db):
    return make_user("alice")


@pytest.fixture
def bob(db):
    return make_user("bob")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(db, bob):
    from django.test import Client

    client = Client()
    client.force_login(bob)
    return client
