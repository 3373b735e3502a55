"""Mock interview mode: N questions from a job's themes, each answered against the
server's clock and followed up from the story's ladder (or generically), then one
debrief; the answers feed practice's schedule."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from followups.models import Rung
from mock.models import GENERIC_FOLLOWUPS, MockInterview
from practice.models import PracticeCard, PracticeSession
from recordings.models import Recording
from tests.factories import make_job, make_story
from themes.models import Theme


@pytest.fixture
def themes(playbook):
    return list(Theme.objects.built_in().order_by("pk")[:3])


@pytest.fixture
def job(alice, themes):
    return make_job(alice, themes=themes, company="Acme")


def start(client, job, count=3, target=60):
    return client.post(
        reverse("mock:index"),
        {"job": job.pk if job else "", "count": count, "target_seconds": target},
    )


@pytest.mark.parametrize("count", ["2", "9", "", "lots"])
def test_a_count_outside_3_to_8_is_refused_with_a_message(alice_client, job, count):
    response = start(alice_client, job, count=count)
    assert response.status_code == 422
    page = response.content.decode()
    assert 'class="error"' in page and "questions" in page
    assert f'value="{job.pk}" selected' in page  # what the user chose is kept
    assert not MockInterview.objects.exists()


def test_a_mock_interview_runs_server_side_and_ends_in_its_debrief(
    alice_client, alice, job, themes
):
    laddered = make_story(alice, themes=themes, title="Sharded the queue")
    for question in ("Why shard by tenant?", "What broke first?", "Who objected?"):
        Rung.add_to(laddered, question, f"Answer to {question}")
    bare = make_story(alice, themes=themes, title="Moved the team to on-call")

    response = start(alice_client, job, count=3, target=60)
    interview = MockInterview.objects.get(owner=alice)
    assert response.url == interview.get_absolute_url()
    steps = list(interview.steps.all())
    assert len(steps) == 3
    # Spread over the job's themes: one question from each.
    assert {s.question.theme_id for s in steps} == {t.pk for t in themes}
    assert steps[0].started_at is not None and steps[1].started_at is None

    page = alice_client.get(interview.get_absolute_url()).content.decode()
    assert "Question 1 of 3" in page and escape(steps[0].question_text) in page

    # A rating is required; the story picked is kept on the page.
    url = reverse("mock:answer", args=[interview.pk])
    response = alice_client.post(url, {"position": 1, "story": laddered.pk})
    assert response.status_code == 422
    assert "Rate your answer from 1 to 5." in response.content.decode()
    assert f'value="{laddered.pk}" selected' in response.content.decode()

    ratings = {1: (laddered, 2), 2: (bare, 5), 3: (None, 4)}
    for position, (story, rating) in ratings.items():
        # The server times the answer: pretend each took 75 seconds (and a few
        # more on a slow machine).
        interview.steps.filter(position=position).update(
            started_at=timezone.now() - datetime.timedelta(seconds=75)
        )
        alice_client.post(
            url,
            {
                "position": position,
                "story": story.pk if story else "",
                "rating": rating,
            },
        )
        # A resent answer (double click) changes nothing.
        alice_client.post(url, {"position": position, "rating": 1})
        step = interview.steps.get(position=position)
        assert step.rating == rating
        asked = [f["question"] for f in step.followups]
        page = alice_client.get(interview.get_absolute_url()).content.decode()
        if story is laddered:
            assert len(asked) == 2
            assert set(asked) <= {r.question for r in laddered.rungs.all()}
            assert "Show my answer" in page
        else:
            assert len(asked) == 2 and set(asked) <= set(GENERIC_FOLLOWUPS)
        for question in asked:
            assert escape(question) in page
        done = alice_client.post(
            reverse("mock:next", args=[interview.pk]), {"position": position}
        )

    interview.refresh_from_db()
    assert interview.finished_at is not None
    assert done.url == reverse("mock:debrief", args=[interview.pk])
    # A finished mock resumes on its debrief.
    assert alice_client.get(interview.get_absolute_url()).url == done.url
    debrief = alice_client.get(done.url)
    page = debrief.content.decode()
    numbers = debrief.context["debrief"]
    seconds = [s.seconds for s in numbers.steps]
    assert all(75 <= n <= 80 for n in seconds) and len(seconds) == 3
    assert [s.over_by for s in numbers.steps] == [n - 60 for n in seconds]
    assert numbers.mean_rating == pytest.approx(3.7)
    assert "3 over the 60-second target" in page
    weak = [t.title for t in numbers.weak_themes]
    assert weak == [steps[0].theme_title]
    assert "Themes that felt weak" in page and escape(steps[0].theme_title) in page

    # Each answer fed practice's schedule, as a practice round does.
    sessions = PracticeSession.objects.filter(owner=alice)
    assert sessions.count() == 3
    assert sorted(sessions.values_list("duration_seconds", flat=True)) == sorted(
        seconds
    )
    card = PracticeCard.objects.get(owner=alice, question=steps[0].question)
    assert card.story == laddered and card.last_rating == 2 and card.box == 1
    card = PracticeCard.objects.get(owner=alice, question=steps[1].question)
    assert card.story == bare and card.box == 2


def test_too_few_questions_says_so_and_starts_nothing(alice_client, alice):
    empty = make_job(alice, themes=[])
    response = start(alice_client, empty, count=3)
    assert response.status_code == 422
    assert "have only 0 questions" in response.content.decode()
    assert not MockInterview.objects.exists()


def test_the_job_page_and_practice_link_mock_mode(alice_client, job):
    assert (
        reverse("mock:index")
        in alice_client.get(job.get_absolute_url()).content.decode()
    )
    page = alice_client.get(reverse("practice:index")).content.decode()
    assert reverse("mock:index") in page
    form = alice_client.get(reverse("mock:index"), {"job": job.pk}).content.decode()
    assert f'value="{job.pk}" selected' in form


def test_a_recording_kept_for_an_answer_gives_its_real_length(
    alice_client, alice, bob, job
):
    start(alice_client, job, count=3, target=60)
    interview = MockInterview.objects.get(owner=alice)
    page = alice_client.get(interview.get_absolute_url()).content.decode()
    assert "Record your answer" in page and "data-recording-field" in page
    audio = b"\x1a\x45\xdf\xa3" + bytes(2000)
    mine = Recording.keep(alice, audio, "audio/webm", 47)
    theirs = Recording.keep(bob, audio, "audio/webm", 12)
    url = reverse("mock:answer", args=[interview.pk])
    # Another user's recording is no choice: nothing is answered.
    answer = {"position": 1, "rating": 4, "recording": theirs.pk}
    assert alice_client.post(url, answer).status_code == 422
    assert interview.steps.get(position=1).answered_at is None
    alice_client.post(url, answer | {"recording": mine.pk})
    step = interview.steps.get(position=1)
    # Answered at once by the server's clock, but spoken for 47 seconds.
    assert step.seconds == 47
    session = PracticeSession.objects.get(owner=alice)
    assert session.duration_seconds == 47
    mine.refresh_from_db()
    assert mine.session == session
