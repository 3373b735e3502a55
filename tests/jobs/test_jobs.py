import re
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import escape

from jobs.models import DESCRIPTION_MAX, Job
from jobs.scope import SESSION_KEY, themes_in_view
from stories.models import Story
from tests.factories import make_job, make_own_theme, make_story
from themes.models import THEME_TITLE_MAX, Playbook, Theme, UserTheme

HX = {"HX-Request": "true"}
INDEX = reverse("jobs:index")
NEW = reverse("jobs:new")
SWITCH = reverse("jobs:switch")


@pytest.fixture
def themes(playbook):
    return list(
        Theme.objects.filter(playbook__slug="ml-computer-vision").order_by("number")
    )


@pytest.fixture
def job(alice, themes):
    return make_job(alice, themes=themes[:2], company="Acme", role="Staff engineer")


def job_form(**overrides):
    data = {
        "company": "Initech",
        "role": "Principal engineer",
        "level": "L7",
        "interview_date": "2027-03-04",
        "status": "interviewing",
        "description": "Lead the platform team.",
        "themes": [],
    }
    data.update(overrides)
    return data


def theme_form(**overrides):
    data = {
        "theme-title": "Working with regulators",
        "theme-description": "Audits, filings, the FDA.",
        "theme-target_min": "1",
        "theme-target_max": "2",
    }
    data.update(overrides)
    return data


def saved_state():
    """Every row the jobs pages may write: jobs, their themes, own themes, sets."""
    return (
        list(Job.objects.order_by("pk").values()),
        sorted(Job.themes.through.objects.values_list("job_id", "theme_id")),
        list(Theme.objects.filter(owner__isnull=False).order_by("pk").values()),
        list(UserTheme.objects.order_by("pk").values()),
    )


def field_block(html, name):
    """The HTML of one field's block in a job form (label, input, errors)."""
    return html.split(f'<div class="field field-{name}', 1)[1].split("</div>\n</div>")[
        0
    ]


def request_with_session_of(client, user):
    request = RequestFactory().get("/")
    request.user = user
    request.session = client.session
    return request


# The list


def test_the_list_shows_only_my_jobs_and_which_one_is_current(
    alice_client, alice, bob, job
):
    make_job(alice, company="Globex", role="Tech lead")
    make_job(bob, company="Bobcorp", role="Bob's secret role")
    alice_client.post(SWITCH, {"job": job.pk})
    html = alice_client.get(INDEX).content.decode()
    assert f'href="{reverse("jobs:new")}">Add a job</a>' in html
    assert "Tech lead at Globex" in html
    assert "Bob&#x27;s secret role" not in html and "Bobcorp" not in html
    current = html.split('class="card job-current"', 1)[1].split("</li>")[0]
    assert "Staff engineer at Acme" in current
    assert "Preparing now" in current
    assert html.count("Preparing now") == 1
    assert "2 themes" in current


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_runs_a_fixed_number_of_queries(
    alice_client, alice, themes, django_assert_num_queries, count
):
    jobs = [make_job(alice, themes=themes, company=f"Co {i}") for i in range(count)]
    # Session, user, the jobs with their theme counts (one aggregate), the nav's
    # counts, the switcher's list; with a job chosen, that job (the view asks,
    # the switcher reuses it).
    with django_assert_num_queries(5):
        html = alice_client.get(INDEX).content.decode()
    assert html.count('<li class="card') == count
    alice_client.post(SWITCH, {"job": jobs[0].pk})
    with django_assert_num_queries(6):
        alice_client.get(INDEX)


def test_the_list_with_no_jobs_says_how_to_start(alice_client):
    html = alice_client.get(INDEX).content.decode()
    assert "No jobs yet" in html


# Creating


def test_a_new_job_starts_with_no_themes_ticked_grouped_by_playbook(
    alice_client, alice, bob, themes
):
    mine = make_own_theme(alice, "Working with regulators")
    make_own_theme(bob, "Bob's private theme")
    html = alice_client.get(NEW).content.decode()
    assert 'name="themes"' in html and "checked" not in html
    playbook = Playbook.objects.get(slug="ml-computer-vision")
    group = html.split(f"<legend>{escape(playbook.title)}</legend>", 1)[1]
    group = group.split("</fieldset>", 1)[0]
    assert all(escape(t.title) in group for t in themes)
    own = html.split("<legend>Your own themes</legend>", 1)[1].split("</fieldset>")[0]
    assert f'value="{mine.pk}"' in own and "Working with regulators" in own
    assert "private theme" not in html
    assert 'name="all_mine"' in html
    assert '<input type="date" name="interview_date"' in html


