import pytest
from django.urls import reverse

from followups.models import RUNGS_MAX, Rung, copy_ladder
from followups.suggestions import DIFFERENTLY, MEASURE
from tests.factories import make_story

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def story(alice):
    return make_story(
        alice,
        title="Sharded the queue",
        action="We decided to shard the queue.",
        result="It got better.",
    )


def ladder(story):
    return list(
        Rung.objects.for_story(story).values_list("question", "answer", "position")
    )


def panel_url(story):
    return reverse("followups:panel", args=[story.pk])


def add(client, story, question, answer="", **extra):
    return client.post(
        reverse("followups:add", args=[story.pk]),
        {"new-question": question, "new-answer": answer},
        **extra,
    )


def test_the_panel_is_a_page_and_a_fragment(alice_client, story):
    page = alice_client.get(panel_url(story)).content.decode()
    assert "<html" in page
    assert "<h1>Follow-up questions: Sharded the queue</h1>" in page
    fragment = alice_client.get(panel_url(story), **HX).content.decode()
    assert "<html" not in fragment
    assert 'id="followups"' in fragment
    assert f"Add “{MEASURE}”" in fragment


def test_the_editor_loads_the_panel(alice_client, story):
    html = alice_client.get(story.get_absolute_url()).content.decode()
    assert f'hx-get="{panel_url(story)}"' in html
    # Without JavaScript, a link to the panel's page.
    assert f'<a href="{panel_url(story)}">Follow-up questions</a>' in html


def test_adding_a_suggestion_adds_it_once(alice_client, story):
    response = add(alice_client, story, MEASURE)
    assert response.status_code == 302
    assert response["Location"] == panel_url(story)
    assert ladder(story) == [(MEASURE, "", 1)]
    page = alice_client.get(panel_url(story)).content.decode()
    assert f"Add “{MEASURE}”" not in page
    assert f"Add “{DIFFERENTLY}”" in page


