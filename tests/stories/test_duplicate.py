import pytest
from django.test import Client
from django.urls import reverse

from stories.models import TITLE_MAX, Story
from tests.factories import make_story
from themes.models import Theme, ThemePoint

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def story(alice, playbook):
    theme = Theme.objects.get(playbook__slug="ml-computer-vision", number=1)
    story = make_story(
        alice,
        themes=[theme],
        questions=[theme.questions.first()],
        summary="The hook.",
        situation="The detector drifted.",
        result="Cut false alarms by 40%.",
        company="Acme",
        status=Story.Status.READY,
    )
    story.story_themes.update(angle="Owning the rollback")
    story.checked_points.add(ThemePoint.objects.filter(theme=theme).first())
    story.apply_edit({"task": "Fix it."}, story.version)
    return story


def test_duplicating_makes_an_independent_draft_copy(story):
    copy = story.duplicate()
    assert copy.pk != story.pk and copy.uuid != story.uuid
    assert copy.title == f"Copy of {story.title}"
    assert copy.owner == story.owner
    assert copy.status == Story.Status.DRAFT
    assert copy.deleted_at is None
    for name in ["summary", "situation", "task", "result", "company"]:
        assert getattr(copy, name) == getattr(story, name)
    assert [(st.theme_id, st.angle) for st in copy.story_themes.all()] == [
        (st.theme_id, st.angle) for st in story.story_themes.all()
    ]
    assert set(copy.questions.all()) == set(story.questions.all())
    assert set(copy.checked_points.all()) == set(story.checked_points.all())
    assert story.revisions.exists() and not copy.revisions.exists()

    copy.apply_edit({"situation": "Changed in the copy."}, copy.version)
    copy.untag(Theme.objects.get(playbook__slug="ml-computer-vision", number=1))
    story.refresh_from_db()
    assert story.situation == "The detector drifted."
    assert story.story_themes.count() == 1


def test_a_long_title_is_cut_to_fit(alice, playbook):
    copy = make_story(alice, title="x" * TITLE_MAX).duplicate()
    assert len(copy.title) == TITLE_MAX
    assert copy.title.startswith("Copy of x") and copy.title.endswith("…")


def test_the_duplicate_button_makes_the_copy_and_opens_its_editor(alice_client, story):
    editor = alice_client.get(story.get_absolute_url()).content.decode()
    url = reverse("stories:duplicate", args=[story.pk])
    assert f'action="{url}"' in editor
    response = alice_client.post(url)
    copy = Story.objects.exclude(pk=story.pk).get()
    assert response.status_code == 302
    assert response["Location"] == copy.get_absolute_url()


def test_htmx_gets_a_client_redirect_to_the_copy(alice_client, story):
    response = alice_client.post(reverse("stories:duplicate", args=[story.pk]), **HX)
    copy = Story.objects.exclude(pk=story.pk).get()
    assert response["HX-Redirect"] == copy.get_absolute_url()


def test_other_users_get_404(bob_client, story):
    response = bob_client.post(reverse("stories:duplicate", args=[story.pk]))
    assert response.status_code == 404
    assert Story.objects.count() == 1


def test_a_trashed_story_is_not_duplicated(alice_client, story):
    story.move_to_trash()
    response = alice_client.post(reverse("stories:duplicate", args=[story.pk]))
    assert response.status_code == 404


def test_it_needs_csrf_and_post(alice, story):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    url = reverse("stories:duplicate", args=[story.pk])
    assert client.post(url).status_code == 403
    assert client.get(url).status_code == 405
    assert Story.objects.count() == 1