def test_alice_adds_a_job_with_the_themes_she_ticked(alice_client, alice, themes):
    response = alice_client.post(NEW, job_form(themes=[themes[0].pk, themes[3].pk]))
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert (job.owner, job.company, job.role, job.level) == (
        alice,
        "Initech",
        "Principal engineer",
        "L7",
    )
    assert str(job.interview_date) == "2027-03-04"
    assert job.status == Job.Status.INTERVIEWING
    assert set(job.themes.all()) == {themes[0], themes[3]}


def test_use_all_my_themes_adds_the_themes_in_my_set(alice_client, alice, themes):
    mine = make_own_theme(alice)
    hidden = UserTheme.objects.get(owner=alice, theme=themes[4])
    hidden.hidden = True
    hidden.save()
    alice_client.post(NEW, job_form(themes=[themes[4].pk], all_mine="on"))
    job = Job.objects.get()
    # Ticked themes stay; the set's visible ones join them.
    assert set(job.themes.all()) == {*themes, mine}
    alice_client.post(NEW, job_form(company="Hidden out", all_mine="on"))
    assert set(Job.objects.get(company="Hidden out").themes.all()) == {
        *themes[:4],
        mine,
    }


# Validation: nothing saved, what was typed comes back


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"company": ""}, "company", "Name the company."),
        ({"role": "   "}, "role", "Name the role."),
        (
            {"description": "x" * (DESCRIPTION_MAX + 1)},
            "description",
            f"Keep the description to {DESCRIPTION_MAX:,} characters or fewer "
            f"(it has {DESCRIPTION_MAX + 1}).",
        ),
        ({"interview_date": "next tuesday"}, "interview_date", "Enter a valid date."),
    ],
)
def test_a_refused_new_job_saves_nothing_and_keeps_what_was_typed(
    alice_client, themes, overrides, field, message
):
    before = saved_state()
    data = job_form(themes=[themes[1].pk], **overrides)
    response = alice_client.post(NEW, data)
    assert response.status_code == 422
    assert saved_state() == before
    html = response.content.decode()
    block = field_block(html, field)
    assert message in block
    assert re.search(rf'aria-describedby="[^"]*id_{field}_error"', block)
    assert 'aria-invalid="true"' in block
    # Everything typed is still there, the themes ticked too.
    for name in ("company", "role", "level"):
        if name not in overrides:
            assert f'value="{escape(data[name])}"' in html
    if field != "description":
        assert "Lead the platform team.</textarea>" in html
    assert re.search(rf'value="{themes[1].pk}"[^>]*checked', html)


def test_a_new_job_naming_another_users_theme_is_refused(alice_client, bob, themes):
    bobs = make_own_theme(bob, "Bob's private theme")
    before = saved_state()
    response = alice_client.post(NEW, job_form(themes=[themes[0].pk, bobs.pk]))
    assert response.status_code == 422
    assert saved_state() == before
    html = response.content.decode()
    themes_box = html.split('<fieldset class="job-themes field-invalid"', 1)[1]
    assert "Choose from the themes listed here." in themes_box
    assert 'aria-describedby="id_themes_helptext id_themes_error"' in html
    assert 'id="id_themes_error"' in html
    assert "private theme" not in html
    assert 'value="Initech"' in html


# The job's page: editing


def test_the_jobs_page_shows_it_its_themes_and_the_edit_form(alice_client, job, themes):
    html = alice_client.get(job.get_absolute_url()).content.decode()
    assert "<h1>Staff engineer at Acme</h1>" in html
    overview = html.split('class="card job-prepare"', 1)[1].split("</section>")[0]
    assert escape(themes[0].title) in overview and escape(themes[1].title) in overview
    assert escape(themes[2].title) not in overview
    assert ">Prepare for this job</button>" in overview
    assert re.search(rf'value="{themes[0].pk}"[^>]*checked', html)
    assert not re.search(rf'value="{themes[2].pk}"[^>]*checked', html)
    assert 'value="Acme"' in html


def test_alice_edits_her_job(alice_client, job, themes):
    response = alice_client.post(
        job.get_absolute_url(),
        job_form(company="Acme Labs", themes=[themes[2].pk], status="offer"),
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.company, job.role, job.status) == (
        "Acme Labs",
        "Principal engineer",
        "offer",
    )
    assert list(job.themes.all()) == [themes[2]]


