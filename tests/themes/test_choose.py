"""The welcome choice: start with a built-in playbook, or empty."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_user
from themes.models import Playbook, Theme, ThemeSetChoice, UserTheme, has_chosen_start

CHOOSE = reverse("themes:choose")
COVERAGE = reverse("coverage:index")


@pytest.fixture
def dana(playbook):
    """A new user who has not chosen yet."""
    return make_user("dana", playbook=None)


@pytest.fixture
def dana_client(client, dana):
    client.force_login(dana)
    return client


@pytest.fixture
def other_playbook(playbook):
    book = Playbook.objects.create(
        slug="test-general",
        title="General software engineering",
        description="Themes for any engineering role.",
        position=2,
    )
    for number in range(1, 9):
        Theme.objects.create(
            playbook=book,
            number=number,
            slug=f"test-general-{number}",
            title=f"General theme {number}",
        )
    return book


def test_the_page_lists_each_playbook_with_its_themes(dana_client, other_playbook):
    response = dana_client.get(CHOOSE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Choose where to start" in html
    assert "<h1>Choose where to start</h1>" in html
    for theme in Theme.objects.filter(playbook__slug="ml-computer-vision"):
        assert theme.title.replace("&", "&amp;") in html
    assert "Senior ML / computer vision engineer" in html
    assert "5 themes:" in html and "8 themes:" in html
    assert "Themes for any engineering role." in html
    # A preview, not the whole list.
    assert "General theme 6" in html and "General theme 7" not in html
    assert "and 2 more" in html
    assert 'name="playbook" value="test-general"' in html
    assert (
        "Start with this playbook"
        '<span class="visually-hidden"> (General software engineering)</span>' in html
    )
    assert 'name="empty"' in html and "Start empty" in html
    assert "You have chosen already" not in html


def test_starting_with_a_playbook_adopts_it_and_goes_to_coverage(
    dana_client, dana, other_playbook
):
    assert not has_chosen_start(dana)
    response = dana_client.post(CHOOSE, {"playbook": "test-general"})
    assert response.status_code == 302 and response["Location"] == COVERAGE
    assert list(Theme.objects.for_user(dana)) == list(
        other_playbook.themes.order_by("number")
    )
    assert ThemeSetChoice.objects.get(owner=dana).playbook == other_playbook
    assert has_chosen_start(dana)


def test_starting_empty_makes_no_themes_and_is_remembered(
    dana_client, dana, django_assert_num_queries
):
    response = dana_client.post(CHOOSE, {"empty": "1"})
    assert response.status_code == 302 and response["Location"] == COVERAGE
    assert not UserTheme.objects.filter(owner=dana).exists()
    assert ThemeSetChoice.objects.get(owner=dana).playbook is None
    # A row, so it holds in a new session on another device.
    other_device = Client()
    other_device.force_login(dana)
    assert "You have chosen already" in other_device.get(CHOOSE).content.decode()
    with django_assert_num_queries(1):
        assert has_chosen_start(dana)


def test_a_safe_next_is_where_the_choice_leads(dana_client, dana):
    stories = reverse("stories:list")
    page = dana_client.get(CHOOSE, {"next": stories}).content.decode()
    assert f'name="next" value="{stories}"' in page
    response = dana_client.post(CHOOSE, {"empty": "1", "next": stories})
    assert response["Location"] == stories
    response = dana_client.post(CHOOSE, {"empty": "1", "next": "https://evil.example/"})
    assert response["Location"] == COVERAGE
    page = dana_client.get(CHOOSE, {"next": "//evil.example/"}).content.decode()
    assert 'name="next" value="//evil.example/"' not in page
    assert 'name="next"' not in page.split("<main")[1]


def test_a_choice_that_names_nothing_changes_nothing(dana_client, dana):
    assert dana_client.post(CHOOSE, {}).status_code == 400
    assert dana_client.post(CHOOSE, {"playbook": "nope"}).status_code == 404
    assert not has_chosen_start(dana)
    assert not UserTheme.objects.filter(owner=dana).exists()


def test_choosing_again_adds_without_duplicating(alice_client, alice, playbook):
    before = list(Theme.objects.for_user(alice))
    assert "You have chosen already" in alice_client.get(CHOOSE).content.decode()
    alice_client.post(CHOOSE, {"playbook": "ml-computer-vision"})
    assert list(Theme.objects.for_user(alice)) == before


def test_has_chosen_start(dana, alice, django_assert_num_queries):
    # Users with a set (the migration gave existing users theirs) have chosen.
    with django_assert_num_queries(1):
        assert has_chosen_start(alice)
    assert not has_chosen_start(dana)
    ThemeSetChoice.record(dana)
    assert has_chosen_start(dana)


def test_a_set_counts_as_chosen_but_only_the_choice_is_remembered(dana_client, dana):
    new_theme = {"title": "Mine", "target_min": 2, "target_max": 3}
    dana_client.post(reverse("themes:create"), new_theme)
    assert has_chosen_start(dana)
    dana_client.post(reverse("themes:delete", args=["mine"]))
    assert not UserTheme.objects.filter(owner=dana).exists()
    # Creating a theme was not the welcome choice: with no set, the welcome again.
    assert not has_chosen_start(dana)
    dana_client.post(CHOOSE, {"empty": "1"})
    assert has_chosen_start(dana)


def test_the_choice_is_for_logged_in_users_and_posts_need_csrf(dana, playbook):
    anonymous = Client()
    response = anonymous.get(CHOOSE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(dana)
    assert strict.post(CHOOSE, {"empty": "1"}).status_code == 403
    assert not has_chosen_start(dana)


def test_coverage_sends_a_user_who_has_not_chosen_to_the_choice(client, playbook):
    from tests.factories import make_user

    dana = make_user("dana", playbook=None)
    client.force_login(dana)
    response = client.get(reverse("coverage:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("themes:choose") + "?next=%2Fcoverage%2F"
    # Having chosen to start empty, coverage is where they are, and says so.
    client.post(reverse("themes:choose"), {"empty": "1"})
    page = client.get(reverse("coverage:index")).content.decode()
    assert "You have none yet: start from a playbook, or write your own." in page


def test_after_choosing_the_welcome_counts_the_themes(client, playbook):
    from tests.factories import make_user

    dana = make_user("dana", playbook=None)
    client.force_login(dana)
    client.post(reverse("themes:choose"), {"playbook": "general-software-engineering"})
    page = client.get(reverse("coverage:index")).content.decode()
    assert "You have 12 themes" in page
    assert "Conflict with a peer" in page
