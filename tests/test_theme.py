"""The colour theme: a cookie the header's button sets, read into <html data-theme>."""

import pytest
from django.urls import reverse

THEME = reverse("theme")


@pytest.mark.parametrize("choice", ["light", "dark", "auto"])
def test_the_button_remembers_the_choice_and_goes_back(alice_client, choice):
    response = alice_client.post(THEME, {"theme": choice, "next": "/stories/?q=x"})
    assert response.status_code == 302
    assert response["Location"] == "/stories/?q=x"
    cookie = response.cookies["theme"]
    assert cookie.value == choice
    assert cookie["max-age"] == 365 * 24 * 3600
    assert cookie["samesite"] == "Lax"
    page = alice_client.get(reverse("stories:list")).content.decode()
    assert f'<html lang="en" data-theme="{choice}">' in page


def test_no_cookie_or_a_strange_one_is_auto(alice_client):
    page = alice_client.get(reverse("stories:list")).content.decode()
    assert '<html lang="en" data-theme="auto">' in page
    alice_client.cookies["theme"] = '"><script>'
    page = alice_client.get(reverse("stories:list")).content.decode()
    assert '<html lang="en" data-theme="auto">' in page


def test_an_unknown_theme_sets_nothing(alice_client):
    response = alice_client.post(THEME, {"theme": "purple", "next": "/stories/"})
    assert response.status_code == 302
    assert "theme" not in response.cookies


@pytest.mark.parametrize("next_url", ["", "https://evil.example/", "//evil", "abc"])
def test_it_goes_back_only_to_a_path_on_this_site(alice_client, next_url):
    response = alice_client.post(THEME, {"theme": "dark", "next": next_url})
    assert response["Location"] == "/"


def test_it_needs_a_post(alice_client):
    assert alice_client.get(THEME).status_code == 405


def test_the_button_offers_the_next_theme_in_turn(alice_client):
    for current, offered in [("auto", "dark"), ("dark", "light"), ("light", "auto")]:
        alice_client.cookies["theme"] = current
        page = alice_client.get(reverse("stories:list")).content.decode()
        assert f'name="theme" value="{offered}"' in page