@pytest.mark.parametrize(
    "overrides",
    [
        {"company": ""},
        {"role": ""},
        {"description": "y" * (DESCRIPTION_MAX + 1)},
        {"themes": ["999999"]},
    ],
)
def test_a_refused_edit_saves_nothing_and_keeps_what_was_typed(
    alice_client, job, themes, overrides
):
    before = saved_state()
    data = job_form(**{"themes": [themes[4].pk], "level": "Staff+", **overrides})
    response = alice_client.post(job.get_absolute_url(), data)
    assert response.status_code == 422
    assert saved_state() == before
    html = response.content.decode()
    assert 'value="Staff+"' in html
    # The heading is the job as saved, not as typed.
    assert "<h1>Staff engineer at Acme</h1>" in html
    assert 'class="error"' in html


def test_an_edit_naming_another_users_theme_is_refused(alice_client, bob, job):
    bobs = make_own_theme(bob, "Bob's private theme")
    before = saved_state()
    response = alice_client.post(job.get_absolute_url(), job_form(themes=[bobs.pk]))
    assert response.status_code == 422
    assert saved_state() == before
    assert "Choose from the themes listed here." in response.content.decode()


# Deleting


def test_deleting_asks_first_and_keeps_stories_and_themes(alice_client, alice, job):
    own = make_own_theme(alice)
    job.themes.add(own)
    make_story(alice, themes=[own])
    url = reverse("jobs:delete", args=[job.pk])
    page = alice_client.get(url).content.decode()
    assert "Delete Staff engineer at Acme?" in page
    assert "Your stories stay" in page
    assert Job.objects.filter(pk=job.pk).exists()
    themes_before = Theme.objects.count()
    response = alice_client.post(url)
    assert response.status_code == 302 and response.url == INDEX
    assert not Job.objects.filter(pk=job.pk).exists()
    assert Theme.objects.count() == themes_before
    assert Story.objects.get().themes.get() == own
    assert UserTheme.objects.filter(owner=alice, theme=own).exists()


# Another user's job


def test_another_users_job_is_a_404_on_every_url(bob_client, job, themes):
    before = saved_state()
    detail = job.get_absolute_url()
    assert bob_client.get(detail).status_code == 404
    assert bob_client.post(detail, job_form()).status_code == 404
    add = reverse("jobs:add_theme", args=[job.pk])
    assert bob_client.post(add, theme_form()).status_code == 404
    delete = reverse("jobs:delete", args=[job.pk])
    assert bob_client.get(delete).status_code == 404
    assert bob_client.post(delete).status_code == 404
    assert bob_client.post(SWITCH, {"job": job.pk}).status_code == 404
    assert SESSION_KEY not in bob_client.session
    assert saved_state() == before


@pytest.mark.parametrize("value", ["abc", "-1", "0", "²", "9" * 30])
def test_switching_to_a_job_that_cannot_be_is_a_404(alice_client, value):
    assert alice_client.post(SWITCH, {"job": value}).status_code == 404


# The switcher


def test_switching_scopes_the_pages_to_the_jobs_themes(
    alice_client, alice, job, themes
):
    response = alice_client.post(SWITCH, {"job": job.pk, "next": "/stories/"})
    assert response.status_code == 302 and response.url == "/stories/"
    assert alice_client.session[SESSION_KEY] == job.pk
    current, in_view = themes_in_view(request_with_session_of(alice_client, alice))
    assert current == job
    assert list(in_view) == themes[:2]

    alice_client.post(SWITCH, {"job": ""})
    assert SESSION_KEY not in alice_client.session
    current, in_view = themes_in_view(request_with_session_of(alice_client, alice))
    assert current is None
    assert list(in_view) == list(Theme.objects.for_user(alice))


@pytest.mark.parametrize(
    "next_url", ["", "https://evil.example/", "//evil.example/", "stories:list"]
)
def test_switching_goes_back_only_to_a_page_of_this_site(alice_client, job, next_url):
    response = alice_client.post(SWITCH, {"job": job.pk, "next": next_url})
    assert response.status_code == 302
    assert response.url == reverse("coverage:index")


def test_deleting_the_current_job_falls_back_to_all_themes(alice_client, alice, job):
    alice_client.post(SWITCH, {"job": job.pk})
    alice_client.post(reverse("jobs:delete", args=[job.pk]))
    assert SESSION_KEY not in alice_client.session
    current, in_view = themes_in_view(request_with_session_of(alice_client, alice))
    assert current is None
    assert list(in_view) == list(Theme.objects.for_user(alice))


