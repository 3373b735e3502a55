"""The job-description matcher: requirements, ranking on both databases, accepting
and dismissing matches, and the full-text index it ranks with."""

import re

import pytest
from django.urls import reverse

from coverage.report import Coverage
from jobs.models import DESCRIPTION_MAX
from matcher.models import Dismissal
from matcher.ranking import match, ranked_ids
from matcher.text import highlight, split
from stories.models import Story
from tests.factories import make_job, make_story
from themes.models import Theme

HX = {"HX-Request": "true"}
READY = Story.Status.READY
JD = """\
Staff Engineer, Platform

About us
We build payments software for small shops across Europe.

What you'll do
- Lead the on-call rotation and run the reviews after each outage.
- Partner with stakeholders in sales and support to plan the roadmap.
- Mentor junior engineers and grow them through code review.
- Cut API latency and make our services faster under load.

Requirements
- Hands-on Kubernetes operators and Helm charts.

Benefits
- Generous holidays and a learning budget.
"""
# Each requirement above (but Kubernetes, a gap) and the story that answers it.
EXPECTED = {
    0: "Ran the incident postmortem after the checkout went down",
    1: "Aligned a cross-team plan nobody owned",
    2: "Coached two engineers to promotion",
    3: "Halved the search service's p95",
}


@pytest.fixture
def themes(playbook):
    return {
        slug: Theme.objects.get(slug=slug, owner=None)
        for slug in [
            "handling-model-failures-in-production",
            "technical-leadership-cross-team-collaboration",
            "mentorship-growing-others",
        ]
    }


@pytest.fixture
def job(alice, themes):
    return make_job(alice, themes=themes.values(), description=JD)


@pytest.fixture
def stories(alice):
    return {
        "incident": make_story(
            alice,
            title=EXPECTED[0],
            situation="Checkout was down for forty minutes on a Friday; I was the "
            "engineer paged for the incident.",
            action="Ran the blameless postmortem and wrote the runbook.",
            status=READY,
        ),
        "roadmap": make_story(
            alice,
            title=EXPECTED[1],
            situation="Sales and support each had their own list of asks.",
            action="Brought the stakeholders into one cross-team planning session "
            "and agreed a shared roadmap.",
        ),
        "mentoring": make_story(
            alice,
            title=EXPECTED[2],
            action="Coached two junior engineers weekly and paired on their code "
            "reviews.",
            result="Both were promoted within a year.",
        ),
        "latency": make_story(
            alice,
            title=EXPECTED[3],
            action="Profiled the API under load and cached the hot queries.",
            result="Latency fell by half; the services got faster at peak.",
        ),
        "distractor": make_story(
            alice,
            title="Migrated billing to a new database",
            action="Moved payments data for small shops with no downtime.",
        ),
    }


def titles(result):
    return [m.story.title for m in result.matches]


def test_the_requirements_are_the_lines_under_the_headings_that_list_them():
    requirements, fell_back = split(JD)
    assert not fell_back
    assert [r.text for r in requirements] == [
        "Lead the on-call rotation and run the reviews after each outage.",
        "Partner with stakeholders in sales and support to plan the roadmap.",
        "Mentor junior engineers and grow them through code review.",
        "Cut API latency and make our services faster under load.",
        "Hands-on Kubernetes operators and Helm charts.",
    ]
    # Plain prose: each sentence, and the page says so.
    requirements, fell_back = split(
        "We want someone who ships fast. You will mentor people and reduce "
        "latency! Great pay."
    )
    assert fell_back
    assert [r.text for r in requirements] == [
        "We want someone who ships fast.",
        "You will mentor people and reduce latency!",
    ]


def test_highlighting_escapes_first_then_marks_the_matched_words():
    (requirement,), _ = split("- Reduce latency of <b>services</b>")
    html = highlight(
        "Cut <script>latency</script> & improved performance", {*requirement.marked}
    )
    assert html == (
        "Cut &lt;script&gt;<mark>latency</mark>&lt;/script&gt; &amp; improved "
        "<mark>performance</mark>"
    )


