"""The story library: list, search, filters, history and trash."""

import gzip
import re
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stories.models import Revision, Story, StoryTheme
from stories.views.library import PER_PAGE
from tests.factories import make_story
from themes.models import Theme

LIST = reverse("stories:list")
HX = {"HTTP_HX_REQUEST": "true"}


def titles(response):
    """The story titles in a list response, in the order shown."""
    return [story.title for story in response.context["stories"]]


@pytest.fixture
def themes(playbook):
    return list(
        Theme.objects.filter(playbook__slug="ml-computer-vision").order_by("number")[:2]
    )


# Search ---------------------------------------------------------------------------

SEARCHABLE = [
    "title",
    "summary",
    "situation",
    "task",
    "action",
    "result",
    "reflection",
    "company",
    "role",
]


@pytest.mark.parametrize("field", SEARCHABLE)
def test_search_finds_a_plain_word_in_any_text_field(alice_client, alice, field):
    needle = make_story(alice, **{"title": "Needle", field: "we moved to Kubernetes"})
    make_story(alice, title="Haystack story", situation="nothing to see")
    response = alice_client.get(LIST, {"q": "kubernetes"})
    assert response.context["stories"] == [needle]


def test_search_is_case_insensitive(alice_client, alice):
    make_story(alice, title="Paged at 3am", action="Rolled back the DEPLOY")
    assert titles(alice_client.get(LIST, {"q": "Deploy"})) == ["Paged at 3am"]


def test_search_needs_every_word_but_they_may_be_in_different_fields(
    alice_client, alice
):
    make_story(alice, title="Drifting detector", result="recall recovered")
    make_story(alice, title="Drifting pipeline", result="latency halved")
    make_story(alice, title="Detector retrained", result="recall recovered")
    assert titles(alice_client.get(LIST, {"q": "drifting recall"})) == [
        "Drifting detector"
    ]
    assert titles(alice_client.get(LIST, {"q": "detector   drifting"})) == [
        "Drifting detector"
    ]


def test_search_with_no_match_says_so(alice_client, alice):
    make_story(alice, title="Drifting detector")
    response = alice_client.get(LIST, {"q": "blockchain"})
    assert titles(response) == []
    assert "No stories match these filters." in response.content.decode()


def test_search_of_punctuation_alone_filters_nothing(alice_client, alice):
    make_story(alice, title="Drifting detector")
    assert titles(alice_client.get(LIST, {"q": "&|!:*'"})) == ["Drifting detector"]


def test_search_treats_query_syntax_as_plain_words(alice_client, alice):
    make_story(alice, title="On-call rota", summary="nights & weekends")
    make_story(alice, title="Something else")
    assert titles(alice_client.get(LIST, {"q": "on-call 'rota' & !"})) == [
        "On-call rota"
    ]


def test_other_users_stories_never_appear(alice_client, alice, bob):
    make_story(bob, title="Bob's kubernetes story", situation="kubernetes")
    make_story(bob, title="Bob's retired one", status=Story.Status.RETIRED)
    make_story(alice, title="Alice's story")
    for params in [{}, {"q": "kubernetes"}, {"q": "bob"}, {"status": "all"}]:
        response = alice_client.get(LIST, params)
        html = response.content.decode()
        # Bob's titles, not the bare name: a random CSRF token can spell "Bob".
        assert "kubernetes story" not in html and "retired one" not in html
        assert all(s.owner_id == alice.pk for s in response.context["stories"])


def test_the_search_method_matches_on_both_databases(alice):
    # The same plain words give the same stories on SQLite and PostgreSQL.
    make_story(alice, title="Rolled back a drifting detector", company="Acme")
    make_story(alice, title="Cut inference cost", role="ML engineer")
    mine = Story.objects.for_user(alice)

    def found(q):
        return sorted(s.title for s in mine.search(q))

    assert found("drifting") == ["Rolled back a drifting detector"]
    assert found("ACME detector") == ["Rolled back a drifting detector"]
    assert found("engineer") == ["Cut inference cost"]
    assert found("engineer acme") == []
    # A word matches the start of a word, never the middle of one.
    assert found("detect") == ["Rolled back a drifting detector"]
    assert found("tector") == []
    assert found("ML") == ["Cut inference cost"]
    assert found("") == ["Cut inference cost", "Rolled back a drifting detector"]


