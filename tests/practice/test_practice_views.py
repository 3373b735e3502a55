from datetime import UTC, timedelta
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from coach.analysis import key_numbers
from practice.models import PracticeCard, PracticeSession
from practice.scheduling import record_practice
from tests.factories import make_story
from themes.models import SampleQuestion, Theme

PRACTICE = reverse("practice:index")
LOG = reverse("practice:log")


@pytest.fixture
def question(playbook):
    return SampleQuestion.objects.get(
        theme__playbook__slug="ml-computer-vision", theme__number=4, position=1
    )


@pytest.fixture
def story(alice, question):
    return make_story(
        alice,
        themes=[question.theme],
        title="Segmentation at 34 FPS",
        summary="Made a segmentation model 4× faster on an Orin.",
        result="It went from 8 to 34 FPS, a 4.25× improvement.",
        status="ready",
    )


def round_url(**params):
    return PRACTICE + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_the_chooser_shows_how_many_are_due(alice_client, playbook):
    html = alice_client.get(PRACTICE).content.decode()
    assert "<h1>Practice</h1>" in html
    assert "<strong>0</strong> questions due" in html


def test_what_i_need_most_redirects_to_a_round_with_its_reasons(
    alice_client, story, playbook
):
    response = alice_client.get(PRACTICE, {"mode": "need", "seconds": 90})
    assert response.status_code == 302
    params = parse_qs(urlparse(response["Location"]).query)
    assert params["seconds"] == ["90"]
    page = alice_client.get(response["Location"])
    assert "the weakest coverage" in page.content.decode()


def test_a_question_from_a_theme_stays_in_it(alice_client, playbook):
    theme = Theme.objects.get(playbook__slug="ml-computer-vision", number=3)
    for _ in range(4):
        response = alice_client.get(
            PRACTICE, {"mode": "theme", "theme": theme.pk, "seconds": 120}
        )
        question_pk = parse_qs(urlparse(response["Location"]).query)["question"][0]
        assert SampleQuestion.objects.get(pk=question_pk).theme == theme


def test_a_link_without_a_time_limit_gets_the_default(alice_client, playbook):
    # Coverage's "Practise this theme" links leave the time limit out.
    theme = Theme.objects.get(playbook__slug="ml-computer-vision", number=2)
    response = alice_client.get(PRACTICE, {"mode": "theme", "theme": theme.pk})
    assert response.status_code == 302
    assert parse_qs(urlparse(response["Location"]).query)["seconds"] == ["120"]


def test_due_with_nothing_due_stays_on_the_chooser(alice_client, playbook):
    response = alice_client.get(PRACTICE, {"mode": "due", "seconds": 120})
    assert response.status_code == 200
    assert "Nothing is due" in response.content.decode()


def test_a_round_shows_the_question_stories_and_key_numbers(
    alice_client, story, question
):
    html = alice_client.get(
        round_url(question=question.pk, seconds=45)
    ).content.decode()
    assert escape(question.text) in html
    assert "Made a segmentation model 4× faster" in html
    # The Result's figures, as the prep sheet lists them (coach.analysis.key_numbers).
    assert key_numbers(story.result) == ["8 to 34 FPS", "4.25×"]
    assert '<ul class="key-numbers"><li>8 to 34 FPS</li><li>4.25×</li></ul>' in html
    assert 'value="45"' in html
    assert 'src="/static/js/practice.js"' in html
    assert "<script>" not in html and "style=" not in html and "onclick" not in html


def test_a_rounds_key_numbers_keep_each_figure_whole(alice_client, alice, question):
    make_story(
        alice,
        themes=[question.theme],
        title="Fewer pages",
        action="Paged 40 times a week before I started.",
        result="Cut 12 SEV-1s to 3 by Q3; p95 down 40%.",
        status="ready",
    )
    html = alice_client.get(round_url(question=question.pk)).content.decode()
    assert '<ul class="key-numbers"><li>12 SEV-1s to 3</li><li>40%</li></ul>' in html


def test_logging_a_round_saves_it_and_schedules_the_card(
    alice_client, alice, story, question
):
    response = alice_client.post(
        LOG,
        {
            "question": question.pk,
            "story": story.pk,
            "duration_seconds": 101,
            "rating": 4,
            "note": "Lead with the number.",
        },
    )
    assert response.status_code == 302
    session = PracticeSession.objects.get()
    assert (session.owner, session.story, session.rating) == (alice, story, 4)
    assert (session.duration_seconds, session.note) == (101, "Lead with the number.")
    card = PracticeCard.objects.get()
    assert card.box == 2
    assert card.due_on == timezone.localdate() + timedelta(days=3)
    assert "comes back in 3 days" in alice_client.get(PRACTICE).content.decode()


