"""A job scopes coverage, the matrix, practice and the prep sheet to its themes, and
none of those pages runs more queries with 50 own themes and 500 stories than with
one of each."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jobs.models import Job
from jobs.scope import SESSION_KEY
from stories.models import Story, StoryQuestion, StoryTheme
from tests.factories import make_story
from themes.models import SampleQuestion, Theme

pytestmark = pytest.mark.usefixtures("playbook")


def prepare_for(client, job):
    session = client.session
    session[SESSION_KEY] = job.pk
    session.save()


@pytest.fixture
def job(alice):
    themes = list(Theme.objects.for_user(alice))
    job = Job.objects.create(owner=alice, company="Acme", role="Staff engineer")
    job.themes.set(themes[1:3])
    return job


def titles(themes):
    return [t.title.replace("&", "&amp;") for t in themes]


def test_a_job_scopes_coverage_the_matrix_practice_and_the_sheet(
    alice, alice_client, job
):
    inside = list(job.themes.order_by("number"))
    outside = [t for t in Theme.objects.for_user(alice) if t not in inside]
    for title in ("In scope", "Also in scope"):  # the target is two
        make_story(alice, themes=inside[:1], status=Story.Status.READY, title=title)
    prepare_for(alice_client, job)
    for name in ("coverage:index", "coverage:matrix", "practice:index"):
        page = alice_client.get(reverse(name)).content.decode()
        for title in titles(inside):
            assert title in page, (name, title)
        for title in titles(outside):
            assert title not in page, (name, title)
    markdown = alice_client.get(reverse("prepsheet:markdown")).content.decode()
    for theme in inside:
        assert theme.title in markdown or theme.title in markdown.replace("\\", "")
    for theme in outside:
        assert theme.title not in markdown.replace("\\", "")
    # The nav counts the job's themes: one of its two is covered.
    page = alice_client.get(reverse("stories:list")).content.decode()
    assert "1/2" in page


def test_practice_picks_only_from_the_jobs_themes(alice, alice_client, job):
    prepare_for(alice_client, job)
    inside = set(job.themes.values_list("pk", flat=True))
    for mode in ("need", "random"):
        response = alice_client.get(reverse("practice:index"), {"mode": mode})
        question = SampleQuestion.objects.get(
            pk=int(response["Location"].split("question=")[1].split("&")[0])
        )
        assert question.theme_id in inside, mode


def test_a_deleted_job_falls_back_to_all_my_themes(alice, alice_client, job):
    prepare_for(alice_client, job)
    job.delete()
    page = alice_client.get(reverse("coverage:index")).content.decode()
    for title in titles(Theme.objects.for_user(alice)):
        assert title in page
    assert SESSION_KEY not in alice_client.session


def test_another_users_job_in_the_session_scopes_nothing(bob, bob_client, job):
    prepare_for(bob_client, job)
    page = bob_client.get(reverse("coverage:index")).content.decode()
    for title in titles(Theme.objects.for_user(bob)):
        assert title in page


def grow(user, themes=50, stories=500):
    """`themes` own themes with a question each, and `stories` stories tagged with
    two themes and answering a question each."""
    own = [
        Theme(owner=user, slug=f"own-{i}", title=f"Own theme {i}")
        for i in range(themes)
    ]
    Theme.objects.bulk_create(own)
    for theme in own:
        theme.add_to_set(user)
    questions = SampleQuestion.objects.bulk_create(
        SampleQuestion(theme=theme, owner=user, position=1, text=f"Q {theme.title}?")
        for theme in own
    )
    made = Story.objects.bulk_create(
        Story(owner=user, title=f"Story {i}", status=Story.Status.READY, result="40%")
        for i in range(stories)
    )
    StoryTheme.objects.bulk_create(
        StoryTheme(story=story, theme=own[(i + k) % themes])
        for i, story in enumerate(made)
        for k in range(min(2, themes))
    )
    StoryQuestion.objects.bulk_create(
        StoryQuestion(story=story, question=questions[i % themes])
        for i, story in enumerate(made)
    )


def count_queries(client, url, query=None):
    client.get(url, query)  # the first view may score stories and store the scores
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "name, query",
    [
        ("coverage:index", None),
        ("coverage:index", {"min_readiness": "80"}),
        ("coverage:matrix", None),
        ("prepsheet:index", None),
        ("prepsheet:markdown", None),
        ("practice:index", None),
    ],
)
def test_queries_do_not_grow_with_themes_questions_or_stories(
    alice, alice_client, bob, bob_client, name, query
):
    grow(alice, themes=1, stories=1)
    grow(bob)
    url = reverse(name)
    assert count_queries(bob_client, url, query) == count_queries(
        alice_client, url, query
    )