def test_each_database_searches_its_own_way(alice):
    # PostgreSQL: its full-text search; SQLite: its FTS5 index, ranked by bm25().
    with CaptureQueriesContext(connection) as queries:
        list(Story.objects.for_user(alice).search("drifting detector"))
    sql = queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "to_tsvector" in sql and "@@" in sql
    else:
        assert "stories_story_words MATCH" in sql and "bm25(" in sql


# Filters and sorting --------------------------------------------------------------


def test_the_list_filters_by_theme(alice_client, alice, themes):
    first, second = themes
    make_story(alice, title="Tagged first", themes=[first])
    make_story(alice, title="Tagged both", themes=[first, second])
    make_story(alice, title="Tagged second", themes=[second])
    response = alice_client.get(LIST, {"theme": first.slug, "sort": "title"})
    assert titles(response) == ["Tagged both", "Tagged first"]


def test_an_unknown_theme_is_reported_and_ignored(alice_client, alice, themes):
    make_story(alice, title="Only story")
    response = alice_client.get(LIST, {"theme": "no-such-theme"})
    assert titles(response) == ["Only story"]
    assert "Select a valid choice" in response.content.decode()


def test_retired_stories_show_only_when_asked(alice_client, alice):
    make_story(alice, title="A draft")
    make_story(alice, title="A ready one", status=Story.Status.READY)
    make_story(alice, title="An old one", status=Story.Status.RETIRED)

    def shown(**params):
        return sorted(titles(alice_client.get(LIST, params)))

    assert shown() == ["A draft", "A ready one"]
    assert shown(status="retired") == ["An old one"]
    assert shown(status="ready") == ["A ready one"]
    assert shown(status="draft") == ["A draft"]
    assert shown(status="all") == ["A draft", "A ready one", "An old one"]


def test_the_list_sorts_by_last_edited_or_title(alice_client, alice):
    older = make_story(alice, title="banana")
    make_story(alice, title="Apple")
    make_story(alice, title="cherry")
    older.apply_edit({"summary": "edited last"}, based_on=1)
    assert titles(alice_client.get(LIST)) == ["banana", "cherry", "Apple"]
    assert titles(alice_client.get(LIST, {"sort": "title"})) == [
        "Apple",
        "banana",
        "cherry",
    ]
    # Best match: the database's ranking of a search (both databases rank), a word
    # in the title and twice in the story above one said once in passing.
    make_story(alice, title="Grape", action="A deployment, mentioned once.")
    make_story(
        alice, title="Deployment freeze", situation="Every deployment had stalled."
    )
    found = {"q": "deploy", "sort": "match"}
    assert titles(alice_client.get(LIST, found)) == ["Deployment freeze", "Grape"]
    assert titles(alice_client.get(LIST, {"sort": "match"}))[0] == "Deployment freeze"


def test_the_list_shows_what_a_row_needs(alice_client, alice, themes):
    make_story(
        alice,
        title="Drifting detector",
        summary="Caught drift before customers did",
        status=Story.Status.READY,
        company="Acme",
        role="ML engineer",
        themes=themes,
    )
    page = alice_client.get(LIST).content.decode()
    for text in [
        "Drifting detector",
        "Caught drift before customers did",
        "Ready",
        "ML engineer, Acme",
        escape(themes[0].title),
        escape(themes[1].title),
        "edited <time",
    ]:
        assert text in page
    # A valid HTML date: whole seconds (Django's "c" format adds microseconds).
    assert re.search(r'datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}"', page)


