import pytest
from django.test import Client
from django.urls import reverse

from stories.models import StoryTheme
from tests.factories import make_story
from themes.models import Theme


@pytest.fixture
def theme(playbook):
    return Theme.objects.get(playbook__slug="ml-computer-vision", number=1)


@pytest.fixture
def other_theme(playbook):
    return Theme.objects.get(playbook__slug="ml-computer-vision", number=2)


def leads(theme):
    return list(
        StoryTheme.objects.filter(theme=theme, is_lead=True).values_list(
            "story__title", flat=True
        )
    )


def test_making_a_lead_clears_the_owners_other_lead_for_that_theme_only(
    alice, bob, theme, other_theme
):
    first = make_story(alice, title="First", themes=[theme, other_theme])
    second = make_story(alice, title="Second", themes=[theme])
    bobs = make_story(bob, title="Bob's", themes=[theme])
    first.make_lead(theme)
    first.make_lead(other_theme)
    bobs.make_lead(theme)
    assert sorted(leads(theme)) == ["Bob's", "First"]

    second.make_lead(theme)
    assert sorted(leads(theme)) == ["Bob's", "Second"]
    assert leads(other_theme) == ["First"]

    second.make_lead(theme)  # again: nothing changes
    assert sorted(leads(theme)) == ["Bob's", "Second"]


def test_a_story_not_tagged_with_the_theme_cannot_lead_it(alice, theme, other_theme):
    story = make_story(alice, themes=[theme])
    with pytest.raises(StoryTheme.DoesNotExist):
        story.make_lead(other_theme)


def test_stop_being_lead_clears_the_flag(alice, theme):
    story = make_story(alice, themes=[theme])
    story.make_lead(theme)
    story.stop_being_lead(theme)
    assert leads(theme) == []


def test_the_editor_offers_a_lead_button_per_saved_theme_and_marks_the_lead(
    alice_client, alice, theme, other_theme
):
    story = make_story(alice, themes=[theme, other_theme])
    story.make_lead(theme)
    html = alice_client.get(story.get_absolute_url()).content.decode()
    assert 'id="lead-form"' in html
    assert f'name="not_lead" value="{theme.pk}"' in html
    assert f'name="lead" value="{other_theme.pk}"' in html
    assert html.count("★ Lead story for this theme") == 1


def test_posting_the_lead_form_sets_it_and_redirects_back(alice_client, alice, theme):
    story = make_story(alice, title="Mine", themes=[theme])
    url = reverse("stories:lead", args=[story.pk])
    response = alice_client.post(url, {"lead": theme.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(story.get_absolute_url())
    assert leads(theme) == ["Mine"]
    alice_client.post(url, {"not_lead": theme.pk})
    assert leads(theme) == []


def test_a_theme_the_story_is_not_tagged_with_is_404_and_no_theme_is_400(
    alice_client, alice, theme, other_theme
):
    story = make_story(alice, themes=[theme])
    url = reverse("stories:lead", args=[story.pk])
    assert alice_client.post(url, {"lead": other_theme.pk}).status_code == 404
    assert alice_client.post(url, {"lead": "x"}).status_code == 400
    assert alice_client.post(url).status_code == 400


def test_other_users_get_404(bob_client, alice, theme):
    story = make_story(alice, themes=[theme])
    url = reverse("stories:lead", args=[story.pk])
    assert bob_client.post(url, {"lead": theme.pk}).status_code == 404
    assert leads(theme) == []


def test_it_needs_csrf(alice, theme):
    story = make_story(alice, themes=[theme])
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    url = reverse("stories:lead", args=[story.pk])
    assert client.post(url, {"lead": theme.pk}).status_code == 403
    assert leads(theme) == []


def test_saving_the_tags_keeps_the_lead(alice_client, alice, theme, other_theme):
    story = make_story(alice, title="Mine", themes=[theme])
    story.make_lead(theme)
    alice_client.post(
        story.get_absolute_url(),
        {
            "version": story.version,
            "title": story.title,
            "status": story.status,
            "themes": [theme.pk, other_theme.pk],
            f"angle-{theme.pk}": "New angle",
            "tagging": "1",
        },
    )
    assert leads(theme) == ["Mine"]


def test_a_duplicate_is_not_the_lead(alice, theme):
    story = make_story(alice, themes=[theme])
    story.make_lead(theme)
    copy = story.duplicate()
    assert copy.story_themes.get().is_lead is False


def test_the_story_list_marks_the_lead_story_of_a_theme(alice_client, alice, theme):
    lead = make_story(alice, themes=[theme], title="The lead one")
    other = make_story(alice, themes=[theme], title="Another one")
    lead.make_lead(theme)
    html = alice_client.get(reverse("stories:list")).content.decode()

    def themes_of(story):
        # The row's theme list comes before its actions.
        row = html[html.index(f'id="story-{story.pk}"') :]
        return row[: row.index('class="row-actions"')]

    assert "★ lead story" in themes_of(lead)
    assert "★ lead story" not in themes_of(other)