def test_a_bad_rating_is_due_tomorrow(alice_client, alice, question):
    alice_client.post(
        LOG, {"question": question.pk, "duration_seconds": 30, "rating": 1}
    )
    card = PracticeCard.objects.get()
    assert card.story is None
    assert card.due_on == timezone.localdate() + timedelta(days=1)


def test_an_invalid_rating_is_refused(alice_client, question):
    response = alice_client.post(
        LOG, {"question": question.pk, "duration_seconds": 30, "rating": 9}
    )
    assert response.status_code == 422
    assert not PracticeSession.objects.exists()


def test_another_users_story_is_404_in_a_round_and_a_log(bob_client, story, question):
    assert (
        bob_client.get(round_url(question=question.pk, story=story.pk)).status_code
        == 404
    )
    response = bob_client.post(
        LOG,
        {
            "question": question.pk,
            "story": story.pk,
            "duration_seconds": 9,
            "rating": 5,
        },
    )
    assert response.status_code == 404
    assert not PracticeSession.objects.exists()


def test_another_users_stories_and_rounds_stay_hidden(
    bob_client, alice_client, story, question
):
    alice_client.post(
        LOG,
        {
            "question": question.pk,
            "story": story.pk,
            "duration_seconds": 9,
            "rating": 1,
        },
    )
    html = bob_client.get(round_url(question=question.pk)).content.decode()
    assert story.title not in html
    chooser = bob_client.get(PRACTICE).content.decode()
    assert story.title not in chooser
    assert "<strong>0</strong> questions due" in chooser


def test_an_unknown_question_is_404(alice_client, playbook):
    assert alice_client.get(round_url(question=99999)).status_code == 404
    assert alice_client.get(round_url(question="abc")).status_code == 404


def test_the_due_fragment_counts_todays_cards(alice_client, alice, question):
    PracticeCard.objects.create(
        owner=alice, question=question, due_on=timezone.localdate()
    )
    html = alice_client.get(reverse("practice:due")).content.decode()
    assert "<html" not in html
    assert '<span class="nav-count">1</span>' in html


# ---- The navigation's Practice link and "due today" count ------------------------------


def test_every_page_links_to_practice_with_todays_due_count(
    alice_client, alice, bob, playbook
):
    today = timezone.localdate()
    questions = list(
        SampleQuestion.objects.filter(
            theme__playbook__slug="ml-computer-vision"
        ).order_by("theme__number", "position")
    )
    for q in questions[:2]:
        PracticeCard.objects.create(owner=alice, question=q, due_on=today)
    PracticeCard.objects.create(
        owner=alice, question=questions[2], due_on=today - timedelta(days=3)
    )
    # Not yet due, and someone else's: neither counts.
    PracticeCard.objects.create(
        owner=alice, question=questions[3], due_on=today + timedelta(days=1)
    )
    PracticeCard.objects.create(owner=bob, question=questions[0], due_on=today)
    for url in [reverse("stories:list"), reverse("themes:index"), PRACTICE]:
        html = alice_client.get(url).content.decode()
        nav = html[html.index('<nav aria-label="Main">') : html.index("</nav>")]
        assert f'<li id="practice-nav"><a href="{PRACTICE}"' in nav
        assert '<span class="nav-count">3</span>' in nav
        assert "due today" in nav
    # The practice page says it in words too, from the same count.
    assert "<strong>3</strong> questions due for review today." in html
    PracticeCard.objects.filter(owner=alice, due_on__lte=today).exclude(
        question=questions[0]
    ).delete()
    html = alice_client.get(PRACTICE).content.decode()
    assert "<strong>1</strong> question due for review today." in html


def test_the_nav_shows_no_count_when_nothing_is_due(alice_client, playbook):
    html = alice_client.get(reverse("stories:list")).content.decode()
    nav = html[html.index('<li id="practice-nav">') :]
    nav = nav[: nav.index("</li>")]
    assert ">Practice</a>" in nav and "nav-count" not in nav


def test_the_practice_link_is_current_on_the_practice_page(alice_client, playbook):
    html = alice_client.get(PRACTICE).content.decode()
    assert f'<a href="{PRACTICE}" aria-current="page">Practice' in html


def test_logged_out_visitors_get_no_practice_link(client, playbook):
    assert "practice-nav" not in client.get(reverse("login")).content.decode()


