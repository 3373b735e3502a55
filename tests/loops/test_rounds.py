import datetime

import pytest
from django.urls import reverse

from loops.models import ROUNDS_MAX, Assignment, Round
from tests.factories import make_job, make_own_theme, make_round, make_story
from themes.models import Theme


@pytest.fixture
def themes(playbook):
    return list(Theme.objects.built_in().order_by("pk")[:3])


@pytest.fixture
def job(alice, themes):
    return make_job(alice, themes=themes[:2])


def round_data(themes, **fields):
    data = {
        "name": "Onsite 2: system design",
        "interviewer": "Priya",
        "date": "2026-12-10",
        "time": "14:30",
        "themes": [t.pk for t in themes],
    }
    data.update(fields)
    return data


def test_the_jobs_page_links_the_loop_planner(alice_client, job):
    response = alice_client.get(job.get_absolute_url())
    assert reverse("loops:plan", args=[job.pk]).encode() in response.content
    assert b"Plan the interview loop" in response.content


def test_the_loop_page_offers_the_jobs_themes_first(alice_client, job, themes):
    response = alice_client.get(reverse("loops:plan", args=[job.pk]))
    assert response.status_code == 200
    assert b"No rounds yet" in response.content
    form = response.context["form"]
    offered = list(form.fields["themes"].queryset)
    assert set(offered[:2]) == set(themes[:2])
    assert themes[2] in offered


def test_a_user_adds_a_round_with_themes(alice_client, job, themes):
    response = alice_client.post(
        reverse("loops:add_round", args=[job.pk]), round_data(themes[1:3])
    )
    round_ = Round.objects.get(job=job)
    assert response.status_code == 302
    assert response.url.endswith(f"#round-{round_.pk}")
    assert round_.name == "Onsite 2: system design"
    assert round_.interviewer == "Priya"
    assert round_.date == datetime.date(2026, 12, 10)
    assert round_.time == datetime.time(14, 30)
    # Any visible theme, not only the job's.
    assert set(round_.themes.all()) == set(themes[1:3])
    page = alice_client.get(response.url)
    assert "Onsite 2: system design" in page.content.decode()
    assert "with Priya" in page.content.decode()


def test_a_round_without_themes_is_refused_with_a_message(alice_client, job):
    response = alice_client.post(
        reverse("loops:add_round", args=[job.pk]), round_data([])
    )
    assert response.status_code == 422
    assert "Pick at least one theme this round will probe." in (
        response.content.decode()
    )
    assert not Round.objects.exists()