def test_adding_with_htmx_returns_the_panel(alice_client, story):
    response = add(alice_client, story, "Why shard?", "Hot partitions.", **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Why shard?" in html
    assert "Hot partitions." in html
    assert ladder(story) == [("Why shard?", "Hot partitions.", 1)]


@pytest.mark.parametrize("headers", [{}, HX])
def test_an_empty_question_is_refused_next_to_the_field_keeping_the_answer(
    alice_client, story, headers
):
    response = add(alice_client, story, "   ", "My typed answer", **headers)
    assert response.status_code == 422
    html = response.content.decode()
    assert ("<html" in html) == (not headers)
    assert 'id="id_new-question_error"' in html
    assert "Write the question the interviewer might ask." in html
    assert "My typed answer" in html
    assert ladder(story) == []


def test_a_question_too_long_is_refused_keeping_what_was_typed(alice_client, story):
    response = add(alice_client, story, "Q" * 301, **HX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Keep the question to 300 characters or fewer (it has 301)." in html
    assert "Q" * 301 in html
    assert ladder(story) == []


def test_an_answer_too_long_is_refused(alice_client, story):
    response = add(alice_client, story, "Why?", "a" * 2001, **HX)
    assert response.status_code == 422
    assert "Keep the answer to 2,000 characters" in response.content.decode()
    assert ladder(story) == []


def test_a_nul_character_is_refused_with_a_message(alice_client, story):
    response = add(alice_client, story, "Why\x00?", **HX)
    assert response.status_code == 422
    assert "Null characters are not allowed." in response.content.decode()
    assert ladder(story) == []


def test_a_full_ladder_refuses_another(alice_client, story):
    for i in range(RUNGS_MAX):
        Rung.add_to(story, f"Q{i}")
    response = add(alice_client, story, "One more?", **HX)
    assert response.status_code == 422
    assert f"at most {RUNGS_MAX} questions" in response.content.decode()
    assert len(ladder(story)) == RUNGS_MAX


@pytest.mark.parametrize("headers", [{}, HX])
def test_editing_a_rung(alice_client, story, headers):
    rung = Rung.add_to(story, "Why?", "Because.")
    response = alice_client.post(
        reverse("followups:edit", args=[rung.pk]),
        {f"rung-{rung.pk}-question": "Why shard?", f"rung-{rung.pk}-answer": "Load."},
        **headers,
    )
    assert response.status_code == (200 if headers else 302)
    assert ladder(story) == [("Why shard?", "Load.", 1)]


def test_a_refused_edit_keeps_what_was_typed_and_changes_nothing(alice_client, story):
    rung = Rung.add_to(story, "Why?", "Because.")
    response = alice_client.post(
        reverse("followups:edit", args=[rung.pk]),
        {f"rung-{rung.pk}-question": "", f"rung-{rung.pk}-answer": "New answer"},
        **HX,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="id_rung-{rung.pk}-question_error"' in html
    assert "New answer" in html
    assert ladder(story) == [("Why?", "Because.", 1)]


@pytest.mark.parametrize("headers", [{}, HX])
def test_moving_rungs_up_and_down(alice_client, story, headers):
    a, b, c = (Rung.add_to(story, q) for q in ("A?", "B?", "C?"))
    move = reverse("followups:move", args=[c.pk])
    response = alice_client.post(move, {"direction": "up"}, **headers)
    assert response.status_code == (200 if headers else 302)
    assert [q for q, _, _ in ladder(story)] == ["A?", "C?", "B?"]
    alice_client.post(reverse("followups:move", args=[a.pk]), {"direction": "down"})
    assert [q for q, _, _ in ladder(story)] == ["C?", "A?", "B?"]
    assert [p for _, _, p in ladder(story)] == [1, 2, 3]
    # Past either end, or with no direction, nothing moves.
    alice_client.post(reverse("followups:move", args=[b.pk]), {"direction": "down"})
    alice_client.post(move, {"direction": "up"})
    alice_client.post(move, {"direction": "sideways"})
    assert [q for q, _, _ in ladder(story)] == ["C?", "A?", "B?"]


def test_the_panel_shows_the_rungs_in_order(alice_client, story):
    for q in ("First?", "Second?"):
        Rung.add_to(story, q)
    html = alice_client.get(panel_url(story), **HX).content.decode()
    assert html.index("First?") < html.index("Second?")
    Rung.objects.get(question="Second?").move(up=True)
    html = alice_client.get(panel_url(story), **HX).content.decode()
    assert html.index("Second?") < html.index("First?")


@pytest.mark.parametrize("headers", [{}, HX])
def test_deleting_a_rung(alice_client, story, headers):
    keep, gone = Rung.add_to(story, "Keep?"), Rung.add_to(story, "Gone?")
    response = alice_client.post(reverse("followups:delete", args=[gone.pk]), **headers)
    assert response.status_code == (200 if headers else 302)
    assert ladder(story) == [("Keep?", "", 1)]
    assert Rung.objects.filter(pk=keep.pk).exists()


def test_other_users_get_404_on_every_url(alice_client, bob, story):
    bobs_story = make_story(bob, title="Bob's story")
    bobs = Rung.add_to(bobs_story, "Bob's question?", "Bob's answer")
    for headers in ({}, HX):
        assert alice_client.get(panel_url(bobs_story), **headers).status_code == 404
        assert add(alice_client, bobs_story, "Mine?", **headers).status_code == 404
        for name, data in (
            ("edit", {f"rung-{bobs.pk}-question": "Taken?"}),
            ("move", {"direction": "up"}),
            ("delete", {}),
        ):
            response = alice_client.post(
                reverse(f"followups:{name}", args=[bobs.pk]), data, **headers
            )
            assert response.status_code == 404, name
            assert "Bob" not in response.content.decode()
        response = alice_client.get(
            reverse("practice:drill", args=[bobs_story.pk]), **headers
        )
        assert response.status_code == 404
    assert ladder(bobs_story) == [("Bob's question?", "Bob's answer", 1)]


def test_a_trashed_story_has_no_ladder(alice_client, story):
    rung = Rung.add_to(story, "Why?")
    story.move_to_trash()
    assert alice_client.get(panel_url(story)).status_code == 404
    response = alice_client.post(reverse("followups:delete", args=[rung.pk]))
    assert response.status_code == 404


def test_logged_out_users_are_sent_to_log_in(client, story):
    response = client.get(panel_url(story))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_panel_query_count_does_not_grow_with_the_rungs(
    alice_client, story, django_assert_max_num_queries
):
    for i in range(10):
        Rung.add_to(story, f"Question {i}?", f"Answer {i}")
    # Session, user, the story, its rungs; the suggestions read the story's text.
    with django_assert_max_num_queries(4):
        response = alice_client.get(panel_url(story), **HX)
    assert response.content.decode().count('class="rung"') == 10


def test_the_drill_shows_each_question_and_hides_the_answer(alice_client, story):
    Rung.add_to(story, "What was your part?", "I wrote the sharding key.")
    Rung.add_to(story, "What would you do differently?", "")
    html = alice_client.get(reverse("practice:drill", args=[story.pk])).content.decode()
    assert '<h2 class="drill-question">What was your part?</h2>' in html
    assert (
        "<details>\n      <summary>Show my answer</summary>\n      "
        '<p class="drill-answer">I wrote the sharding key.</p>'
    ) in html
    assert "No answer saved yet." in html
    assert html.index("What was your part?") < html.index("What would you do")


def test_the_drill_of_an_empty_ladder_says_so(alice_client, story):
    html = alice_client.get(reverse("practice:drill", args=[story.pk])).content.decode()
    assert "This story has no follow-up questions yet." in html


def test_the_suggestions_follow_the_saved_story(alice_client, story):
    url = panel_url(story) + "?part=suggestions"
    html = alice_client.get(url, **HX).content.decode()
    assert html.lstrip().startswith('<div id="followup-suggestions"')
    assert 'hx-trigger="storyChanged from:body"' in html
    assert f"Add “{MEASURE}”" in html
    story.apply_edit({"result": "Latency fell by 40%."}, story.version)
    html = alice_client.get(url, **HX).content.decode()
    assert f"Add “{MEASURE}”" not in html
    assert f"Add “{DIFFERENTLY}”" in html
    # Without htmx the same address is the whole page.
    assert "<html" in alice_client.get(url).content.decode()


def test_duplicating_a_story_copies_its_ladder(
    alice_client, story, django_assert_num_queries
):
    Rung.add_to(story, MEASURE, "p95 from the dashboard")
    Rung.add_to(story, DIFFERENTLY)
    response = alice_client.post(reverse("stories:duplicate", args=[story.pk]))
    copy = story.owner.stories.exclude(pk=story.pk).get()
    assert response["Location"] == copy.get_absolute_url()
    assert ladder(copy) == ladder(story)
    assert ladder(copy) == [
        (MEASURE, "p95 from the dashboard", 1),
        (DIFFERENTLY, "", 2),
    ]
    # The receiver reads the ladder once and writes it in one INSERT.
    with django_assert_num_queries(2):
        copy_ladder(sender=None, original=story, copy=copy)