def test_an_empty_library_points_to_the_playbook_and_a_new_story(alice_client):
    page = alice_client.get(LIST).content.decode()
    assert "You have no stories yet" in page
    assert f'href="{reverse("themes:index")}"' in page
    assert f'href="{reverse("stories:create")}"' in page


def test_the_nav_links_to_the_stories(alice_client):
    page = alice_client.get(reverse("themes:index")).content.decode()
    assert f'href="{LIST}"' in page


def test_the_filter_form_is_a_plain_get_form_that_htmx_enhances(alice_client):
    page = alice_client.get(LIST).content.decode()
    form = re.search(r'<form id="story-filter"[^>]*>', page).group(0)
    assert 'method="get"' in form
    assert f'action="{LIST}"' in form
    assert f'hx-get="{LIST}"' in form
    assert 'hx-push-url="true"' in form
    assert "input changed delay:" in form
    for name in ["q", "theme", "status", "sort"]:
        assert f'<label for="id_{name}">' in page


def test_the_filter_keeps_its_choices_and_marks_an_invalid_one(alice_client, themes):
    theme = themes[1]
    page = alice_client.get(LIST, {"theme": theme.slug, "status": "ready"})
    html = page.content.decode()
    assert (
        f'<option value="{theme.slug}" selected>{escape(str(theme))}</option>' in html
    )
    assert '<option value="ready" selected>Ready</option>' in html
    assert '<option value="">All themes</option>' in html
    assert '<select name="sort" id="id_sort">' in html
    html = alice_client.get(LIST, {"theme": "no-such-theme"}).content.decode()
    assert (
        '<select name="theme" aria-invalid="true" aria-describedby="id_theme_error"'
        ' id="id_theme">'
    ) in html
    assert 'id="id_theme_error"' in html


def test_the_list_has_two_renderings(alice_client, alice):
    make_story(alice, title="Drifting detector")
    full = alice_client.get(LIST).content.decode()
    fragment = alice_client.get(LIST, {"q": "drifting"}, **HX)
    assert "<html" in full
    assert "Drifting detector" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    assert 'id="story-filter"' not in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]


def test_a_boosted_or_history_request_gets_the_whole_page(alice_client):
    for headers in [
        {**HX, "HTTP_HX_BOOSTED": "true"},
        {**HX, "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"},
    ]:
        assert "<html" in alice_client.get(LIST, **headers).content.decode()


def test_the_list_never_renders_markdown(alice_client, alice, monkeypatch):
    import markup.templatetags.markup as tags

    def refuse(text):
        raise AssertionError("the story list rendered Markdown")

    monkeypatch.setattr(tags, "render_markdown", refuse)
    monkeypatch.setattr(tags, "render_inline", refuse)
    make_story(alice, title="Bold", summary="**not bold**", situation="# Heading")
    page = alice_client.get(LIST).content.decode()
    assert "**not bold**" in page
    assert "<strong>" not in page


def make_stories(owner, themes, count):
    stories = Story.objects.bulk_create(
        Story(owner=owner, title=f"Story {i}", summary="hook") for i in range(count)
    )
    StoryTheme.objects.bulk_create(
        StoryTheme(story=story, theme=theme) for story in stories for theme in themes
    )


def test_the_list_runs_the_same_queries_for_1_and_100_stories(
    alice_client, alice, themes, django_assert_max_num_queries
):
    counts = []
    for count in [1, 99]:
        make_stories(alice, themes, count)
        # 1 session, 2 user, 3 the count of matching stories (the paginator), 4 one
        # page of stories, 5 their themes (one query), 6 the trash count, 7 the
        # filter's themes, 8 the nav's counts (themes covered, practice due today),
        # 9 the header's job switcher (the user's open jobs).
        with (
            django_assert_max_num_queries(9),
            CaptureQueriesContext(connection) as queries,
        ):
            response = alice_client.get(LIST)
        assert len(response.context["stories"]) == min(len(counts) * 99 + 1, PER_PAGE)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # The fragment: session, user, count, stories, themes, and the theme filter's
    # lookup.
    with django_assert_max_num_queries(6):
        alice_client.get(LIST, {"q": "story", "theme": themes[0].slug}, **HX)