def test_a_current_job_deleted_elsewhere_falls_back_to_all_themes(
    alice_client, alice, job
):
    alice_client.post(SWITCH, {"job": job.pk})
    # Deleted in another session (another browser): this one still names it.
    Job.objects.filter(pk=job.pk).delete()
    current, in_view = themes_in_view(request_with_session_of(alice_client, alice))
    assert current is None
    assert list(in_view) == list(Theme.objects.for_user(alice))
    html = alice_client.get(INDEX).content.decode()
    assert "Preparing now" not in html


def switcher(html):
    return html.split('<form class="job-bar', 1)[1].split("</form>", 1)[0]


def test_the_header_switcher_offers_my_open_jobs_with_the_current_one_selected(
    alice_client, alice, bob, job
):
    make_job(alice, company="Globex", role="Tech lead")
    make_job(alice, company="Oldco", role="Gone", status=Job.Status.CLOSED)
    make_job(bob, company="Bobcorp")
    alice_client.post(SWITCH, {"job": job.pk})
    html = alice_client.get(reverse("themes:index")).content.decode()
    form = switcher(html)
    # Tinted while the pages show one job's themes.
    assert form.startswith(' is-scoped"')
    assert f'action="{SWITCH}"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="next" value="/themes/">' in form
    assert '<label for="job-switcher">Preparing for</label>' in form
    assert '<option value="">All my themes</option>' in form
    assert f'<option value="{job.pk}" selected>Staff engineer at Acme</option>' in form
    assert "Tech lead at Globex</option>" in form
    assert "Oldco" not in form and "Bobcorp" not in form
    assert form.count(" selected") == 1
    assert '<button type="submit" class="secondary">Switch</button>' in form
    assert f'href="{INDEX}"' in html


def test_with_no_current_job_the_switcher_selects_all_my_themes(alice_client, job):
    form = switcher(alice_client.get(reverse("themes:index")).content.decode())
    assert " selected" not in form
    assert "is-scoped" not in form


def test_a_closed_current_job_is_still_shown_as_current(alice_client, job):
    alice_client.post(SWITCH, {"job": job.pk})
    job.status = Job.Status.CLOSED
    job.save()
    form = switcher(alice_client.get(INDEX).content.decode())
    assert f'<option value="{job.pk}" selected>' in form


def test_without_jobs_the_header_has_no_switcher(alice_client):
    html = alice_client.get(reverse("themes:index")).content.decode()
    assert "job-bar" not in html
    assert f'href="{INDEX}"' in html


def test_the_jobs_page_says_when_it_is_current(alice_client, job):
    url = job.get_absolute_url()
    alice_client.post(SWITCH, {"job": job.pk})
    html = alice_client.get(url).content.decode()
    assert "You are preparing for this job" in html
    assert ">Show all my themes instead</button>" in html


@pytest.mark.parametrize("jobs", [0, 1, 20])
def test_the_switcher_costs_one_query_however_many_jobs(
    alice_client, alice, themes, django_assert_num_queries, jobs
):
    for i in range(jobs):
        make_job(alice, themes=themes, company=f"Company {i}")
    # The themes page with the header (see tests/coverage): its 6 queries, and the
    # switcher's list of jobs. With no job chosen, the current one costs nothing.
    with django_assert_num_queries(7):
        html = alice_client.get(reverse("themes:index")).content.decode()
    assert html.count("<option") == (jobs + 1 if jobs else 0)
    if jobs:
        # With a job chosen, the current job is one more (on a page whose view
        # asks themes_in_view, that one is fetched already).
        alice_client.post(SWITCH, {"job": Job.objects.first().pk})
        with django_assert_num_queries(8):
            alice_client.get(reverse("themes:index"))


# A theme just for this job


def test_alice_adds_a_theme_just_for_this_job(alice_client, alice, job, themes):
    response = alice_client.post(
        reverse("jobs:add_theme", args=[job.pk]),
        theme_form(**{"theme-title": "  Working with regulators  "}),
    )
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    theme = Theme.objects.get(owner=alice)
    assert (theme.title, theme.description, theme.target_min, theme.target_max) == (
        "Working with regulators",
        "Audits, filings, the FDA.",
        1,
        2,
    )
    assert (theme.slug, theme.number, theme.playbook) == (
        "working-with-regulators",
        None,
        None,
    )
    assert set(job.themes.all()) == {*themes[:2], theme}
    # Last in her set, so coverage of all her themes counts it too.
    assert list(Theme.objects.for_user(alice))[-1] == theme
    page = alice_client.get(response.url).content.decode()
    assert "Added the theme “Working with regulators” to this job" in page