def test_each_requirement_ranks_its_story_first_and_the_gap_is_listed(
    alice_client, alice, bob, job, stories, themes, django_assert_max_num_queries
):
    # Bob's story says everything, and is never offered to Alice; nor is her
    # trashed one, nor a retired one.
    make_story(bob, title="Bob: incident, stakeholders, mentor, latency, Kubernetes")
    make_story(alice, title="Kubernetes operators trashed").move_to_trash()
    make_story(alice, title="Helm charts retired", status=Story.Status.RETIRED)
    requirements, _ = split(JD)
    results = match(job, requirements)
    for index, title in EXPECTED.items():
        assert titles(results[index])[0] == title, results[index].requirement.text
    assert results[4].is_gap and not results[0].is_gap
    # Synonyms found these: "on-call" ~ incident, "mentor" ~ coach (stemmed).
    assert "<mark>incident</mark>" in results[0].matches[0].title
    assert "<mark>Coached</mark>" in results[2].matches[0].title
    assert results[0].themes[0][0] == themes["handling-model-failures-in-production"]
    assert results[2].themes[0][0] == themes["mentorship-growing-others"]

    # The page: the same, in a bounded number of queries whatever the number of
    # requirements and stories: session, user, job, whether it has themes, the
    # themes and their questions, prompts and points, dismissals with their
    # stories' titles (one join), one ranking query, the stories and their themes
    # and questions; the header's coverage summary and job switcher.
    for story in stories.values():
        Dismissal.objects.create(job=job, requirement_key="x", story=story)
    Dismissal.objects.create(
        job=job, requirement_key=requirements[4].key, story=stories["distractor"]
    )
    with django_assert_max_num_queries(15):
        response = alice_client.get(reverse("matcher:match", args=[job.pk]))
    page = response.content.decode()
    assert page.count("1 dismissed</summary>") == 1
    assert response.status_code == 200
    gaps = page.split('id="gaps-heading"')[1]
    assert "Hands-on Kubernetes operators and Helm charts." in gaps
    assert "Draft a story for this" in page and "Bob:" not in page
    assert "trashed" not in page and "retired" not in page
    assert "No heading such as" not in page
    draft = re.search(r'href="(/stories/new/\?title=[^"]+)"', page).group(1)
    editor = alice_client.get(draft.replace("&amp;", "&")).content.decode()
    assert 'value="Hands-on Kubernetes operators and Helm charts."' in editor


def test_accepting_tags_the_story_and_coverage_counts_it(
    alice_client, alice, job, stories, themes
):
    theme = themes["handling-model-failures-in-production"]
    story = stories["incident"]
    before = next(t for t in Coverage(alice).themes if t.theme == theme).total
    key = split(JD)[0][0].key
    url = reverse("matcher:accept", args=[job.pk])
    response = alice_client.post(
        url, {"requirement": key, "story": story.pk, "choice": theme.pk}
    )
    assert response.status_code == 302
    assert response.url.endswith("#req-0")
    assert theme in story.themes.all()
    after = next(t for t in Coverage(alice).themes if t.theme == theme)
    assert after.total == before + 1 and after.ready >= 1
    # With htmx: the requirement's block, saying the story is tagged now.
    question = theme.questions.filter(owner=None).first()
    response = alice_client.post(
        url,
        {
            "requirement": key,
            "story": story.pk,
            "choice": f"{theme.pk}-{question.pk}",
        },
        headers=HX,
    )
    fragment = response.content.decode()
    assert "<html" not in fragment and 'id="req-0"' in fragment
    assert re.search(r'name="csrfmiddlewaretoken" value="\w{64}"', fragment)
    assert f"Tagged with {theme.title}" in fragment
    assert question in story.questions.all()


def test_dismissing_hides_the_story_for_that_requirement_only(
    alice_client, alice, job, stories
):
    story = stories["incident"]
    requirements, _ = split(JD)
    url = reverse("matcher:dismiss", args=[job.pk])
    response = alice_client.post(
        url, {"requirement": requirements[0].key, "story": story.pk}, headers=HX
    )
    assert response.status_code == 200
    # Only under "1 dismissed", no longer ranked.
    ranked = response.content.decode().split('class="match-dismissed"')[0]
    assert EXPECTED[0] not in ranked
    assert Dismissal.objects.filter(job=job, story=story).count() == 1
    results = match(job, requirements)
    assert story.title not in titles(results[0])
    # A plain post goes back to the page; the same dismissal twice is one row.
    response = alice_client.post(
        url, {"requirement": requirements[0].key, "story": story.pk}
    )
    assert response.status_code == 302
    assert Dismissal.objects.filter(job=job, story=story).count() == 1