def test_a_full_page_of_the_list_is_under_15_kb_gzipped(alice_client, alice):
    # The target (#11): every page at most 15 KB gzipped, here a full page of
    # the list with pages either side.
    longest = sorted(
        Theme.objects.filter(playbook__slug="ml-computer-vision"),
        key=lambda t: len(t.title + t.slug),
    )[-2:]
    for i in range(PER_PAGE * 3):
        make_story(
            alice,
            title=f"Story {i:03}: rolled back a drifting fraud detector",
            summary="Cut false alerts by 40% by rolling back a drifting model.",
            status=Story.Status.READY,
            company="Acme",
            role="Staff engineer",
            themes=longest,
        )
    # As the filter form sends it, on a middle page: the pager at its longest.
    params = {"q": "drifting", "theme": "", "status": "all", "sort": "title"}
    for headers in [HX, {}]:
        response = alice_client.get(
            LIST, {**params, "page": 2}, **headers, HTTP_ACCEPT_ENCODING="gzip"
        )
        assert response["Content-Encoding"] == "gzip"
        html = gzip.decompress(response.content).decode()
        assert len(response.context["stories"]) == PER_PAGE == 50
        assert 'rel="prev"' in html and 'rel="next"' in html
        assert len(response.content) <= 15_000, len(response.content)


def test_the_rows_share_one_form_that_works_without_javascript(alice_client, alice):
    stories = [make_story(alice, title=f"Story {i}") for i in range(3)]
    html = alice_client.get(LIST, {"sort": "title"}, **HX).content.decode()
    assert html.count("<form") == 1
    assert html.count('name="csrfmiddlewaretoken"') == 1
    form = re.search(r'<form method="post"[^>]*>.*?</form>', html, re.S).group(0)
    # A plain POST comes back to this very list (filters and page).
    assert f'name="next" value="{LIST}?sort=title"' in form
    for story in stories:
        url = reverse("stories:delete", args=[story.pk])
        assert f'<button formaction="{url}" hx-post="{url}"' in form
    # The buttons swap their own row: the target comes from the list.
    assert '<ul class="story-list" hx-target="closest li" hx-swap="outerHTML">' in form


def test_a_plain_move_to_trash_comes_back_to_the_same_list_with_undo(
    alice_client, alice
):
    story = make_story(alice, title="Drifting detector")
    back = f"{LIST}?q=drifting&sort=title"
    url = reverse("stories:delete", args=[story.pk])
    response = alice_client.post(url, {"next": back})
    assert response["Location"] == back
    page = alice_client.get(back).content.decode()
    assert "“Drifting detector” is in the trash." in page
    assert f'action="{reverse("stories:restore", args=[story.pk])}"' in page


def test_each_row_action_is_named_with_its_story_title(alice_client, alice):
    story = make_story(alice, title="Drifting detector")
    html = alice_client.get(LIST, **HX).content.decode()
    pk = story.pk
    assert f'id="t{pk}">Drifting detector</a>' in html
    assert f'id="h{pk}" aria-labelledby="h{pk} t{pk}">History</a>' in html
    assert f'id="d{pk}" aria-labelledby="d{pk} t{pk}">Move to trash</button>' in html


# History ----------------------------------------------------------------------------


def edited_three_times(owner):
    story = make_story(owner, title="Drift", situation="first text")
    for version, text in enumerate(["second", "third", "fourth"], start=1):
        story.apply_edit({"situation": f"{text} text"}, based_on=version)
    return story


