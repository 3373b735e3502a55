"""Your themes: the set (order, hide, show, add a playbook), own themes (create,
edit, delete, copy a built-in one) and own questions (add, edit, delete; hide and
show built-in ones)."""

import re
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stories.models import Story, StoryTheme
from tests.factories import make_story, make_user
from themes.models import (
    QUESTION_MAX,
    RESERVED_SLUGS,
    THEME_TITLE_MAX,
    HiddenQuestion,
    Playbook,
    SampleQuestion,
    StarPrompt,
    Theme,
    ThemePoint,
    UserTheme,
)

INDEX = reverse("themes:index")
CREATE = reverse("themes:create")
HX = {"HTTP_HX_REQUEST": "true"}
FAILURES = "handling-model-failures-in-production"
LEADERSHIP = "technical-leadership-cross-team-collaboration"

VALID = {
    "title": "Conflict with a peer",
    "description": "How you disagree and commit.",
    "target_min": "2",
    "target_max": "4",
    "prompt_situation": "Who disagreed, about what.",
    "prompt_task": "",
    "prompt_action": "What you said and did.",
    "prompt_result": "",
    "points": "Names the disagreement\n\n  Shows you listened  \nEnds with a decision\n",
}


def page(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    return response.content.decode()


def set_of(user):
    """The user's set as (slug, hidden) in their order."""
    return [
        (c.theme.slug, c.hidden)
        for c in UserTheme.objects.filter(owner=user)
        .select_related("theme")
        .order_by("position", "pk")
    ]


def shown_titles(client):
    response = client.get(INDEX)
    return [t.title for t in response.context["shown"]]


def make_own_theme(user, title="Conflict with a peer", **fields):
    theme = Theme.objects.create(
        owner=user, slug=Theme.unique_slug(user, title), title=title, **fields
    )
    theme.add_to_set(user)
    return theme


def built_in_rows():
    """Every row of built-in content, to compare before and after users act."""
    return {
        "playbooks": list(Playbook.objects.order_by("pk").values()),
        "themes": list(Theme.objects.built_in().order_by("pk").values()),
        "questions": list(
            SampleQuestion.objects.filter(owner=None).order_by("pk").values()
        ),
        "prompts": list(
            StarPrompt.objects.filter(theme__owner=None).order_by("pk").values()
        ),
        "points": list(
            ThemePoint.objects.filter(theme__owner=None).order_by("pk").values()
        ),
    }


@pytest.fixture
def other_playbook(playbook):
    """A second built-in playbook, made here (not the general one's fixture)."""
    book = Playbook.objects.create(
        slug="test-general",
        title="General software engineering",
        description="Themes for any engineering role.",
        position=2,
    )
    for number, title in enumerate(["Disagreeing with your manager", "Pride"], 1):
        theme = Theme.objects.create(
            playbook=book, number=number, slug=f"test-general-{number}", title=title
        )
        theme.questions.create(position=1, text=f"Tell me about {title.lower()}.")
    return book


# The page ------------------------------------------------------------------------


def test_your_themes_lists_the_set_in_order_with_target_and_question_count(
    alice_client, alice
):
    html = page(alice_client, INDEX)
    assert "<h1>Your themes</h1>" in html
    themes = list(Theme.objects.for_user(alice))
    positions = [html.index(escape(t.title)) for t in themes]
    assert positions == sorted(positions)
    first = themes[0]
    count = first.questions.count()
    assert count
    assert f"prepare 2–3 stories · {count} question{'s' if count > 1 else ''}" in html
    assert f'<button type="submit" class="secondary small" id="down-{first.pk}"' in html
    assert f'Move<span class="visually-hidden"> {escape(first.title)}</span> down' in (
        html
    )


def test_the_question_count_leaves_out_hidden_questions_and_adds_own_ones(
    alice_client, alice
):
    theme = Theme.objects.get(slug=FAILURES)
    built_in = list(theme.questions.all())
    HiddenQuestion.objects.create(owner=alice, question=built_in[0])
    theme.add_question(alice, "What did you change afterwards?")
    theme.add_question(alice, "Who did you tell first?")
    counts = {t.pk: t.question_count for t in alice_client.get(INDEX).context["shown"]}
    assert counts[theme.pk] == len(built_in) - 1 + 2


def test_the_page_and_its_fragment(alice_client):
    full = page(alice_client, INDEX)
    fragment = page(alice_client, INDEX, **HX)
    assert "<html" in full and '<div id="theme-set">' in full
    assert "<html" not in fragment
    assert fragment.lstrip().startswith('<div id="theme-set">')


def test_a_user_without_themes_is_told_how_to_get_some(client, db):
    nobody = make_user("nobody", playbook=None)
    client.force_login(nobody)
    html = page(client, INDEX)
    assert "No themes in your set" in html
    assert "Add these themes" in html


def test_the_page_lists_the_built_in_playbooks_to_add(
    alice_client, alice, other_playbook
):
    html = page(alice_client, INDEX)
    assert "General software engineering" in html
    assert "Themes for any engineering role." in html
    assert "2 themes" in html
    assert f'action="{reverse("themes:adopt", args=[other_playbook.slug])}"' in html
    # The playbook alice has is all in her set: nothing to add.
    ml = reverse("themes:adopt", args=["ml-computer-vision"])
    assert f'action="{ml}"' not in html


def test_adding_a_playbooks_themes_puts_them_last_once(
    alice_client, alice, other_playbook
):
    before = set_of(alice)
    url = reverse("themes:adopt", args=[other_playbook.slug])
    response = alice_client.post(url)
    assert response.status_code == 302 and response["Location"] == INDEX
    assert set_of(alice) == [
        *before,
        ("test-general-1", False),
        ("test-general-2", False),
    ]
    alice_client.post(url)
    assert len(set_of(alice)) == len(before) + 2


def test_a_playbooks_page_lists_its_themes_and_where_they_stand(
    alice_client, alice, other_playbook
):
    theme = other_playbook.themes.get(number=1)
    theme.add_to_set(alice)
    theme.hide_for(alice)
    html = page(alice_client, other_playbook.get_absolute_url())
    assert "<h1>General software engineering</h1>" in html
    assert "Tell me about pride." in html
    assert "hidden from your themes" in html and "not in your themes" in html
    assert "Show in my themes" in html and "Add to my themes" in html


# Order, hide, show ---------------------------------------------------------------


def test_moving_a_theme_up_and_down_changes_only_alices_order(alice_client, alice, bob):
    bobs = set_of(bob)
    slugs = [s for s, _ in set_of(alice)]
    response = alice_client.post(
        reverse("themes:move", args=[slugs[2]]), {"direction": "up"}
    )
    assert response.status_code == 302
    assert [s for s, _ in set_of(alice)] == [slugs[0], slugs[2], slugs[1], *slugs[3:]]
    alice_client.post(reverse("themes:move", args=[slugs[0]]), {"direction": "down"})
    assert [s for s, _ in set_of(alice)] == [slugs[2], slugs[0], slugs[1], *slugs[3:]]
    assert set_of(bob) == bobs


def test_the_first_theme_does_not_move_up_nor_the_last_down(alice_client, alice):
    before = set_of(alice)
    alice_client.post(reverse("themes:move", args=[before[0][0]]), {"direction": "up"})
    alice_client.post(
        reverse("themes:move", args=[before[-1][0]]), {"direction": "down"}
    )
    assert set_of(alice) == before


def test_a_move_steps_over_hidden_themes(alice_client, alice):
    slugs = [s for s, _ in set_of(alice)]
    Theme.objects.get(slug=slugs[1]).hide_for(alice)
    alice_client.post(reverse("themes:move", args=[slugs[2]]), {"direction": "up"})
    assert [t.slug for t in Theme.objects.for_user(alice)][:2] == [slugs[2], slugs[0]]


def test_a_move_without_a_direction_is_a_bad_request(alice_client, alice):
    before = set_of(alice)
    url = reverse("themes:move", args=[FAILURES])
    assert alice_client.post(url, {"direction": "sideways"}).status_code == 400
    assert set_of(alice) == before


def test_a_move_with_htmx_returns_the_set_to_swap_in(alice_client, alice):
    slugs = [s for s, _ in set_of(alice)]
    response = alice_client.post(
        reverse("themes:move", args=[slugs[1]]), {"direction": "up"}, **HX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and '<div id="theme-set">' in html
    first, second = (Theme.objects.get(slug=s).title for s in slugs[:2])
    assert html.index(escape(second)) < html.index(escape(first))


def test_hiding_a_theme_lists_it_under_hidden_and_show_brings_it_back(
    alice_client, alice, bob
):
    bobs = set_of(bob)
    before = set_of(alice)
    theme = Theme.objects.get(slug=LEADERSHIP)
    alice_client.post(reverse("themes:hide", args=[LEADERSHIP]))
    assert (LEADERSHIP, True) in set_of(alice)
    assert theme not in Theme.objects.for_user(alice)
    html = page(alice_client, INDEX)
    hidden = html[html.index('id="hidden-heading"') :]
    assert escape(theme.title) in hidden
    assert f'formaction="{reverse("themes:add", args=[LEADERSHIP])}"' in hidden

    response = alice_client.post(reverse("themes:add", args=[LEADERSHIP]), **HX)
    assert "<html" not in response.content.decode()
    assert "Hidden themes" not in response.content.decode()
    # Back in its own place, not last.
    assert set_of(alice) == before
    assert set_of(bob) == bobs


def test_a_theme_not_in_the_set_offers_to_add_it(client, db):
    carol = make_user("carol", playbook=None)
    client.force_login(carol)
    url = reverse("themes:detail", args=[FAILURES])
    assert "Add to my themes" in page(client, url)
    response = client.post(reverse("themes:add", args=[FAILURES]), {"next": url})
    assert response["Location"] == url
    assert set_of(carol) == [(FAILURES, False)]
    assert "Add to my themes" not in page(client, url)


def test_next_must_be_a_path_on_this_site(alice_client):
    response = alice_client.post(
        reverse("themes:hide", args=[FAILURES]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == INDEX


# Own themes: create and edit ------------------------------------------------------


def test_creating_a_theme_adds_it_last_with_its_prompts_and_points(alice_client, alice):
    before = set_of(alice)
    response = alice_client.post(CREATE, VALID)
    theme = Theme.objects.get(owner=alice)
    assert response.status_code == 302
    assert response["Location"] == theme.get_absolute_url()
    assert (theme.title, theme.description) == (VALID["title"], VALID["description"])
    assert (theme.target_min, theme.target_max, theme.number) == (2, 4, None)
    assert set_of(alice) == [*before, (theme.slug, False)]
    assert {p.section: p.text for p in theme.star_prompts.all()} == {
        "situation": "Who disagreed, about what.",
        "action": "What you said and did.",
    }
    assert [
        (p.kind, p.position, p.text) for p in theme.points.order_by("position")
    ] == [
        ("framework", 1, "Names the disagreement"),
        ("framework", 2, "Shows you listened"),
        ("framework", 3, "Ends with a decision"),
    ]
    assert "Conflict with a peer" in page(alice_client, INDEX)
    detail = page(alice_client, theme.get_absolute_url())
    for text in ["Your theme", "Who disagreed, about what.", "Shows you listened"]:
        assert text in detail


def test_the_new_theme_form_starts_with_a_target_of_2_to_3(alice_client):
    html = page(alice_client, CREATE)
    assert re.search(r'name="target_min" value="2"', html)
    assert re.search(r'name="target_max" value="3"', html)
    assert '<label for="id_title">Name</label>' in html
    assert '<label for="id_prompt_situation">Situation</label>' in html


INVALID = [
    ("empty name", {"title": "   "}, "title", "Give the theme a name."),
    (
        "name too long",
        {"title": "x" * (THEME_TITLE_MAX + 1)},
        "title",
        f"Keep the name to {THEME_TITLE_MAX} characters or fewer",
    ),
    (
        "duplicate name",
        {"title": "CONFLICT with a PEER"},
        "title",
        "You already have a theme with this name.",
    ),
    (
        "min over max",
        {"target_min": "4", "target_max": "2"},
        "target_max",
        "“At most” cannot be less than “At least”.",
    ),
    ("target out of range", {"target_max": "11"}, "target_max", "from 1 to 10"),
]


@pytest.mark.parametrize("case, change, field, message", INVALID)
def test_a_refused_theme_saves_nothing_and_keeps_what_was_typed(
    alice_client, alice, case, change, field, message
):
    if case == "duplicate name":
        make_own_theme(alice)
    before = (set_of(alice), Theme.objects.count(), StarPrompt.objects.count())
    points = ThemePoint.objects.count()
    typed = {**VALID, "description": "Typed <b>text</b> to keep", **change}
    response = alice_client.post(CREATE, typed)
    html = response.content.decode()
    assert response.status_code == 422
    assert (set_of(alice), Theme.objects.count(), StarPrompt.objects.count()) == before
    assert ThemePoint.objects.count() == points
    # The message sits by the field it is about, which points to it.
    errors = re.search(
        rf'<div class="field-errors" id="id_{field}_error">(.*?)</div>', html
    )
    assert errors and message in errors[1].replace("&ldquo;", "“")
    assert re.search(
        rf'<[^>]*name="{field}"[^>]*aria-invalid="true"[^>]*aria-describedby="[^"]*'
        rf"id_{field}_error",
        html,
    ) or re.search(
        rf'<[^>]*aria-invalid="true"[^>]*aria-describedby="[^"]*id_{field}_error[^>]*'
        rf'id="id_{field}"',
        html,
    )
    # What was typed is in the form again.
    assert "Typed &lt;b&gt;text&lt;/b&gt; to keep" in html
    assert "Who disagreed, about what." in html
    assert "Shows you listened" in html
    if field == "title" and typed["title"].strip():
        assert f'value="{escape(typed["title"])}"' in html


def test_the_same_name_as_a_built_in_theme_or_bobs_is_allowed(alice_client, alice, bob):
    make_own_theme(bob, "Conflict with a peer")
    built_in = Theme.objects.get(slug=FAILURES)
    assert alice_client.post(CREATE, VALID).status_code == 302
    response = alice_client.post(CREATE, {**VALID, "title": built_in.title})
    assert response.status_code == 302
    assert Theme.objects.filter(owner=alice).count() == 2


def test_editing_replaces_prompts_and_points_and_keeps_ticks_on_unchanged_points(
    alice_client, alice
):
    alice_client.post(CREATE, VALID)
    theme = Theme.objects.get(owner=alice)
    kept = theme.points.get(text="Shows you listened")
    story = make_story(alice, themes=[theme])
    story.checked_points.add(kept)
    url = reverse("themes:edit", args=[theme.slug])
    assert "Shows you listened" in page(alice_client, url)
    response = alice_client.post(
        url,
        {
            **VALID,
            "title": "Conflict with a colleague",
            "target_min": "1",
            "target_max": "1",
            "prompt_situation": "",
            "prompt_result": "What was decided.",
            "points": "Shows you listened\nNames a trade-off",
        },
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert (theme.title, theme.target_min, theme.target_max) == (
        "Conflict with a colleague",
        1,
        1,
    )
    assert {p.section: p.text for p in theme.star_prompts.all()} == {
        "action": "What you said and did.",
        "result": "What was decided.",
    }
    assert [p.text for p in theme.points.order_by("position")] == [
        "Shows you listened",
        "Names a trade-off",
    ]
    assert list(story.checked_points.all()) == [kept]


def test_editing_may_change_the_case_of_the_name_but_not_take_anothers(
    alice_client, alice
):
    theme = make_own_theme(alice, "Conflict with a peer")
    make_own_theme(alice, "Pride")
    url = reverse("themes:edit", args=[theme.slug])
    response = alice_client.post(url, {**VALID, "title": "PRIDE"})
    assert response.status_code == 422
    assert "You already have a theme with this name." in response.content.decode()
    theme.refresh_from_db()
    assert theme.title == "Conflict with a peer"
    assert (
        alice_client.post(url, {**VALID, "title": "CONFLICT with a peer"}).status_code
        == 302
    )


def test_points_given_twice_are_kept_once(alice):
    theme = make_own_theme(alice)
    theme.set_guidance({}, ["One", "Two", "One", "  ", "Three"])
    theme.set_guidance({}, ["Three", "One"])
    assert [(p.position, p.text) for p in theme.points.order_by("position")] == [
        (1, "Three"),
        (2, "One"),
    ]


def test_a_failed_edit_changes_nothing(alice_client, alice):
    alice_client.post(CREATE, VALID)
    theme = Theme.objects.get(owner=alice)
    prompts = list(theme.star_prompts.values())
    points = list(theme.points.values())
    response = alice_client.post(
        reverse("themes:edit", args=[theme.slug]),
        {**VALID, "target_min": "5", "target_max": "3", "points": "Something else"},
    )
    assert response.status_code == 422
    assert list(theme.star_prompts.values()) == prompts
    assert list(theme.points.values()) == points
    assert "Something else" in response.content.decode()


def test_built_in_themes_cannot_be_edited_or_deleted(alice_client, alice):
    before = built_in_rows()
    for name in ("themes:edit", "themes:delete"):
        url = reverse(name, args=[FAILURES])
        assert alice_client.get(url).status_code == 404
        assert alice_client.post(url, VALID).status_code == 404
    assert built_in_rows() == before


def test_an_own_theme_is_never_named_like_a_page(alice):
    for title in ["New", "Choose", "Questions to ask", "Negotiation", "Playbooks"]:
        assert Theme.unique_slug(alice, title) not in RESERVED_SLUGS


def test_an_own_theme_named_new_has_its_own_page(alice_client, alice):
    alice_client.post(CREATE, {**VALID, "title": "New"})
    theme = Theme.objects.get(owner=alice)
    assert theme.slug == "new-2"
    assert "<h1>New</h1>" in page(alice_client, theme.get_absolute_url())


# Delete ----------------------------------------------------------------------------


def test_deleting_an_own_theme_untags_its_stories_and_keeps_them(alice_client, alice):
    theme = make_own_theme(alice)
    other = Theme.objects.get(slug=FAILURES)
    stories = [
        make_story(alice, themes=[theme, other], title=f"S{i}") for i in range(3)
    ]
    trashed = make_story(alice, themes=[theme], title="Trashed")
    trashed.move_to_trash()
    url = reverse("themes:delete", args=[theme.slug])
    html = page(alice_client, url)
    assert "3 stories are tagged with it; they will be untagged, not deleted." in html
    assert "1 story in the trash will lose the tag too." in html
    response = alice_client.post(url)
    assert response.status_code == 302 and response["Location"] == INDEX
    assert not Theme.objects.filter(pk=theme.pk).exists()
    assert Story.objects.filter(owner=alice).count() == 4
    assert not StoryTheme.objects.filter(theme_id=theme.pk).exists()
    for story in stories:
        assert list(story.themes.all()) == [other]
    assert theme.slug not in [s for s, _ in set_of(alice)]


def test_the_delete_page_says_when_no_story_uses_the_theme(alice_client, alice):
    theme = make_own_theme(alice)
    make_story(alice, themes=[Theme.objects.get(slug=FAILURES)])
    html = page(alice_client, reverse("themes:delete", args=[theme.slug]))
    assert "No story is tagged with it." in html


# Copy on write ----------------------------------------------------------------------


def test_make_my_own_copy_copies_the_theme_after_the_original_and_hides_it(
    alice_client, alice, bob
):
    original = Theme.objects.get(slug=LEADERSHIP)
    story = make_story(alice, themes=[original])
    before = built_in_rows()
    bobs = set_of(bob)
    url = reverse("themes:copy", args=[LEADERSHIP])
    assert "Make my own copy" in page(alice_client, original.get_absolute_url())
    confirm = page(alice_client, url)
    assert "stay tagged with the original" in confirm
    assert "Your 1 story tagged with" in confirm

    response = alice_client.post(url)
    copy = Theme.objects.get(owner=alice)
    assert response["Location"] == copy.get_absolute_url()
    assert copy.title == original.title
    assert (copy.target_min, copy.target_max) == (
        original.target_min,
        original.target_max,
    )
    assert sorted(copy.star_prompts.values_list("section", "text")) == sorted(
        original.star_prompts.values_list("section", "text")
    )
    assert sorted(copy.points.values_list("kind", "position", "text")) == sorted(
        original.points.values_list("kind", "position", "text")
    )
    assert list(copy.questions.values_list("text", "owner")) == [
        (q.text, alice.pk) for q in original.questions.order_by("position")
    ]
    slugs = [s for s, _ in set_of(alice)]
    assert slugs[slugs.index(LEADERSHIP) + 1] == copy.slug
    assert (LEADERSHIP, True) in set_of(alice)
    assert [t.slug for t in Theme.objects.for_user(alice)][1] == copy.slug
    # Stories stay tagged with the original; nothing built-in changed, nor bob's.
    assert list(story.themes.all()) == [original]
    assert built_in_rows() == before
    assert set_of(bob) == bobs


def test_a_second_copy_gets_a_name_of_its_own(alice_client, alice):
    url = reverse("themes:copy", args=[FAILURES])
    alice_client.post(url)
    alice_client.post(reverse("themes:add", args=[FAILURES]))
    alice_client.post(url)
    title = Theme.objects.get(slug=FAILURES).title
    assert sorted(
        Theme.objects.filter(owner=alice).values_list("title", flat=True)
    ) == [
        title,
        f"{title} (my copy)",
    ]


def test_a_copy_can_be_edited_and_an_own_theme_is_not_copied(alice_client, alice):
    alice_client.post(reverse("themes:copy", args=[FAILURES]))
    copy = Theme.objects.get(owner=alice)
    assert (
        alice_client.post(reverse("themes:copy", args=[copy.slug])).status_code == 404
    )
    edit = page(alice_client, reverse("themes:edit", args=[copy.slug]))
    assert "talking points and key points, copied from the built-in theme" in edit
    response = alice_client.post(
        reverse("themes:edit", args=[copy.slug]), {**VALID, "title": "My failures"}
    )
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.title == "My failures"
    # Its talking points and key points, which the form does not show, are kept.
    assert copy.points.exclude(kind="framework").exists()


# Own questions ------------------------------------------------------------------------


@pytest.mark.parametrize("slug", [FAILURES, "own"])
def test_adding_a_question_shows_it_after_the_built_in_ones(alice_client, alice, slug):
    theme = make_own_theme(alice) if slug == "own" else Theme.objects.get(slug=slug)
    url = reverse("themes:add_question", args=[theme.slug])
    response = alice_client.post(url, {"text": "  What would you do differently?  "})
    assert response.status_code == 302
    assert response["Location"] == f"{theme.get_absolute_url()}#questions"
    question = SampleQuestion.objects.get(owner=alice)
    assert (question.theme, question.text, question.position) == (
        theme,
        "What would you do differently?",
        1,
    )
    html = page(alice_client, theme.get_absolute_url())
    assert "What would you do differently?" in html
    assert reverse("themes:edit_question", args=[question.pk]) in html
    for built_in in theme.questions.filter(owner=None):
        assert html.index(escape(built_in.text)) < html.index("What would you do")


def test_adding_a_question_with_htmx_returns_the_questions(alice_client, alice):
    url = reverse("themes:add_question", args=[FAILURES])
    response = alice_client.post(url, {"text": "Who noticed first?"}, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<section id="questions"')
    assert "Who noticed first?" in html


@pytest.mark.parametrize(
    "text, message",
    [
        ("   ", "Write the question first."),
        ("x" * (QUESTION_MAX + 1), f"Keep the question to {QUESTION_MAX} characters"),
    ],
)
@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_refused_question_saves_nothing_and_keeps_the_text(
    alice_client, alice, text, message, headers
):
    url = reverse("themes:add_question", args=[FAILURES])
    response = alice_client.post(url, {"text": text}, **headers)
    html = response.content.decode()
    assert response.status_code == 422
    assert not SampleQuestion.objects.filter(owner=alice).exists()
    assert message in html
    assert 'aria-describedby="id_text_error"' in html
    assert ("<html" in html) == (not headers)
    if text.strip():
        assert text in html


def test_an_own_question_can_be_edited_and_deleted(alice_client, alice):
    theme = Theme.objects.get(slug=FAILURES)
    question = theme.add_question(alice, "Who noticed first?")
    url = reverse("themes:edit_question", args=[question.pk])
    assert "Who noticed first?" in page(alice_client, url)
    assert alice_client.post(url, {"text": ""}).status_code == 422
    question.refresh_from_db()
    assert question.text == "Who noticed first?"
    response = alice_client.post(url, {"text": "Who noticed it first?"})
    assert response["Location"] == f"{theme.get_absolute_url()}#questions"
    question.refresh_from_db()
    assert question.text == "Who noticed it first?"

    story = make_story(alice, themes=[theme], questions=[question])
    response = alice_client.post(
        reverse("themes:delete_question", args=[question.pk]), **HX
    )
    assert "<html" not in response.content.decode()
    assert "Who noticed it first?" not in response.content.decode()
    assert not SampleQuestion.objects.filter(pk=question.pk).exists()
    assert Story.objects.filter(pk=story.pk).exists()


def test_hiding_a_built_in_question_folds_it_away_for_alice_only(
    alice_client, alice, bob_client
):
    theme = Theme.objects.get(slug=FAILURES)
    question = theme.questions.filter(owner=None).first()
    url = reverse("themes:hide_question", args=[FAILURES])
    response = alice_client.post(url, {"question": question.pk})
    assert response.status_code == 302
    assert HiddenQuestion.objects.filter(owner=alice, question=question).exists()
    html = page(alice_client, theme.get_absolute_url())
    folded = html[html.index('<details class="hidden-questions">') :]
    assert escape(question.text) in folded
    assert escape(question.text) not in html[: html.index(folded)]
    bobs = page(bob_client, theme.get_absolute_url())
    assert "Hidden questions" not in bobs

    response = alice_client.post(
        reverse("themes:show_question", args=[FAILURES]),
        {"question": question.pk},
        **HX,
    )
    assert "<html" not in response.content.decode()
    assert "Hidden questions" not in response.content.decode()
    assert not HiddenQuestion.objects.filter(owner=alice).exists()


def test_own_questions_are_deleted_not_hidden(alice_client, alice):
    question = Theme.objects.get(slug=FAILURES).add_question(alice, "Mine?")
    url = reverse("themes:hide_question", args=[FAILURES])
    assert alice_client.post(url, {"question": question.pk}).status_code == 404
    assert alice_client.post(url, {"question": "x"}).status_code == 400
    assert not HiddenQuestion.objects.exists()


# Another user's themes and questions ------------------------------------------------


def test_bob_gets_404_for_alices_own_theme_and_question_everywhere(
    alice_client, alice, bob_client, bob
):
    theme = make_own_theme(alice, "Alice's secret theme")
    theme.set_guidance({"situation": "Alice's prompt"}, ["Alice's point"])
    question = theme.add_question(alice, "Alice's own question?")
    on_built_in = Theme.objects.get(slug=FAILURES).add_question(alice, "Alice's too?")
    snapshot = (
        list(Theme.objects.filter(owner=alice).values()),
        list(SampleQuestion.objects.filter(owner=alice).values()),
        set_of(alice),
        list(HiddenQuestion.objects.values()),
        set_of(bob),
    )
    slug = theme.slug
    gets = [
        reverse(name, args=[slug])
        for name in ("themes:detail", "themes:edit", "themes:delete", "themes:copy")
    ] + [reverse("themes:edit_question", args=[q.pk]) for q in (question, on_built_in)]
    # The theme's page answers GET only (405 to a post, before any lookup).
    posts = [(url, VALID) for url in gets[1:]] + [
        (reverse("themes:add", args=[slug]), {}),
        (reverse("themes:hide", args=[slug]), {}),
        (reverse("themes:move", args=[slug]), {"direction": "up"}),
        (reverse("themes:add_question", args=[slug]), {"text": "Bob's?"}),
        (reverse("themes:hide_question", args=[slug]), {"question": question.pk}),
        (reverse("themes:show_question", args=[slug]), {"question": question.pk}),
        (
            reverse("themes:hide_question", args=[FAILURES]),
            {"question": on_built_in.pk},
        ),
        (reverse("themes:delete_question", args=[question.pk]), {}),
        (reverse("themes:delete_question", args=[on_built_in.pk]), {}),
    ]
    for url in gets:
        for headers in ({}, HX):
            response = bob_client.get(url, **headers)
            assert response.status_code == 404, url
            assert "Alice" not in response.content.decode()
    for url, data in posts:
        for headers in ({}, HX):
            response = bob_client.post(url, data, **headers)
            assert response.status_code == 404, url
            assert "Alice" not in response.content.decode()
    # Nor do alice's own questions show on the built-in theme's page for bob.
    assert "Alice&#x27;s too?" not in page(
        bob_client, on_built_in.theme.get_absolute_url()
    )
    assert snapshot == (
        list(Theme.objects.filter(owner=alice).values()),
        list(SampleQuestion.objects.filter(owner=alice).values()),
        set_of(alice),
        list(HiddenQuestion.objects.values()),
        set_of(bob),
    )
    # Alice herself reaches every one of those pages.
    for url in gets[:-2]:
        if "copy" not in url:
            assert alice_client.get(url).status_code == 200, url


def test_nothing_a_user_does_changes_built_in_content(alice_client, alice, bob):
    before = built_in_rows()
    slugs = [s for s, _ in set_of(alice)]
    first = Theme.objects.get(slug=FAILURES)
    question = first.questions.filter(owner=None).first()
    actions = [
        (CREATE, VALID),
        (reverse("themes:move", args=[slugs[1]]), {"direction": "up"}),
        (reverse("themes:hide", args=[slugs[2]]), {}),
        (reverse("themes:add", args=[slugs[2]]), {}),
        (reverse("themes:add_question", args=[FAILURES]), {"text": "Mine?"}),
        (reverse("themes:hide_question", args=[FAILURES]), {"question": question.pk}),
        (reverse("themes:show_question", args=[FAILURES]), {"question": question.pk}),
        (reverse("themes:copy", args=[LEADERSHIP]), {}),
        (reverse("themes:edit", args=[FAILURES]), {**VALID, "title": "Hijack"}),
        (reverse("themes:delete", args=[FAILURES]), {}),
    ]
    for url, data in actions:
        alice_client.post(url, data)
    copy = Theme.objects.get(owner=alice, slug__startswith="technical")
    alice_client.post(
        reverse("themes:edit", args=[copy.slug]), {**VALID, "title": "Edited copy"}
    )
    alice_client.post(reverse("themes:delete", args=[copy.slug]))
    assert built_in_rows() == before


# Cost -------------------------------------------------------------------------------


def _queries(client):
    with CaptureQueriesContext(connection) as context:
        assert client.get(INDEX).status_code == 200
    return len(context)


def test_the_page_costs_the_same_queries_for_2_themes_or_50(
    alice_client, alice, django_assert_max_num_queries
):
    for i in range(2):
        make_own_theme(alice, f"Own theme {i}")
    few = _queries(alice_client)
    for i in range(2, 50):
        theme = make_own_theme(alice, f"Own theme {i}")
        theme.add_question(alice, "A question?")
    assert _queries(alice_client) == few
    # Session, user, the set with its question counts, the playbooks with their
    # counts, the guidelines, and the navigation's own (coverage, practice).
    with django_assert_max_num_queries(10):
        html = alice_client.get(INDEX).content.decode()
    assert "Own theme 49" in html
