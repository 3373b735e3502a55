import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.factories import make_user


@pytest.fixture(autouse=True, scope="session")
def plain_static_storage():
    # The live server serves static files through the finders, which know nothing of
    # the hashed names the manifest storage (production) would put in the pages.
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        },
        # Hashing passwords for real would be most of the suite's time.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        yield


@pytest.fixture
def playbook(db):
    call_command("loaddata", "playbook", verbosity=0)


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
