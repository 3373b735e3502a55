import pytest

from stories.models import REVISIONS_KEPT, Revision, StaleVersion, Story
from tests.factories import make_story


def test_an_edit_bumps_the_version_and_keeps_the_old_text(alice):
    story = make_story(alice, situation="first")
    story.apply_edit({"situation": "second"}, based_on=1)
    assert story.version == 2
    assert story.situation == "second"
    revision = story.revisions.get()
    assert (revision.version, revision.situation) == (1, "first")


def test_a_stale_edit_is_refused_and_changes_nothing(alice):
    story = make_story(alice, situation="first")
    story.apply_edit({"situation": "from tab one"}, based_on=1)
    with pytest.raises(StaleVersion) as stale:
        story.apply_edit({"situation": "from tab two"}, based_on=1)
    assert stale.value.current.situation == "from tab one"
    story.refresh_from_db()
    assert (story.version, story.situation) == (2, "from tab one")
    assert story.revisions.count() == 1


def test_a_status_change_bumps_the_version_without_a_revision(alice):
    story = make_story(alice)
    story.apply_edit({"status": Story.Status.READY}, based_on=1)
    assert story.version == 2
    assert not story.revisions.exists()


def test_restoring_a_revision_is_itself_a_new_revision(alice):
    story = make_story(alice, action="v1")
    for version, text in enumerate(["v2", "v3", "v4"], start=1):
        story.apply_edit({"action": text}, based_on=version)
    first = story.revisions.get(version=1)
    story.restore_revision(first, based_on=story.version)
    assert story.action == "v1"
    assert story.revisions.count() == 4
    assert story.revisions.first().action == "v4"


def test_only_the_latest_revisions_are_kept(alice):
    story = make_story(alice)
    for version in range(1, REVISIONS_KEPT + 6):
        story.apply_edit({"result": f"text {version}"}, based_on=version)
    assert story.revisions.count() == REVISIONS_KEPT
    assert Revision.objects.filter(story=story).order_by("version").first().version == 6


def test_trash_and_restore(alice):
    story = make_story(alice)
    story.move_to_trash()
    assert not Story.objects.for_user(alice).alive().exists()
    assert Story.objects.for_user(alice).trashed().get() == story
    story.restore_from_trash()
    assert Story.objects.for_user(alice).alive().get() == story


def test_tagging_twice_keeps_one_tag_and_untag_removes_it(alice, playbook):
    from themes.models import Theme

    story = make_story(alice)
    theme = Theme.objects.get(playbook__slug="ml-computer-vision", number=2)
    story.tag(theme)
    story.tag(theme)
    assert list(story.themes.all()) == [theme]
    story.untag(theme)
    assert not story.themes.exists()


def test_an_edit_resent_by_the_tab_that_made_it_is_already_applied(alice):
    story = make_story(alice, situation="first")
    story.apply_edit({"situation": "second"}, based_on=1, edit_id="tab-one")
    story.apply_edit({"situation": "second"}, based_on=1, edit_id="tab-one")
    assert (story.version, story.situation) == (2, "second")
    assert story.revisions.count() == 1
    for changes, edit_id in [({"situation": "third"}, "tab-one"), ({}, "tab-two")]:
        with pytest.raises(StaleVersion):
            story.apply_edit(changes, based_on=1, edit_id=edit_id)
    story.refresh_from_db()
    assert (story.version, story.situation, story.last_edit_id) == (
        2,
        "second",
        "tab-one",
    )


def test_an_edit_without_a_tab_id_is_never_taken_for_a_resent_one(alice):
    story = make_story(alice)
    story.apply_edit({"task": "same"}, based_on=1)
    with pytest.raises(StaleVersion):
        story.apply_edit({"task": "same"}, based_on=1)


def test_an_edit_sets_what_it_wrote_without_reading_it_back(
    alice, django_assert_num_queries
):
    story = make_story(alice, task="old")
    # The compare-and-set and its revision; nothing after the commit.
    with django_assert_num_queries(6):
        story.apply_edit({"task": "new"}, based_on=1, edit_id="t")
    assert (story.task, story.version, story.last_edit_id) == ("new", 2, "t")
    fresh = Story.objects.get(pk=story.pk)
    assert (fresh.task, fresh.version, fresh.updated) == ("new", 2, story.updated)