def test_a_round_in_the_past_is_allowed_for_logging(alice_client, job, themes):
    response = alice_client.post(
        reverse("loops:add_round", args=[job.pk]),
        round_data(themes[:1], date="2020-01-15", name="Recruiter screen"),
    )
    assert response.status_code == 302
    assert Round.objects.get(job=job).date == datetime.date(2020, 1, 15)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"name": ""}, "Name the round."),
        ({"date": "tomorrow"}, "Give the date as YYYY-MM-DD."),
        ({"time": ""}, "Give the round&#x27;s time."),
        ({"name": "x\x00y"}, "Null characters are not allowed."),
    ],
)
def test_a_round_missing_a_field_says_what(alice_client, job, themes, fields, message):
    response = alice_client.post(
        reverse("loops:add_round", args=[job.pk]), round_data(themes[:1], **fields)
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Round.objects.exists()


def test_another_users_theme_cannot_be_probed(alice_client, bob, job, themes):
    theirs = make_own_theme(bob, "Bob's secret theme")
    response = alice_client.post(
        reverse("loops:add_round", args=[job.pk]), round_data([themes[0], theirs])
    )
    assert response.status_code == 422
    assert not Round.objects.exists()


def test_own_themes_can_be_probed(alice_client, alice, job):
    mine = make_own_theme(alice, "Working with regulators")
    alice_client.post(reverse("loops:add_round", args=[job.pk]), round_data([mine]))
    assert list(Round.objects.get().themes.all()) == [mine]


def test_editing_a_round_drops_the_stories_of_themes_it_no_longer_probes(
    alice_client, alice, job, themes
):
    round_ = make_round(job, themes=themes[:2])
    story = make_story(alice, themes=themes[:2])
    round_.assign(themes[0], story)
    round_.assign(themes[1], story)
    assert (
        alice_client.get(reverse("loops:edit_round", args=[round_.pk])).status_code
        == 200
    )
    response = alice_client.post(
        reverse("loops:edit_round", args=[round_.pk]),
        round_data([themes[1]], name="Renamed"),
    )
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.name == "Renamed"
    assert list(round_.themes.all()) == [themes[1]]
    assert list(Assignment.objects.values_list("theme_id", flat=True)) == [themes[1].pk]


def test_editing_a_round_to_no_themes_is_refused(alice_client, job, themes):
    round_ = make_round(job, themes=themes[:2])
    response = alice_client.post(
        reverse("loops:edit_round", args=[round_.pk]), round_data([], name="Changed")
    )
    assert response.status_code == 422
    assert "Pick at least one theme" in response.content.decode()
    round_.refresh_from_db()
    assert round_.name == "Hiring manager"
    assert round_.themes.count() == 2


def test_deleting_a_round_keeps_the_stories(alice_client, alice, job, themes):
    round_ = make_round(job, themes=themes[:1])
    story = make_story(alice, themes=themes[:1])
    round_.assign(themes[0], story)
    url = reverse("loops:delete_round", args=[round_.pk])
    assert alice_client.get(url).status_code == 200
    response = alice_client.post(url)
    assert response.status_code == 302
    assert not Round.objects.exists()
    assert not Assignment.objects.exists()
    story.refresh_from_db()


def test_a_loop_holds_a_bounded_number_of_rounds(alice_client, job, themes):
    for i in range(ROUNDS_MAX):
        make_round(job, themes=themes[:1], name=f"Round {i}")
    response = alice_client.post(
        reverse("loops:add_round", args=[job.pk]), round_data(themes[:1])
    )
    assert response.status_code == 302
    assert Round.objects.count() == ROUNDS_MAX
    page = alice_client.get(reverse("loops:plan", args=[job.pk]))
    assert b"the most it can hold" in page.content


def test_a_round_with_no_themes_left_is_flagged(alice_client, alice, job, themes):
    mine = make_own_theme(alice, "Doomed theme")
    make_round(job, themes=[mine], name="Bar raiser")
    mine.delete()
    page = alice_client.get(reverse("loops:plan", args=[job.pk])).content.decode()
    assert "Bar raiser: no themes yet." in page
    assert "This round has no themes yet" in page


@pytest.fixture
def alices_loop(alice, job, themes):
    round_ = make_round(job, themes=themes[:1])
    story = make_story(alice, themes=themes[:1], title="Alice's story")
    round_.assign(themes[0], story)
    return job, round_


# Each URL and the methods it answers; another user gets 404 on those, 405 on the rest.
JOB_URLS = {
    "plan": {"get"},
    "add_round": {"post"},
    "suggest": {"get", "post"},
    "markdown": {"get"},
    "print": {"get"},
    "pdf": {"get"},
}
ROUND_URLS = {
    "edit_round": {"get", "post"},
    "delete_round": {"get", "post"},
    "assign": {"post"},
}
HEADERS = [{}, {"HTTP_HX_REQUEST": "true"}]


@pytest.mark.parametrize("name", JOB_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_users_job_is_404_on_every_loop_url(
    bob_client, alices_loop, themes, name, method
):
    job, round_ = alices_loop
    url = reverse(f"loops:{name}", args=[job.pk])
    for headers in HEADERS:
        response = getattr(bob_client, method)(url, round_data(themes[:1]), **headers)
        assert response.status_code == (404 if method in JOB_URLS[name] else 405)
        assert b"Alice's story" not in response.content
    assert Round.objects.count() == 1
    assert Assignment.objects.filter(round=round_).count() == 1


@pytest.mark.parametrize("name", ROUND_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_users_round_is_404_on_every_round_url(
    bob_client, alices_loop, themes, name, method
):
    job, round_ = alices_loop
    url = reverse(f"loops:{name}", args=[round_.pk])
    data = {**round_data(themes[:1], name="Hijacked"), f"story_{themes[0].pk}": ""}
    for headers in HEADERS:
        response = getattr(bob_client, method)(url, data, **headers)
        assert response.status_code == (404 if method in ROUND_URLS[name] else 405)
        assert b"Hiring manager" not in response.content
    round_.refresh_from_db()
    assert round_.name == "Hiring manager"
    assert Assignment.objects.filter(round=round_).count() == 1


def test_adding_a_round_to_another_users_job_saves_nothing(
    bob_client, alices_loop, themes
):
    job, _ = alices_loop
    response = bob_client.post(
        reverse("loops:add_round", args=[job.pk]), round_data(themes[:1])
    )
    assert response.status_code == 404
    assert Round.objects.count() == 1


def test_charlie_logged_out_is_sent_to_log_in(client, alices_loop):
    job, round_ = alices_loop
    response = client.get(reverse("loops:plan", args=[job.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_the_plan_lists_rounds_by_date_whatever_the_order_they_were_added(
    alice_client, alice, job, themes
):
    # The plan's query counts debriefs (an aggregate), to which Meta.ordering does
    # not apply: the rounds' order has to be spelled out.
    make_round(
        job,
        themes=themes[:1],
        name="Added first, held last",
        date=datetime.date(2026, 12, 20),
    )
    make_round(
        job,
        themes=themes[:1],
        name="Added last, held first",
        date=datetime.date(2026, 12, 2),
    )
    html = alice_client.get(reverse("loops:plan", args=[job.pk])).content.decode()
    assert html.index("Added last, held first") < html.index("Added first, held last")