def test_a_dismissed_story_is_listed_folded_and_undoing_offers_it_again(
    alice_client, alice, job, stories
):
    story = stories["incident"]
    key = split(JD)[0][0].key
    page_url = reverse("matcher:match", args=[job.pk])
    dismiss = reverse("matcher:dismiss", args=[job.pk])
    for headers in (HX, {}):  # with htmx, then a plain form post
        response = alice_client.post(
            dismiss, {"requirement": key, "story": story.pk}, headers=headers
        )
        dismissal = Dismissal.objects.get(job=job, story=story)
        undo = reverse("matcher:undo", args=[job.pk, dismissal.pk])
        if headers:
            block = response.content.decode()
        else:
            block = alice_client.get(page_url).content.decode()
            block = block.split('id="req-0"')[1].split("</section>")[0]
        ranked, folded = block.split('class="match-dismissed"')
        assert EXPECTED[0] not in ranked
        assert "1 dismissed</summary>" in folded and EXPECTED[0] in folded
        assert f'action="{undo}"' in folded and f'hx-post="{undo}"' in folded

        response = alice_client.post(undo, headers=headers)
        assert not Dismissal.objects.exists()
        if headers:
            fragment = response.content.decode()
            assert "<html" not in fragment and 'id="req-0"' in fragment
            assert "match-dismissed" not in fragment
        else:
            assert response.status_code == 302
            assert response.url == f"{page_url}#req-0"
            page = alice_client.get(page_url).content.decode()
            assert "is offered again for this requirement" in page
            fragment = page.split('id="req-0"')[1].split("</section>")[0]
        assert titles(match(job, split(JD)[0])[0])[0] == EXPECTED[0]
        assert EXPECTED[0] in fragment
    # A dismissal whose requirement has been reworded since is gone on undo, and
    # the page says the description changed.
    dismissal = Dismissal.objects.create(job=job, requirement_key=key, story=story)
    job.description = "- Something else entirely, like mentoring."
    job.save()
    response = alice_client.post(
        reverse("matcher:undo", args=[job.pk, dismissal.pk]), headers=HX
    )
    assert response["HX-Redirect"] == page_url
    assert not Dismissal.objects.exists()


def test_another_users_job_or_story_is_a_404(
    alice_client, bob_client, bob, job, stories, themes
):
    key = split(JD)[0][0].key
    theme = themes["handling-model-failures-in-production"]
    story = stories["incident"]
    assert bob_client.get(reverse("matcher:match", args=[job.pk])).status_code == 404
    for name in ["matcher:accept", "matcher:dismiss"]:
        data = {"requirement": key, "story": story.pk, "choice": theme.pk}
        response = bob_client.post(reverse(name, args=[job.pk]), data)
        assert response.status_code == 404
        bobs_job = make_job(bob, themes=[theme], description=JD)
        response = bob_client.post(reverse(name, args=[bobs_job.pk]), data)
        assert response.status_code == 404
    assert not story.themes.exists() and not Dismissal.objects.exists()
    # Nor can bob undo alice's dismissal, through her job or his.
    dismissal = Dismissal.objects.create(job=job, requirement_key=key, story=story)
    for job_pk in (job.pk, bobs_job.pk):
        url = reverse("matcher:undo", args=[job_pk, dismissal.pk])
        assert bob_client.post(url).status_code == 404
        assert bob_client.post(url, headers=HX).status_code == 404
    assert Dismissal.objects.filter(pk=dismissal.pk).exists()


def test_a_pasted_description_is_saved_and_bad_ones_change_nothing(alice_client, job):
    url = reverse("matcher:match", args=[job.pk])
    too_long = "x" * (DESCRIPTION_MAX + 1)
    for text, message in [
        (too_long, "at most 50,000 characters; this one has 50,001"),
        ("   ", "Paste the job description to match it."),
    ]:
        response = alice_client.post(url, {"description": text})
        page = response.content.decode()
        assert response.status_code == 422 and message in page
        job.refresh_from_db()
        assert job.description == JD
        # What was typed is kept (the long one whole).
        assert text.strip() == "" or text in page
    response = alice_client.post(url, {"description": "Mentor people. Ship fast."})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.description == "Mentor people. Ship fast."
    page = alice_client.get(url).content.decode()
    assert "No heading such as" in page


def test_the_index_follows_edits_trash_and_restore(alice, stories):
    story = stories["distractor"]
    (requirement,), _ = split("- Sharded ledger partitions")

    def found():
        hits = ranked_ids(alice, [requirement], lambda i: 10).get(0, [])
        return story.pk in hits, story in Story.objects.for_user(alice).search("ledg")

    assert found() == (False, False)
    story.apply_edit({"action": "Sharded the ledger partitions"}, story.version)
    assert found() == (True, True)
    story.move_to_trash()
    assert found() == (False, False)
    story.restore_from_trash()
    assert found() == (True, True)
    Story.objects.filter(pk=story.pk).update(action="Nothing about it")
    assert found() == (False, False)
