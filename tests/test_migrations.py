"""A database from before the split into apps comes through the migrations whole:
built with the old migrations (stories at 0006, no practice or prepsheet app), filled
through the historical models, then migrated to the latest and read back through the
current ones."""

import datetime
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# Before practice and prepsheet took their models out of stories.
OLD = [
    ("stories", "0006_page_stamp"),
    ("themes", "0001_initial"),
    ("practice", None),
    ("prepsheet", None),
    ("jobs", None),
    ("followups", None),
    ("loops", None),
    ("matcher", None),
    ("mock", None),
    ("recordings", None),
]
MOVED = [
    ("practice", "practicesession"),
    ("practice", "practicecard"),
    ("prepsheet", "ownquestion"),
    ("prepsheet", "ownnote"),
]


def migrate(targets=None):
    """Migrate to `targets` (the latest when None); the historical apps there."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(targets or latest)
    # Every app as it now stands: the targets, the other apps at their latest.
    targeted = {app for app, _ in targets or ()}
    nodes = [node for node in latest if node[0] not in targeted]
    nodes += [node for node in targets or () if node[1] is not None]
    # A fresh loader: the one above read the applied migrations before it ran.
    return MigrationExecutor(connection).loader.project_state(nodes).apps


@pytest.fixture
def old_apps():
    """The historical apps at OLD; the schema is back at the latest afterwards."""
    # Empty first: the old schema holds one playbook's themes and questions to ask,
    # not the two the test database is loaded with (their numbers and positions
    # clash). Whatever an earlier test left would make going back fail.
    call_command("flush", interactive=False, verbosity=0)
    try:
        yield migrate(OLD)
    finally:
        migrate()


def fill(apps):
    """One of everything the split touched, as the old code would have saved it."""
    User = apps.get_model("auth", "User")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Theme = apps.get_model("themes", "Theme")
    SampleQuestion = apps.get_model("themes", "SampleQuestion")
    ThemePoint = apps.get_model("themes", "ThemePoint")
    Story = apps.get_model("stories", "Story")
    Revision = apps.get_model("stories", "Revision")
    StoryTheme = apps.get_model("stories", "StoryTheme")
    PracticeSession = apps.get_model("stories", "PracticeSession")
    PracticeCard = apps.get_model("stories", "PracticeCard")
    OwnQuestion = apps.get_model("stories", "OwnQuestion")
    OwnNote = apps.get_model("stories", "OwnNote")
    PageStamp = apps.get_model("stories", "PageStamp")
    QuestionCategory = apps.get_model("themes", "QuestionCategory")
    QuestionToAsk = apps.get_model("themes", "QuestionToAsk")
    NegotiationNote = apps.get_model("themes", "NegotiationNote")

    # The content types as the old code left them: the moved models under stories.
    content_types = {}
    for app_label, model in MOVED:
        ContentType.objects.filter(app_label=app_label, model=model).delete()
        content_types[model], _ = ContentType.objects.get_or_create(
            app_label="stories", model=model
        )
    permission = Permission.objects.create(
        name="Can rate a practice session",
        content_type=content_types["practicesession"],
        codename="rate_practicesession_old",
    )

    alice = User.objects.create(username="alice-from-before")
    # Numbers and slugs the playbook does not use, whether or not it is loaded.
    theme = Theme.objects.create(
        number=90, slug="old-theme", title="Old theme", target_min=1, target_max=4
    )
    question = SampleQuestion.objects.create(
        theme=theme, position=1, text="Tell me about an old time."
    )
    point = ThemePoint.objects.create(
        theme=theme, kind="framework", position=1, text="Name the trade-off."
    )
    updated = timezone.now() - datetime.timedelta(days=3)
    story = Story.objects.create(
        owner=alice,
        uuid=uuid.uuid4(),
        title="Shipped the old thing",
        summary="The hook",
        situation="A situation",
        task="A task",
        action="I acted",
        result="Latency fell 40%",
        reflection="Learned a lot",
        company="Acme",
        role="Engineer",
        period="2024",
        status="ready",
        version=2,
        updated=updated,
        readiness=85,
        readiness_key="k" * 32,
    )
    revision = Revision.objects.create(
        story=story,
        version=1,
        title="Shipped the first thing",
        situation="An older situation",
        result="Latency fell",
    )
    tag = StoryTheme.objects.create(story=story, theme=theme, angle="as the lead")
    story.questions.add(question)
    story.checked_points.add(point)
    session = PracticeSession.objects.create(
        owner=alice,
        question=question,
        story=story,
        duration_seconds=95,
        rating=4,
        note="Too long on the situation",
    )
    card = PracticeCard.objects.create(
        owner=alice,
        question=question,
        story=story,
        box=3,
        due_on=datetime.date(2026, 12, 1),
        last_rating=4,
        last_practised_on=datetime.date(2026, 11, 24),
        times_practised=5,
    )
    own_question = OwnQuestion.objects.create(owner=alice, text="What is on-call like?")
    own_note = OwnNote.objects.create(owner=alice, text="Ask about the team size")
    PageStamp.objects.create(owner=alice)
    # The document's questions to ask and notes, global then; a slug and positions
    # the document does not use, so loading the fixture later adds beside them.
    category = QuestionCategory.objects.create(
        position=90, slug="old-category", title="Old category"
    )
    ask = QuestionToAsk.objects.create(
        category=category, position=1, text="What is on-call like?"
    )
    note = NegotiationNote.objects.create(position=90, text="Ask for it in writing.")
    return {
        "category": category.pk,
        "ask": ask.pk,
        "note": note.pk,
        "user": alice.pk,
        "theme": theme.pk,
        "question": question.pk,
        "point": point.pk,
        "story": story.pk,
        "story_uuid": story.uuid,
        "updated": updated,
        "revision": revision.pk,
        "tag": tag.pk,
        "session": session.pk,
        "started_at": session.started_at,
        "card": card.pk,
        "own_question": own_question.pk,
        "own_note": own_note.pk,
        "content_types": {model: ct.pk for model, ct in content_types.items()},
        "permission": permission.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_stories_practice_and_notes_survive_the_move_to_their_own_apps(old_apps):
    before = fill(old_apps)
    migrate()

    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from practice.models import PracticeCard, PracticeSession
    from prepsheet.models import OwnNote, OwnQuestion
    from stories.models import Revision, Story, StoryTheme

    story = Story.objects.get(pk=before["story"])
    assert story.owner_id == before["user"]
    assert story.uuid == before["story_uuid"]
    assert (story.title, story.summary, story.company, story.role, story.period) == (
        "Shipped the old thing",
        "The hook",
        "Acme",
        "Engineer",
        "2024",
    )
    assert (story.situation, story.task, story.action, story.result) == (
        "A situation",
        "A task",
        "I acted",
        "Latency fell 40%",
    )
    assert story.reflection == "Learned a lot"
    assert (story.status, story.version, story.updated) == (
        "ready",
        2,
        before["updated"],
    )
    assert (story.readiness, story.readiness_key) == (85, "k" * 32)
    assert list(story.questions.values_list("pk", flat=True)) == [before["question"]]
    # The question link became StoryQuestion, with no angle yet.
    assert list(story.story_questions.values_list("angle", flat=True)) == [""]
    # The document's themes became the built-in playbook, and the user kept them.
    from themes.models import Theme

    theme = Theme.objects.get(pk=before["theme"])
    assert (theme.playbook.slug, theme.owner) == ("ml-computer-vision", None)
    assert theme in Theme.objects.for_user(story.owner)
    assert list(story.checked_points.values_list("pk", flat=True)) == [before["point"]]

    revision = Revision.objects.get(pk=before["revision"])
    assert (revision.story_id, revision.version, revision.title) == (
        before["story"],
        1,
        "Shipped the first thing",
    )
    assert (revision.situation, revision.result) == (
        "An older situation",
        "Latency fell",
    )

    tag = StoryTheme.objects.get(pk=before["tag"])
    assert (tag.story_id, tag.theme_id, tag.angle) == (
        before["story"],
        before["theme"],
        "as the lead",
    )

    session = PracticeSession.objects.get(pk=before["session"])
    assert (session.owner_id, session.question_id, session.story_id) == (
        before["user"],
        before["question"],
        before["story"],
    )
    assert (session.duration_seconds, session.rating, session.note) == (
        95,
        4,
        "Too long on the situation",
    )
    assert session.started_at == before["started_at"]

    card = PracticeCard.objects.get(pk=before["card"])
    assert (card.owner_id, card.question_id, card.story_id) == (
        before["user"],
        before["question"],
        before["story"],
    )
    assert (card.box, card.due_on, card.last_rating) == (
        3,
        datetime.date(2026, 12, 1),
        4,
    )
    assert (card.last_practised_on, card.times_practised) == (
        datetime.date(2026, 11, 24),
        5,
    )

    assert OwnQuestion.objects.get(pk=before["own_question"]).text == (
        "What is on-call like?"
    )
    note = OwnNote.objects.get(pk=before["own_note"])
    assert (note.owner_id, note.text) == (before["user"], "Ask about the team size")

    # The content types kept their ids (and so their permissions) under the new labels.
    ContentType.objects.clear_cache()
    for app_label, model in MOVED:
        content_type = ContentType.objects.get(app_label=app_label, model=model)
        assert content_type.pk == before["content_types"][model]
    assert not ContentType.objects.filter(
        app_label="stories", model__in=[model for _, model in MOVED]
    ).exists()
    permission = Permission.objects.get(pk=before["permission"])
    assert permission.content_type.app_label == "practice"
    assert (
        ContentType.objects.get_for_model(PracticeSession).pk
        == (before["content_types"]["practicesession"])
    )
    # The page cache's table is gone.
    assert "stories_pagestamp" not in connection.introspection.table_names()

    # The questions to ask and notes belong to the prep document's playbook now,
    # and loading the fixtures (as `make run` does each time) keeps them.
    from themes.models import NegotiationNote, QuestionCategory, QuestionToAsk

    for _ in range(2):
        category = QuestionCategory.objects.get(pk=before["category"])
        assert (category.playbook.slug, category.slug, category.position) == (
            "ml-computer-vision",
            "old-category",
            90,
        )
        ask = QuestionToAsk.objects.get(pk=before["ask"])
        assert (ask.category_id, ask.text) == (category.pk, "What is on-call like?")
        note = NegotiationNote.objects.get(pk=before["note"])
        assert (note.playbook.slug, note.position, note.text) == (
            "ml-computer-vision",
            90,
            "Ask for it in writing.",
        )
        call_command(
            "loaddata", "playbook", "general-software-engineering", verbosity=0
        )
    ml = {"playbook__slug": "ml-computer-vision"}
    assert QuestionCategory.objects.filter(**ml).count() == 3 + 1
    assert NegotiationNote.objects.filter(**ml).count() == 5 + 1
    assert QuestionToAsk.objects.count() == 9 + 12 + 1