def test_a_theme_with_a_built_in_themes_slug_gets_its_own(alice_client, alice, job):
    built_in = Theme.objects.built_in().first()
    alice_client.post(
        reverse("jobs:add_theme", args=[job.pk]),
        theme_form(**{"theme-title": built_in.slug.replace("-", " ")}),
    )
    theme = Theme.objects.get(owner=alice)
    assert theme.slug != built_in.slug and theme.slug.startswith(built_in.slug)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"theme-title": ""}, "title", "Name the theme."),
        ({"theme-title": "   "}, "title", "Name the theme."),
        (
            {"theme-title": "x" * (THEME_TITLE_MAX + 1)},
            "title",
            f"Keep the name to {THEME_TITLE_MAX} characters or fewer (it has 121).",
        ),
        (
            {"theme-title": "WORKING with Regulators"},
            "title",
            "You already have a theme with this name.",
        ),
        (
            {"theme-target_min": "3", "theme-target_max": "2"},
            "target_max",
            "Make this at least as many as above.",
        ),
        ({"theme-target_min": "0"}, "target_min", "greater than or equal to 1"),
    ],
)
def test_a_refused_theme_saves_nothing_and_keeps_what_was_typed(
    alice_client, alice, job, overrides, field, message
):
    make_own_theme(alice, "Working with regulators")
    before = saved_state()
    data = theme_form(**{"theme-title": "Negotiating scope", **overrides})
    response = alice_client.post(reverse("jobs:add_theme", args=[job.pk]), data)
    assert response.status_code == 422
    assert saved_state() == before
    html = response.content.decode()
    block = field_block(html, field)
    assert message in block
    assert f'id="id_theme-{field}_error"' in block
    assert re.search(rf'aria-describedby="[^"]*id_theme-{field}_error"', block), (
        "the error is tied to its field"
    )
    title = data["theme-title"].strip()
    if title and len(title) <= THEME_TITLE_MAX:
        assert f'value="{escape(title)}"' in field_block(html, "title")
    assert "Audits, filings, the FDA.</textarea>" in html
    # The job's own form is there too, as saved.
    assert 'value="Acme"' in html


def test_a_theme_named_like_another_users_theme_is_fine(alice_client, alice, bob, job):
    make_own_theme(bob, "Working with regulators")
    response = alice_client.post(reverse("jobs:add_theme", args=[job.pk]), theme_form())
    assert response.status_code == 302
    assert Theme.objects.filter(owner=alice).count() == 1


# Two renderings: none of these pages has a fragment; htmx gets the page.


@pytest.mark.parametrize("name", ["jobs:index", "jobs:new", "detail", "delete"])
def test_the_pages_render_whole_for_htmx_too(alice_client, job, name):
    url = {
        "detail": job.get_absolute_url(),
        "delete": reverse("jobs:delete", args=[job.pk]),
    }.get(name) or reverse(name)
    for headers in ({}, HX):
        response = alice_client.get(url, headers=headers)
        assert response.status_code == 200
        assert "<html" in response.content.decode()


def test_logged_out_visitors_are_sent_to_log_in(client, job):
    for url in [INDEX, NEW, job.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    assert client.post(SWITCH, {"job": job.pk}).status_code == 302


def test_the_list_puts_the_newest_job_first_whatever_the_order_of_the_rows(
    alice_client, alice, themes
):
    # Created out of order (an import, a clock change): Meta.ordering does not
    # apply to the list's aggregate query, so the view must spell the order out.
    older = make_job(alice, themes=themes, company="Newer row, older job")
    newer = make_job(alice, themes=themes, company="Older row, newer job")
    Job = type(newer)
    Job.objects.filter(pk=newer.pk).update(created=older.created + timedelta(days=1))
    Job.objects.filter(pk=older.pk).update(created=older.created - timedelta(days=1))
    # (The header's job switcher lists them too, in its own query: look past it.)
    html = alice_client.get(INDEX).content.decode().split("<main", 1)[1]
    assert html.index("Older row, newer job") < html.index("Newer row, older job")
