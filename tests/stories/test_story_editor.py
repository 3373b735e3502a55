import re
from uuid import uuid4

import pytest
from django.test import Client
from django.urls import reverse

from stories.models import SECTION_MAX, Story
from tests.factories import make_story
from themes.models import SampleQuestion, Theme, ThemePoint

HX = {"HTTP_HX_REQUEST": "true"}
SAVED_AT = re.compile(r"Saved at \d\d:\d\d:\d\d")


@pytest.fixture
def theme(playbook):
    return Theme.objects.get(playbook__slug="ml-computer-vision", number=1)


@pytest.fixture
def story(alice, theme):
    return make_story(alice, themes=[theme], situation="The detector drifted.")


def form_data(story, **changes):
    """What the plain editor form posts for this story."""
    data = {
        "version": story.version,
        "title": story.title,
        "summary": story.summary,
        "situation": story.situation,
        "task": story.task,
        "action": story.action,
        "result": story.result,
        "reflection": story.reflection,
        "company": story.company,
        "role": story.role,
        "period": story.period,
        "status": story.status,
        "themes": [t.pk for t in story.themes.all()],
        "tagging": "1",
        "edit_id": "tab-one",
    }
    data.update(changes)
    return data


# ---- Create -------------------------------------------------------------------


def test_a_story_started_from_a_theme_is_pre_tagged_and_shows_its_star_prompts(
    alice_client, theme
):
    response = alice_client.get(reverse("stories:create") + f"?theme={theme.slug}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="themes" value="{theme.pk}" id="theme-{theme.pk}" checked' in html
    for prompt in theme.star_prompts.all():
        assert prompt.text in html


def test_a_story_started_from_a_question_tags_the_question_and_its_theme(
    alice_client, playbook
):
    question = SampleQuestion.objects.get(
        theme__playbook__slug="ml-computer-vision", theme__number=3, position=1
    )
    response = alice_client.get(reverse("stories:create") + f"?question={question.pk}")
    html = response.content.decode()
    assert f'value="{question.pk}" id="question-{question.pk}" checked' in html
    assert f'value="{question.theme_id}" id="theme-{question.theme_id}" checked' in html


def test_creating_saves_the_story_for_its_owner_with_its_tags_and_redirects(
    alice_client, alice, theme
):
    question = theme.questions.first()
    response = alice_client.post(
        reverse("stories:create"),
        {
            "title": "Rolled back a bad model",
            "situation": "Precision fell *overnight*.",
            "status": "draft",
            "themes": [theme.pk],
            f"angle-{theme.pk}": "Stress the rollback drill",
            "questions": [question.pk],
        },
    )
    story = Story.objects.get()
    assert response.status_code == 302
    assert response.url == story.get_absolute_url()
    assert story.owner == alice
    assert story.situation == "Precision fell *overnight*."
    assert list(story.themes.all()) == [theme]
    assert story.story_themes.get().angle == "Stress the rollback drill"
    assert list(story.questions.all()) == [question]


def test_the_new_story_form_renders_a_fragment_for_htmx(alice_client, playbook):
    response = alice_client.get(reverse("stories:create"), **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="story-form"' in html


def test_the_first_autosave_of_a_new_story_makes_it_and_moves_the_address_to_it(
    alice_client, alice, playbook
):
    page = alice_client.get(reverse("stories:create")).content.decode()
    # The form posts to the page's own address: the story's, once it exists.
    assert 'hx-post=""' in page
    key = re.search(r'name="create_key" value="([0-9a-f-]+)"', page)[1]
    response = alice_client.post(
        reverse("stories:create"),
        {"create_key": key, "edit_id": "tab1", "situation": "Typed first"},
        **HX,
    )
    story = Story.objects.get()
    assert response.status_code == 200
    assert response.headers["HX-Replace-Url"] == story.get_absolute_url()
    assert "storyChanged" in response.headers["HX-Trigger"]
    assert (story.owner, story.situation, story.title) == (
        alice,
        "Typed first",
        "Untitled story",
    )
    html = response.content.decode()
    assert "<html" not in html
    # Out of band: the version later saves are based on, the status, the side panel.
    assert 'name="version" value="1" id="id_version" hx-swap-oob="true"' in html
    assert SAVED_AT.search(html)
    assert 'id="editor-side" class="editor-side" hx-swap-oob="true"' in html
    assert f'hx-get="{reverse("coach:story", args=[story.pk])}"' in html
    # The fields themselves are never sent back: what was typed since stays.
    assert 'name="situation"' not in html


def test_a_retried_create_with_the_same_key_makes_one_story(alice_client, playbook):
    data = {"create_key": str(uuid4()), "title": "Once", "status": "draft"}
    first = alice_client.post(reverse("stories:create"), data)
    second = alice_client.post(reverse("stories:create"), data)
    story = Story.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == story.get_absolute_url()
    assert story.version == 1
    # A resent autosave whose answer was lost, with more text typed since: saved
    # into that same story, and the page learns its address and side panel.
    third = alice_client.post(reverse("stories:create"), {**data, "task": "More"}, **HX)
    assert third.status_code == 200
    assert third.headers["HX-Replace-Url"] == story.get_absolute_url()
    assert 'id="editor-side" class="editor-side" hx-swap-oob="true"' in (
        third.content.decode()
    )
    story = Story.objects.get()
    assert (story.task, story.version) == ("More", 2)


def test_two_creates_with_one_key_at_once_make_one_story(
    alice_client, alice, playbook, monkeypatch
):
    from stories.models import StoryQuerySet

    key = uuid4()
    make_story(alice, title="Once", create_key=key)
    # The other request made the story between this one's look-up and its insert.
    exists, looks = StoryQuerySet.exists, []

    def racing_exists(queryset):
        looks.append(queryset)
        return len(looks) > 1 and exists(queryset)

    monkeypatch.setattr(StoryQuerySet, "exists", racing_exists)
    response = alice_client.post(
        reverse("stories:create"), {"create_key": str(key), "title": "Once"}
    )
    story = Story.objects.get()
    assert len(looks) == 2  # it did run into the unique constraint
    assert response.status_code == 302
    assert response.url == story.get_absolute_url()


def test_a_retried_create_of_a_story_since_trashed_is_404(alice_client, playbook):
    data = {"create_key": str(uuid4()), "title": "Gone"}
    alice_client.post(reverse("stories:create"), data)
    Story.objects.get().move_to_trash()
    assert alice_client.post(reverse("stories:create"), data).status_code == 404
    assert Story.objects.count() == 1


def test_another_users_create_key_makes_their_own_story_and_touches_nothing(
    alice_client, bob_client, alice, bob, playbook
):
    key = str(uuid4())
    alice_client.post(reverse("stories:create"), {"create_key": key, "title": "A"})
    response = bob_client.post(
        reverse("stories:create"), {"create_key": key, "title": "B"}
    )
    bobs = Story.objects.get(owner=bob)
    assert response.status_code == 302
    assert response.url == bobs.get_absolute_url()
    assert (bobs.title, Story.objects.get(owner=alice).title) == ("B", "A")


def test_a_new_story_is_not_made_from_nothing(alice_client, playbook):
    for headers in ({}, HX):
        response = alice_client.post(
            reverse("stories:create"), {"title": "", "status": "draft"}, **headers
        )
        assert response.status_code == 422
        assert "Write a title or any part of the story first." in (
            response.content.decode()
        )
    assert not Story.objects.exists()


def test_a_story_without_a_title_is_untitled_until_named(alice_client, playbook):
    response = alice_client.post(
        reverse("stories:create"), {"title": "", "situation": "Half a draft"}
    )
    story = Story.objects.get()
    assert response.status_code == 302
    assert (story.title, story.situation) == ("Untitled story", "Half a draft")


# ---- The editor page and the plain form ---------------------------------------


def test_the_editor_shows_every_field_the_guidance_and_the_version(
    alice_client, story, theme
):
    response = alice_client.get(story.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    for name in ["title", "summary", "situation", "task", "action", "result",
                 "reflection", "company", "role", "period", "status"]:  # fmt: skip
        assert f'name="{name}"' in html
    assert f'name="version" value="{story.version}"' in html
    assert "The detector drifted." in html
    for point in theme.points.filter(
        kind__in=[ThemePoint.Kind.FRAMEWORK, ThemePoint.Kind.KEY_POINT]
    ):
        assert f'name="points" value="{point.pk}"' in html


def test_the_editor_renders_a_fragment_for_htmx(alice_client, story):
    response = alice_client.get(story.get_absolute_url(), **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="story-form"' in html


def test_the_plain_form_saves_and_redirects(alice_client, story):
    response = alice_client.post(
        story.get_absolute_url(), form_data(story, task="Find the cause.")
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.task, story.version) == ("Find the cause.", 2)
    assert story.revisions.get().task == ""


def test_the_plain_form_untags_and_tags_themes(alice_client, story, theme):
    other = Theme.objects.get(playbook__slug="ml-computer-vision", number=2)
    alice_client.post(
        story.get_absolute_url(),
        form_data(story, themes=[other.pk], **{f"angle-{other.pk}": "Influence"}),
    )
    assert list(story.themes.all()) == [other]
    assert story.story_themes.get().angle == "Influence"


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            {"title": "x" * 201},
            "Keep the title to 200 characters or fewer (it has 201).",
        ),
        (
            {"action": "y" * (SECTION_MAX + 1)},
            "Keep this to 20,000 characters or fewer (it has 20001).",
        ),
    ],
)
def test_an_invalid_save_says_why_next_to_the_field_and_keeps_the_text(
    alice_client, story, changes, message
):
    data = form_data(story, result="My unsaved result", **changes)
    (name,) = changes
    # The plain form: the page again, the text in it.
    response = alice_client.post(story.get_absolute_url(), data)
    html = response.content.decode()
    assert response.status_code == 422
    errors_at = html.index(f'id="errors-{name}"')
    assert message in html[errors_at : errors_at + 300]
    assert "My unsaved result" in html
    # htmx: the message next to the field, out of band; the fields (and so the
    # typed text) are left as they are in the page.
    response = alice_client.post(story.get_absolute_url(), data, **HX)
    html = response.content.decode()
    assert response.status_code == 422
    assert f'id="errors-{name}" hx-swap-oob="true"><p class="error">{message}' in html
    assert "Not saved — fix the problem marked below." in html
    assert "My unsaved result" not in html
    story.refresh_from_db()
    assert (story.version, story.result) == (1, "")


def test_a_post_without_a_version_is_refused_and_changes_nothing(alice_client, story):
    response = alice_client.post(story.get_absolute_url(), {"task": "x"}, **HX)
    assert response.status_code == 422
    assert "did not say which version" in response.content.decode()
    story.refresh_from_db()
    assert story.task == ""


# ---- Autosave (the same form, with htmx) ---------------------------------------


def test_autosave_saves_and_answers_the_version_and_status_out_of_band(
    alice_client, story
):
    response = alice_client.post(
        story.get_absolute_url(), form_data(story, task="Own the fix"), **HX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'name="version" value="2" id="id_version" hx-swap-oob="true"' in html
    assert SAVED_AT.search(html)
    assert "storyChanged" in response.headers["HX-Trigger"]
    assert 'name="task"' not in html  # never the field: typing goes on meanwhile
    story.refresh_from_db()
    assert (story.task, story.version) == ("Own the fix", 2)
    response = alice_client.post(
        story.get_absolute_url(), form_data(story, status="ready"), **HX
    )
    story.refresh_from_db()
    assert (story.task, story.status, story.version) == ("Own the fix", "ready", 3)
    assert story.situation == "The detector drifted."


def test_a_field_left_out_of_a_post_is_unchanged(alice_client, story):
    response = alice_client.post(
        story.get_absolute_url(), {"version": 1, "task": "Only this"}, **HX
    )
    assert response.status_code == 200
    story.refresh_from_db()
    assert (story.task, story.situation) == ("Only this", "The detector drifted.")
    assert story.title == "Rolled back a drifting detector"


def test_autosave_of_unchanged_text_on_the_current_version_changes_nothing(
    alice_client, story
):
    response = alice_client.post(story.get_absolute_url(), form_data(story), **HX)
    assert response.status_code == 200
    assert "HX-Trigger" not in response.headers
    story.refresh_from_db()
    assert story.version == 1
    assert not story.revisions.exists()


def test_the_checked_themes_are_saved_with_the_text_and_update_the_guidance(
    alice_client, story, theme
):
    other = Theme.objects.get(playbook__slug="ml-computer-vision", number=5)
    question = other.questions.first()
    response = alice_client.post(
        story.get_absolute_url(),
        form_data(story, themes=[theme.pk, other.pk], questions=[question.pk]),
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        'id="guidance" class="guidance" aria-labelledby="guidance-heading" hx-swap-oob="true"'
        in html
    )
    assert other.star_prompts.get(section="action").text in html
    assert "storyChanged" in response.headers["HX-Trigger"]
    assert set(story.themes.all()) == {theme, other}
    assert list(story.questions.all()) == [question]
    story.refresh_from_db()
    assert story.version == 1  # tags are not text: no new version


def test_a_too_long_angle_is_refused_with_a_message(alice_client, story, theme):
    response = alice_client.post(
        story.get_absolute_url(),
        form_data(story, task="kept", **{f"angle-{theme.pk}": "a" * 301}),
        **HX,
    )
    assert response.status_code == 422
    assert "Keep the angle for" in response.content.decode()
    assert story.story_themes.get().angle == ""
    story.refresh_from_db()
    assert story.task == ""


# ---- No lost updates ----------------------------------------------------------


def two_tabs(alice):
    tab_one, tab_two = Client(), Client()
    tab_one.force_login(alice)
    tab_two.force_login(alice)
    return tab_one, tab_two


def test_two_tabs_the_second_stale_save_gets_409_and_the_first_is_kept(alice, story):
    tab_one, tab_two = two_tabs(alice)
    loaded = form_data(story)  # both tabs opened version 1
    first = tab_one.post(story.get_absolute_url(), {**loaded, "action": "Tab one"})
    second = tab_two.post(
        story.get_absolute_url(),
        {**loaded, "action": "Tab two", "edit_id": "tab-two"},
    )

    assert first.status_code == 302
    assert second.status_code == 409
    story.refresh_from_db()
    assert (story.action, story.version) == ("Tab one", 2)
    html = second.content.decode()
    assert "<html" in html
    assert 'id="conflict"' in html
    assert "Tab two" in html  # the user's text, to merge from
    assert "Tab one" in html  # beside the newer saved text
    # The form they merge in is based on the new version.
    assert 'name="version" value="2"' in html


def test_a_stale_autosave_gets_the_conflict_view_in_its_slot(alice, story):
    tab_one, tab_two = two_tabs(alice)
    url = story.get_absolute_url()
    first = tab_one.post(url, form_data(story, result="Saved from tab one"), **HX)
    second = tab_two.post(
        url,
        form_data(story, result="Typed in tab two", edit_id="tab-two"),
        **HX,
    )
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.headers["HX-Retarget"] == "#conflict-slot"
    assert second.headers["HX-Reswap"] == "innerHTML"
    html = second.content.decode()
    assert "<html" not in html
    assert "Typed in tab two" in html and "Saved from tab one" in html
    assert 'data-version="2"' in html
    assert 'name="merged_version" value="2"' in html
    assert "Not saved — this story was changed elsewhere." in html
    story.refresh_from_db()
    assert (story.result, story.version) == ("Saved from tab one", 2)


def test_a_tab_resending_its_own_last_save_is_not_a_conflict(alice_client, story):
    url = story.get_absolute_url()
    save = form_data(story, task="Bisected it", edit_id="tab-one")
    assert alice_client.post(url, save, **HX).status_code == 200
    # The answer was lost with the connection: the tab sends the same save again.
    response = alice_client.post(url, save, **HX)
    assert response.status_code == 200
    assert 'name="version" value="2" id="id_version"' in response.content.decode()
    story.refresh_from_db()
    assert (story.task, story.version) == ("Bisected it", 2)
    assert story.revisions.count() == 1
    # The same tab with other text on the old version, or another tab with the
    # same text, is a conflict.
    for changes in ({"task": "Something else"}, {"edit_id": "tab-two"}):
        response = alice_client.post(url, {**save, **changes}, **HX)
        assert response.status_code == 409, changes


def test_done_merging_saves_the_users_text_on_the_version_the_conflict_showed(
    alice_client, story
):
    story.apply_edit({"action": "Tab one"}, based_on=1)
    stale = form_data(story, version=1, action="Tab one, merged", edit_id="tab-two")
    assert alice_client.post(story.get_absolute_url(), stale, **HX).status_code == 409
    response = alice_client.post(
        story.get_absolute_url(), {**stale, "merged_version": 2}, **HX
    )
    assert response.status_code == 200
    assert '<div id="conflict-slot" hx-swap-oob="innerHTML"></div>' in (
        response.content.decode()
    )
    story.refresh_from_db()
    assert (story.action, story.version) == ("Tab one, merged", 3)


def test_the_merge_form_from_a_conflict_saves_on_the_new_version(alice_client, story):
    story.apply_edit({"action": "Tab one"}, based_on=1)
    alice_client.post(story.get_absolute_url(), form_data(story, version=1))
    response = alice_client.post(
        story.get_absolute_url(), form_data(story, action="Tab one, merged")
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.action, story.version) == ("Tab one, merged", 3)


# ---- Preview and the checklist ------------------------------------------------


def test_the_live_preview_renders_markdown_safely(alice_client, playbook):
    response = alice_client.post(
        reverse("stories:preview"),
        {"situation": "**bold** <script>alert(1)</script>"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER_NAME="situation",
    )
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script" not in html
    assert "hx-disable" in html
    assert "<html" not in html
    page = alice_client.post(
        reverse("stories:preview"), {"field": "task", "task": "*hi*"}
    )
    assert "<html" in page.content.decode()
    assert "<em>hi</em>" in page.content.decode()


def test_ticking_the_checklist_keeps_it_per_story(alice_client, alice, story, theme):
    framework = theme.points.filter(kind=ThemePoint.Kind.FRAMEWORK).first()
    key_point = theme.points.filter(kind=ThemePoint.Kind.KEY_POINT).first()
    other_story = make_story(alice, themes=[theme])
    url = reverse("stories:checklist", args=[story.pk])

    response = alice_client.post(url, {"points": [framework.pk, key_point.pk]}, **HX)
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "storyChanged" in response.headers["HX-Trigger"]
    assert set(story.checked_points.all()) == {framework, key_point}
    assert not other_story.checked_points.exists()

    response = alice_client.post(url, {"points": [key_point.pk]})
    assert response.status_code == 302
    assert list(story.checked_points.all()) == [key_point]
    page = alice_client.get(story.get_absolute_url()).content.decode()
    assert f'value="{key_point.pk}" id="point-{key_point.pk}" checked' in page
    assert f'value="{framework.pk}" id="point-{framework.pk}">' in page


def test_the_checklist_ignores_points_of_themes_the_story_does_not_serve(
    alice_client, story
):
    elsewhere = ThemePoint.objects.exclude(theme__in=story.themes.all()).first()
    alice_client.post(
        reverse("stories:checklist", args=[story.pk]), {"points": [elsewhere.pk]}
    )
    assert not story.checked_points.exists()


# ---- Isolation ----------------------------------------------------------------


def editor_requests(story, theme):
    point = theme.points.first()
    return [
        ("get", reverse("stories:detail", args=[story.pk]), {}),
        ("post", reverse("stories:detail", args=[story.pk]),
         form_data(story, title="Bob's now")),
        ("post", reverse("stories:detail", args=[story.pk]),
         {"version": 1, "situation": "Bob's now"}),
        ("post", reverse("stories:checklist", args=[story.pk]),
         {"points": [point.pk]}),
    ]  # fmt: skip


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_another_user_gets_404_on_every_editor_url_and_nothing_changes(
    bob_client, story, theme, headers
):
    for method, url, data in editor_requests(story, theme):
        response = getattr(bob_client, method)(url, data, **headers)
        assert response.status_code == 404, (method, url)
    story.refresh_from_db()
    assert (story.title, story.situation, story.version) == (
        "Rolled back a drifting detector",
        "The detector drifted.",
        1,
    )
    assert list(story.themes.all()) == [theme]
    assert not story.checked_points.exists()
    assert not story.revisions.exists()


def test_a_trashed_story_is_not_editable(alice_client, story):
    story.move_to_trash()
    assert alice_client.get(story.get_absolute_url()).status_code == 404


def test_logged_out_visitors_are_sent_to_log_in(client, story):
    response = client.get(story.get_absolute_url())
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


# ---- The coach, practice history and the trash on the editor page (issue 6) ----------


def test_the_editor_loads_the_coach_beside_the_form_and_links_to_it(
    alice_client, story
):
    html = alice_client.get(reverse("stories:detail", args=[story.pk])).content.decode()
    coach_url = reverse("coach:story", args=[story.pk])
    # The form is the coach's source of unsaved text...
    assert 'class="story-form coach-source"' in html
    # ...and the slot, outside it, loads the panel itself, or is a link without JS.
    form_end = html.index("</form>", html.index('id="story-form"'))
    slot = html.index('id="coach-panel"')
    assert slot > form_end
    assert f'hx-get="{coach_url}" hx-trigger="load"' in html
    assert f'<a href="{coach_url}">Open the coach for this story</a>' in html


def test_a_new_story_has_no_coach_yet(alice_client, playbook):
    html = alice_client.get(reverse("stories:create")).content.decode()
    assert "coach-panel" not in html
    assert "Move to trash" not in html


def test_the_move_to_trash_button_is_a_plain_form_that_ends_on_the_list(
    alice_client, story
):
    html = alice_client.get(reverse("stories:detail", args=[story.pk])).content.decode()
    delete_url = reverse("stories:delete", args=[story.pk])
    form = html[html.index(f'action="{delete_url}"') :]
    form = form[: form.index("</form>")]
    assert "Move to trash" in form and "hx-" not in form
    response = alice_client.post(delete_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("stories:list")
    story.refresh_from_db()
    assert story.deleted_at is not None


def test_the_editor_loads_the_practice_panel_from_its_own_url(alice_client, story):
    html = alice_client.get(reverse("stories:detail", args=[story.pk])).content.decode()
    panel = reverse("practice:story", args=[story.pk])
    # htmx loads it; without JavaScript it is a plain link.
    assert f'hx-get="{panel}"' in html
    assert f'href="{panel}"' in html


def test_practice_history_costs_the_same_queries_for_1_and_20_rounds(
    alice_client, alice, story
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from practice.scheduling import record_practice

    question = SampleQuestion.objects.filter(
        theme__playbook__slug="ml-computer-vision", theme__number=1
    ).first()
    url = reverse("stories:detail", args=[story.pk])
    counts = []
    for rounds in [1, 19]:
        for _ in range(rounds):
            record_practice(alice, question, story, 4, 100)
        with CaptureQueriesContext(connection) as queries:
            alice_client.get(url)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_htmx_rendering_of_the_editor_carries_the_coach_and_the_history(
    alice_client, story
):
    html = alice_client.get(
        reverse("stories:detail", args=[story.pk]), **HX
    ).content.decode()
    assert "<html" not in html
    assert 'id="story-practice"' in html and 'id="coach-panel"' in html


def test_a_save_whose_answer_fails_is_not_committed(alice_client, story, monkeypatch):
    """The answer is rendered inside the save's transaction: an error there undoes
    the save, so a save that committed always answers success."""
    from stories.views import editor

    def broken(*args, **kwargs):
        raise RuntimeError("the answer could not be rendered")

    monkeypatch.setattr(editor, "render", broken)
    with pytest.raises(RuntimeError):
        alice_client.post(story.get_absolute_url(), form_data(story, task="x"), **HX)
    story.refresh_from_db()
    assert (story.task, story.version) == ("", 1)


def test_the_editor_costs_the_same_queries_for_1_and_30_stories(
    alice_client, alice, story, theme, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for more in [0, 29]:
        for _ in range(more):
            make_story(alice, themes=[theme])
        # 1 session, 2 user, 3 the story, 4 the user's marks on it (its tags,
        # questions, ticks, whether it has revisions; the questions they hid), 5 the
        # themes, 6 their questions, prompts and points, 7 the nav's counts, 8 the
        # header's job switcher.
        with (
            django_assert_max_num_queries(8),
            CaptureQueriesContext(connection) as queries,
        ):
            alice_client.get(story.get_absolute_url())
        counts.append(len(queries))
    assert counts[0] == counts[1]
