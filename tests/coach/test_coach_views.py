import re

import pytest
from django.urls import reverse

from tests.factories import make_story
from themes.models import Theme


@pytest.fixture
def story(alice, playbook):
    return make_story(
        alice,
        themes=[Theme.objects.get(playbook__slug="ml-computer-vision", number=1)],
        action="We worked on the detector. We fixed it.",
        result="It was much better.",
    )


def url(story):
    return reverse("coach:story", args=[story.pk])


def test_the_coach_page_quotes_its_findings_and_explains_readiness(alice_client, story):
    response = alice_client.get(url(story))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert 'data-rule="result_number"' in html
    assert "<q>It was much better.</q>" in html
    assert "Numbers and outcomes matter." in html
    assert 'data-rule="ownership"' in html
    assert "Readiness" in html and "From the text:" in html
    assert "Your checklist:" in html


def test_htmx_gets_the_fragment_alone(alice_client, story):
    response = alice_client.get(url(story), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="coach-panel"' in html


def test_posted_unsaved_text_is_analysed_and_not_saved(alice_client, story):
    response = alice_client.post(
        url(story),
        {"result": "Alarms fell from 40 to 2 a day.", "action": "I fixed it."},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'data-rule="result_number"' not in html
    assert 'data-strength="result_number"' in html
    assert 'data-rule="ownership"' not in html
    story.refresh_from_db()
    assert story.result == "It was much better."
    assert story.version == 1


def test_posted_text_without_a_number_is_flagged(alice_client, story):
    story.result = "Up 60%."
    story.save()
    response = alice_client.post(
        url(story), {"result": "Much better."}, headers={"HX-Request": "true"}
    )
    assert 'data-rule="result_number"' in response.content.decode()


def test_other_users_get_404(bob_client, story):
    assert bob_client.get(url(story)).status_code == 404
    assert bob_client.post(url(story), {"result": "x"}).status_code == 404


def test_a_trashed_story_has_no_coach(alice_client, story):
    story.move_to_trash()
    assert alice_client.get(url(story)).status_code == 404


def test_logged_out_users_are_sent_to_log_in(client, story):
    response = client.get(url(story))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_checklist_shows_what_the_coach_sees_in_the_text(alice_client, story):
    story.reflection = "I now run online evaluation every 6 hours."
    story.action = (
        "I pulled the traces and found the p99 spikes came from a cold cache."
    )
    story.save()
    html = alice_client.get(url(story)).content.decode()
    assert "In the text:</span>\n      Describe what you put in place afterward" in html
    assert "In the text:</span>\n      Explain your root cause analysis" in html
    assert 'data-strength="root_cause"' in html
    assert 'data-rule="root_cause_missing"' not in html


def test_the_panel_says_the_score_comes_from_the_text_not_the_ticks(
    alice_client, story
):
    from themes.models import ThemePoint

    story.checked_points.set(
        ThemePoint.objects.filter(
            theme__playbook__slug="ml-computer-vision", theme__number=1
        )
    )
    html = alice_client.get(url(story), headers={"HX-Request": "true"}).content.decode()
    score = re.search(r"Readiness (\d+)/100</strong> · (.+)", html)
    assert int(score[1]) < 50 and score[2] == "Needs work"
    # The text earned nothing, so eight ticks add nothing either.
    assert "(0 from the text, +0 your checklist)" in html
    assert "Your checklist: +0 of 5 — 8 of 8 points (8 ticked by you)." in html
    assert "never lifts a story into the next band" in html


def test_the_coach_takes_a_fixed_number_of_queries(
    alice_client, story, django_assert_max_num_queries
):
    # session, user, story, its themes, its ticks; themes, guidelines, prompts, points.
    with django_assert_max_num_queries(10):
        alice_client.get(url(story), headers={"HX-Request": "true"})


def test_without_javascript_the_scratch_form_posts_back_a_full_page(
    alice_client, story
):
    response = alice_client.post(url(story), {"result": "Alarms fell by 90%."})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert ">Alarms fell by 90%.</textarea>" in html
    assert 'data-strength="result_number"' in html
    assert "<script>" not in html and "style=" not in html


def test_a_story_held_below_the_line_says_why(alice_client, alice, playbook):
    from tests.coach.test_coach import WEAK_TEXTS
    from themes.models import ThemePoint

    theme = Theme.objects.get(playbook__slug="ml-computer-vision", number=1)
    nearly = make_story(alice, themes=[theme], **WEAK_TEXTS["nearly there"])
    nearly.checked_points.set(ThemePoint.objects.filter(theme=theme))
    html = alice_client.get(url(nearly)).content.decode()
    assert "Readiness 79/100</strong> · Nearly there" in html
    assert "(75 from the text, +4 your checklist)" in html
    assert "Held at 79: your checklist never lifts a story to “Ready to tell”" in html