def test_the_practice_panel_shows_how_the_story_has_been_practised(
    alice_client, alice, story, question
):
    from practice.scheduling import record_practice

    url = reverse("practice:story", args=[story.pk])
    html = alice_client.get(url).content.decode()
    assert "Not practised yet." in html
    assert f"?question={question.pk}&amp;story={story.pk}" in html

    for rating in [4, 3, 2]:
        record_practice(alice, question, story, rating, 100)
    record_practice(alice, question, None, 5, 100)  # not with this story
    html = alice_client.get(url).content.decode()
    practice = html[html.index('id="story-practice"') :]
    practice = practice[: practice.index("</section>")]
    assert "Practised <strong>3 times</strong>" in practice
    assert "4 → 3 → 2" in practice
    assert 'data-trend="down"' in practice and "(slipping)" in practice


def test_the_practice_panel_comes_to_htmx_as_a_fragment(alice_client, story):
    url = reverse("practice:story", args=[story.pk])
    html = alice_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="story-practice"')


def test_a_round_offers_the_themes_lead_story_first_and_chooses_it(
    alice_client, alice, story, question
):
    lead = make_story(alice, themes=[question.theme], title="Zebra: the lead")
    lead.make_lead(question.theme)
    html = alice_client.get(round_url(question=question.pk)).content.decode()
    assert html.index("Zebra: the lead") < html.index(story.title)
    assert f'value="{lead.pk}" id="story-{lead.pk}" checked' in html
    assert html.count("★ lead") == 1


def test_after_a_round_the_story_told_is_shown_whole_to_reread(
    alice_client, story, question
):
    story.situation = "The detector **drifted**."
    story.action = "- rolled back\n- bisected"
    story.reflection = "Alert on the *input* too."
    story.save()
    response = alice_client.post(
        LOG,
        {
            "question": question.pk,
            "story": story.pk,
            "duration_seconds": 90,
            "rating": 3,
        },
    )
    session = PracticeSession.objects.get()
    assert response["Location"] == f"{PRACTICE}?told={session.pk}"
    html = alice_client.get(response["Location"]).content.decode()
    told = html[html.index('class="story-told') : html.index("</article>")]
    assert escape(story.title) in told and escape(story.summary) in told
    assert "<strong>drifted</strong>" in told
    assert "<li>rolled back</li>" in told
    assert "<em>input</em>" in told
    assert escape(story.result) in told
    assert "<h3>Task</h3>" not in told  # an empty section is left out
    assert "Logged: 3/5" in html


def test_a_round_without_a_story_goes_back_to_the_chooser(alice_client, question):
    response = alice_client.post(
        LOG, {"question": question.pk, "story": "", "duration_seconds": 9, "rating": 2}
    )
    assert response["Location"] == PRACTICE


def test_another_users_round_is_404_and_a_trashed_story_is_not_shown(
    alice_client, bob_client, alice, story, question
):
    session, _ = record_practice(alice, question, story, 4, 60)
    url = f"{PRACTICE}?told={session.pk}"
    assert bob_client.get(url).status_code == 404
    assert bob_client.get(f"{PRACTICE}?told=x").status_code == 404
    story.move_to_trash()
    html = alice_client.get(url).content.decode()
    assert "story-told" not in html


def test_the_chooser_lists_recent_rounds_in_the_users_time_zone(
    alice_client, alice, bob, story, question, settings
):
    settings.TIME_ZONE = "Asia/Tokyo"
    told, _ = record_practice(alice, question, story, 4, 95, note="Too <long>")
    told.started_at = timezone.make_aware(timezone.datetime(2026, 3, 2, 23, 30), UTC)
    told.save()
    record_practice(alice, question, None, 2, 40)
    gone = make_story(alice, title="Trashed story")
    record_practice(alice, question, gone, 3, 50)
    gone.deleted_at = timezone.now()
    gone.save()
    record_practice(bob, question, None, 5, 10, note="Bob's round")
    html = alice_client.get(PRACTICE).content.decode()
    rows = html[html.index('<h2 id="recent-heading">') :]
    assert rows.count("<tr>") == 3  # the header and alice's two live rounds
    assert '<td data-label="When">Tue 3 Mar, 08:30</td>' in rows
    assert f"<q>{question.text}</q>" in unescape(rows)
    assert '<td data-label="Story">Segmentation at 34 FPS</td>' in rows
    assert '<td data-label="Story">—</td>' in rows
    assert '<td data-label="Time">95 s</td>' in rows
    assert '4/5<br><span class="meta">Too &lt;long&gt;</span>' in rows
    assert "Trashed story" not in rows and "Bob's round" not in unescape(rows)