def test_edit_three_times_then_restore_the_first(alice_client, alice):
    story = edited_three_times(alice)
    first = story.revisions.get(situation="first text")
    response = alice_client.post(
        reverse("stories:restore_revision", args=[story.pk, first.pk]),
        {"version": story.version},
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.situation == "first text"
    assert story.version == 5
    assert story.revisions.count() == 4
    assert story.revisions.first().situation == "fourth text"
    page = alice_client.get(response["Location"]).content.decode()
    assert "Restored version 1" in page


def test_the_history_lists_versions_with_what_each_save_changed(alice_client, alice):
    story = make_story(alice, title="Drift", situation="one")
    story.apply_edit({"title": "Drift caught"}, based_on=1)
    story.apply_edit({"situation": "two", "result": "fixed"}, based_on=2)
    response = alice_client.get(reverse("stories:history", args=[story.pk]))
    entries = response.context["entries"]
    assert [e.version for e in entries] == [3, 2, 1]
    assert [e.changed for e in entries] == [["Situation", "Result"], ["Title"], None]
    assert entries[0].revision is None
    assert entries[2].saved == story.created
    page = response.content.decode()
    assert "Situation, Result" in page
    assert "First version" in page


def test_a_revision_page_shows_the_old_text_and_what_differs(alice_client, alice):
    story = make_story(alice, title="Drift", situation="**old** words", task="same")
    story.apply_edit({"situation": "new words"}, based_on=1)
    revision = story.revisions.get()
    response = alice_client.get(
        reverse("stories:revision", args=[story.pk, revision.pk])
    )
    page = response.content.decode()
    assert "<strong>old</strong> words" in page
    assert "hx-disable" in page
    differing = [f["name"] for f in response.context["fields"] if f["differs"]]
    assert differing == ["situation"]
    assert f'name="version" value="{story.version}"' in page


def test_a_stale_restore_is_refused_and_loses_nothing(alice_client, alice):
    story = edited_three_times(alice)
    first = story.revisions.get(situation="first text")
    seen_version = story.version
    story.apply_edit({"situation": "typed in another tab"}, based_on=seen_version)
    response = alice_client.post(
        reverse("stories:restore_revision", args=[story.pk, first.pk]),
        {"version": seen_version},
        follow=True,
    )
    story.refresh_from_db()
    assert story.situation == "typed in another tab"
    assert story.revisions.count() == 4
    assert "Nothing was restored" in response.content.decode()


def test_restoring_needs_the_version_it_is_based_on(alice_client, alice):
    story = edited_three_times(alice)
    first = story.revisions.get(situation="first text")
    url = reverse("stories:restore_revision", args=[story.pk, first.pk])
    assert alice_client.post(url, {}).status_code == 400
    assert alice_client.post(url, {"version": "x"}).status_code == 400
    story.refresh_from_db()
    assert story.version == 4


def test_an_htmx_restore_returns_the_history_and_tells_the_page(alice_client, alice):
    story = edited_three_times(alice)
    first = story.revisions.get(situation="first text")
    response = alice_client.post(
        reverse("stories:restore_revision", args=[story.pk, first.pk]),
        {"version": story.version},
        **HX,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert "Restored version 1" in page
    assert "storyChanged" in response["HX-Trigger"]
    assert story.revisions.count() == 4


def test_history_pages_have_two_renderings(alice_client, alice):
    story = edited_three_times(alice)
    revision = story.revisions.first()
    for url, expected in [
        (reverse("stories:history", args=[story.pk]), "4 (current)"),
        (reverse("stories:revision", args=[story.pk, revision.pk]), "third text"),
    ]:
        assert "<html" in alice_client.get(url).content.decode()
        fragment = alice_client.get(url, **HX).content.decode()
        assert "<html" not in fragment
        assert expected in fragment


def test_a_revision_of_another_story_is_404(alice_client, alice):
    story = edited_three_times(alice)
    other = make_story(alice, title="Other")
    revision = story.revisions.first()
    url = reverse("stories:revision", args=[other.pk, revision.pk])
    assert alice_client.get(url).status_code == 404
    restore = reverse("stories:restore_revision", args=[other.pk, revision.pk])
    assert alice_client.post(restore, {"version": 1}).status_code == 404
    other.refresh_from_db()
    assert other.version == 1


# Trash ------------------------------------------------------------------------------


def test_delete_restore_and_the_story_comes_back_with_its_tags(
    alice_client, alice, themes
):
    story = make_story(alice, title="Drifting detector", themes=themes)
    response = alice_client.post(reverse("stories:delete", args=[story.pk]))
    assert response.status_code == 302
    assert titles(alice_client.get(LIST)) == []
    trash = alice_client.get(reverse("stories:trash")).content.decode()
    assert "Drifting detector" in trash
    alice_client.post(reverse("stories:restore", args=[story.pk]))
    response = alice_client.get(LIST)
    assert titles(response) == ["Drifting detector"]
    assert set(response.context["stories"][0].themes.all()) == set(themes)
    assert themes[0].title in response.content.decode()


def test_deleting_offers_to_undo(alice_client, alice):
    story = make_story(alice, title="Drifting detector")
    response = alice_client.post(
        reverse("stories:delete", args=[story.pk]), follow=True
    )
    page = response.content.decode()
    assert "“Drifting detector” is in the trash." in page
    assert f'action="{reverse("stories:restore", args=[story.pk])}"' in page
    # The offer is made once.
    assert "is in the trash" not in alice_client.get(LIST).content.decode()


def test_an_htmx_delete_swaps_the_row_for_an_undo_and_tells_the_page(
    alice_client, alice
):
    story = make_story(alice, title="Drifting detector")
    response = alice_client.post(reverse("stories:delete", args=[story.pk]), **HX)
    page = response.content.decode()
    assert "<html" not in page
    assert "is in the trash" in page
    assert f'hx-post="{reverse("stories:restore", args=[story.pk])}"' in page
    # It swaps itself, wherever it is (the list, or a restored row on the trash page).
    assert f'<li class="trashed-row" id="story-{story.pk}" hx-target="this"' in page
    assert "storyChanged" in response["HX-Trigger"]
    story.refresh_from_db()
    assert story.deleted_at is not None


def test_an_htmx_restore_returns_the_row_and_tells_the_page(
    alice_client, alice, themes
):
    theme = themes[0]
    story = make_story(alice, title="Drifting detector", themes=[theme])
    story.move_to_trash()
    response = alice_client.post(reverse("stories:restore", args=[story.pk]), **HX)
    page = response.content.decode()
    assert "<html" not in page
    assert "Drifting detector" in page
    # Alone (on the trash page too), the row carries its own swap target and full
    # theme links instead of inheriting them from the list.
    assert f'<li id="story-{story.pk}" hx-target="this" hx-swap="outerHTML">' in page
    assert f'href="{LIST}?theme={theme.slug}"' in page
    assert "storyChanged" in response["HX-Trigger"]
    story.refresh_from_db()
    assert story.deleted_at is None


def test_a_restore_goes_back_where_it_was_asked_from_but_only_here(alice_client, alice):
    story = make_story(alice)
    story.move_to_trash()
    url = reverse("stories:restore", args=[story.pk])
    trash = reverse("stories:trash")
    assert alice_client.post(url, {"next": trash})["Location"] == trash
    story.move_to_trash()
    response = alice_client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == LIST


def test_the_trash_has_two_renderings(alice_client, alice):
    make_story(alice, title="Drifting detector").move_to_trash()
    url = reverse("stories:trash")
    assert "<html" in alice_client.get(url).content.decode()
    fragment = alice_client.get(url, **HX).content.decode()
    assert "<html" not in fragment
    assert "Drifting detector" in fragment


def test_emptying_the_trash_asks_first(alice_client, alice):
    story = make_story(alice, title="Drifting detector")
    story.move_to_trash()
    page = alice_client.get(reverse("stories:empty_trash")).content.decode()
    assert "Drifting detector" in page
    assert "cannot be undone" in page
    assert "<html" in page
    fragment = alice_client.get(reverse("stories:empty_trash"), **HX).content.decode()
    assert "<html" not in fragment
    assert "Drifting detector" in fragment
    assert Story.objects.filter(pk=story.pk).exists()


def test_emptying_the_trash_deletes_only_this_users_trashed_stories(
    alice_client, alice, bob
):
    gone = make_story(alice, title="Alice's trashed")
    gone.move_to_trash()
    gone.apply_edit({"situation": "kept as a revision"}, based_on=1)
    alive = make_story(alice, title="Alice's live")
    bobs = make_story(bob, title="Bob's trashed")
    bobs.move_to_trash()
    confirm = alice_client.get(reverse("stories:empty_trash"))
    ids = [s.pk for s in confirm.context["stories"]]
    assert ids == [gone.pk]
    # Even if the form names every story, only Alice's trashed ones go.
    response = alice_client.post(
        reverse("stories:empty_trash"),
        {"story": [gone.pk, alive.pk, bobs.pk]},
        follow=True,
    )
    assert "Deleted 1 story for good." in response.content.decode()
    assert set(Story.objects.values_list("title", flat=True)) == {
        "Alice's live",
        "Bob's trashed",
    }
    assert not Revision.objects.filter(story_id=gone.pk).exists()


def test_emptying_the_trash_spares_a_story_trashed_after_the_confirmation(
    alice_client, alice
):
    shown = make_story(alice, title="Shown")
    shown.move_to_trash()
    alice_client.get(reverse("stories:empty_trash"))
    later = make_story(alice, title="Trashed in another tab")
    later.move_to_trash()
    alice_client.post(reverse("stories:empty_trash"), {"story": [shown.pk]})
    assert list(Story.objects.values_list("title", flat=True)) == [
        "Trashed in another tab"
    ]


def test_a_trashed_story_has_no_history_page(alice_client, alice):
    story = edited_three_times(alice)
    story.move_to_trash()
    assert (
        alice_client.get(reverse("stories:history", args=[story.pk])).status_code == 404
    )


# Isolation ----------------------------------------------------------------------------


def snapshot(story):
    story = Story.objects.get(pk=story.pk)
    return (
        story.version,
        story.deleted_at,
        story.situation,
        list(story.revisions.values_list("pk", flat=True)),
        list(story.themes.values_list("pk", flat=True)),
    )


def story_urls(story):
    revision = story.revisions.first()
    return [
        ("post", reverse("stories:delete", args=[story.pk])),
        ("post", reverse("stories:restore", args=[story.pk])),
        ("get", reverse("stories:history", args=[story.pk])),
        ("get", reverse("stories:revision", args=[story.pk, revision.pk])),
        (
            "post",
            reverse("stories:restore_revision", args=[story.pk, revision.pk]),
        ),
    ]


@pytest.mark.parametrize("trashed", [False, True])
@pytest.mark.parametrize("headers", [{}, HX])
def test_another_user_gets_404_everywhere_and_changes_nothing(
    bob_client, alice, themes, trashed, headers
):
    story = edited_three_times(alice)
    story.tag(themes[0])
    if trashed:
        story.move_to_trash()
    before = snapshot(story)
    for method, url in story_urls(story):
        data = {"version": Story.objects.get(pk=story.pk).version}
        response = getattr(bob_client, method)(url, data, **headers)
        assert response.status_code == 404, (method, url)
        assert snapshot(story) == before
    bob_client.post(reverse("stories:empty_trash"), {"story": [story.pk]})
    assert snapshot(story) == before
    assert bob_client.get(LIST, {"status": "all"}).context["stories"] == []
    assert bob_client.get(reverse("stories:trash")).context["stories"].count() == 0


def test_logged_out_visitors_are_sent_to_log_in(client, alice):
    story = edited_three_times(alice)
    for method, url in [
        ("get", LIST),
        ("get", reverse("stories:trash")),
        ("post", reverse("stories:empty_trash")),
        *story_urls(story),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
