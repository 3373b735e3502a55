import pytest

from themes.models import SampleQuestion

# The smallest file each accepted type's checks take: its magic bytes, then audio.
WEBM = b"\x1a\x45\xdf\xa3" + b"\x00" * 2000
OGG = b"OggS" + b"\x00" * 2000
MP4 = b"\x00\x00\x00\x20ftypM4A " + b"\x00" * 2000


@pytest.fixture
def media(settings, tmp_path):
    """Uploads land in this test's own directory, so what is on disk can be seen."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path


@pytest.fixture
def question(playbook):
    return SampleQuestion.objects.filter(owner=None).order_by("pk").first()


def files_in(media):
    return sorted(p for p in media.rglob("*") if p.is_file())
