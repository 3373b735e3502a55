"""The confidentiality scrub: what it replaces, what it must leave alone, and the
prep sheet's scrubbed downloads (issue 15, "share safely")."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from prepsheet import sheet as prepsheet
from sharing import scrub
from sharing.models import ShareRules
from stories.models import Story
from tests.factories import make_story
from themes.models import Theme

RULES = scrub.Rules(
    companies={"Acme": "a large e-commerce company", "Initech": "a bank"},
    names=("Priya Sharma", "Tom"),
    secrets={"Falcon": "an internal project", "Globex": "[redacted]"},
)


# Each kind of replacement ---------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        # Companies, with their own description, at a sentence's start too.
        ("I joined Acme in 2021.", "I joined a large e-commerce company in 2021."),
        (
            "Acme's checkout was slow.",
            "A large e-commerce company's checkout was slow.",
        ),
        (
            "at ACME and acme",
            "at a large e-commerce company and a large e-commerce company",
        ),
        ("Initech, then Acme", "A bank, then a large e-commerce company"),
        # A company inside a longer word is another word.
        ("Acmeology", "Acmeology"),
        # Names: the full name, and each part of it further on.
        ("Priya Sharma asked me", "Colleague A asked me"),
        (
            "I told Priya, then Sharma agreed",
            "I told Colleague A, then Colleague A agreed",
        ),
        ("Tom and Priya", "Colleague B and Colleague A"),
        # Names match as written: "tom" the word is not Tom the person.
        ("a tom-tom drum", "a tom-tom drum"),
        # Secret terms: code names and customers, any case.
        ("Project Falcon shipped", "Project an internal project shipped"),
        ("for GLOBEX", "for [redacted]"),
        # Exact figures become rounded ones, the unit kept.
        ("saved $38,412 a year", "saved about $40k a year"),
        ("37.6% fewer pages", "nearly 40% fewer pages"),
        ("1,234 users", "about 1,200 users"),
        ("recall from 71% to 94%", "recall from over 70% to over 90%"),
        ("€2.4M in revenue", "about €2M in revenue"),
        ("£950 per month", "about £1k per month"),
        ("3.4 % error rate", "over 3 % error rate"),
        ("3.6% of requests", "nearly 4% of requests"),
        ("12,345 requests", "about 12,000 requests"),
        ("2,024 users", "about 2,000 users"),
        ("487 tickets", "about 490 tickets"),
        ("99.95 percent uptime", "nearly 100 percent uptime"),
        # After an article, "~" reads better than "about".
        ("the 1,234 errors", "the ~1,200 errors"),
        ("a $38,412 saving", "a ~$40k saving"),
        ("the 37.6% drop", "the nearly 40% drop"),
    ],
)
def test_each_kind_of_replacement(text, expected):
    assert scrub.scrub_text(text, RULES) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I did it, and I said so.",
        "On Monday, Tuesday and Friday in March, May and December.",
        "We moved PostgreSQL onto Kubernetes with Terraform and Kafka.",
        # Numbers inside words and identifiers.
        "p95 latency, a SEV-1, an S3 bucket, the v2 API, CVE-2021-44228.",
        "HTTP 5xx, 2FA, 64GB, 350ms, 4K video, 1080p, version 1.2.3, at 10:30, #1234.",
        # A number that names something: a status code, a port, a version, a PR.
        "HTTP 404 and 503 status, port 8080, PostgreSQL 15, error 1053, PR 4512.",
        "a 404 page, the 429s, 502 errors.",
        # A year is when it happened, not a secret figure.
        "In 2024, and before that in 1999 and 2023.",
        # Small counts and figures that are already round.
        "3 engineers, 12 weeks, 40%, $2M, 1,200 users, 500 ms, 5m, 3B parameters.",
        # Another company's name the user did not list.
        "Unlike Google, we",
    ],
)
def test_what_the_scrub_leaves_alone(text):
    assert scrub.scrub_text(text, RULES) == text


def test_each_company_is_read_once_whatever_the_number_of_stories(alice):
    for i in range(3):
        make_story(alice, company="Acme", title=f"S{i}")
    make_story(alice, company="Initech")
    make_story(alice, company="")
    with CaptureQueriesContext(connection) as queries:
        rules = ShareRules.for_user(alice).rules()
    # One row per company, not per story (as ordering by a story's fields would).
    assert (
        'SELECT DISTINCT "stories_story"."company" AS "company" FROM'
        in (queries.captured_queries[-1]["sql"])
    )
    assert rules.companies == {
        "Acme": scrub.DEFAULT_COMPANY,
        "Initech": scrub.DEFAULT_COMPANY,
    }


@pytest.mark.parametrize("term", ["Straße", "ǅemal", "Ǆemal", "İstanbul", "ﬁnco"])
def test_terms_beyond_ascii_are_found_in_any_case(term):
    rules = scrub.Rules(companies={term: "x"})
    for written in (term, term.upper(), term.lower(), term.title(), "istanbul"):
        scrubbed = scrub.scrub_text(f"at {written}.", rules)
        # Replaced where the regex sees the same word, and never an error.
        assert scrubbed in ("at x.", f"at {written}.")
    assert scrub.scrub_text(f"at {term}.", rules) == "at x."


def test_a_one_letter_name_is_never_applied():
    rules = scrub.Rules(names=("I", "Tom"))
    assert scrub.scrub_text("I told Tom", rules) == "I told Colleague A"


def test_figures_are_left_as_written_when_the_rules_say_so():
    rules = scrub.Rules(figures=False)
    assert scrub.scrub_text("saved $38,412", rules) == "saved $38,412"


def test_a_longer_term_wins_over_a_shorter_one_inside_it():
    rules = scrub.Rules(companies={"Acme": "x", "Acme Cloud": "a cloud provider"})
    assert (
        scrub.scrub_text("in Acme Cloud and Acme", rules) == "in a cloud provider and x"
    )


def test_a_kept_term_is_left_as_written_everywhere_and_the_others_replaced():
    rules = scrub.Rules(
        companies=RULES.companies,
        names=RULES.names,
        keep=frozenset({"company:acme", "figure:$38,412"}),
    )
    text = "Acme saved $38,412 and 1,234 users with Tom at Acme."
    assert scrub.scrub_text(text, rules) == (
        "Acme saved $38,412 and about 1,200 users with Colleague B at Acme."
    )


# Over a whole document --------------------------------------------------------------


def test_changes_list_each_distinct_replacement_with_where_and_how_often(alice, themes):
    make_story(
        alice,
        themes=[themes[0]],
        title="Cut Acme's pager load",
        summary="With Tom, 37.6% fewer pages.",
        result="Acme saved $38,412.",
        status=Story.Status.READY,
    )
    sheet = prepsheet.build(alice, prepsheet.Options(themes=themes[:1]))
    found = {c.original: c for c in scrub.changes(sheet, RULES)}
    assert set(found) == {"Acme", "Tom", "37.6%", "$38,412"}
    acme = found["Acme"]
    assert (acme.kind, acme.replacement, acme.count) == (
        "company",
        "a large e-commerce company",
        2,
    )
    # Where: the theme for the title, the story's section for the result.
    assert acme.where == (
        str(themes[0]),
        f"{themes[0]} › Cut Acme's pager load › Result",
    )
    assert found["Tom"].where == (f"{themes[0]} › Cut Acme's pager load",)
    assert not any(c.kept for c in found.values())
    kept = scrub.Rules(companies=RULES.companies, keep=frozenset({"company:acme"}))
    assert [c.kept for c in scrub.changes(sheet, kept) if c.original == "Acme"] == [
        True
    ]


def test_apply_returns_a_scrubbed_copy_and_leaves_the_sheet_as_built(alice, themes):
    make_story(
        alice,
        themes=[themes[0]],
        title="At Acme",
        situation="Acme had 1,234 users.",
        status=Story.Status.READY,
    )
    sheet = prepsheet.build(alice, prepsheet.Options(themes=themes[:1]))
    scrubbed = scrub.apply(sheet, RULES)
    story = sheet.themes[0].stories[0]
    assert story.sections[0].text == "Acme had 1,234 users."
    clean = scrubbed.themes[0].stories[0]
    assert clean.title == "At a large e-commerce company"
    assert clean.sections[0].text == "A large e-commerce company had about 1,200 users."
    # The identifiers and labels are the export's own, never scrubbed.
    assert clean.anchor == story.anchor and clean.sections[0].label == "Situation"
    assert clean.sections[0].excerpt.startswith("A large e-commerce company")


def test_name_suggestions_are_likely_names_not_yet_listed():
    text = (
        "On Monday I worked with Nadia and asked Omar, told Kubernetes to scale, "
        "paired with PostgreSQL in March; Priya and Carlos agreed. Tom said no. "
        "We did it with Acme."
    )
    assert scrub.suggest_names(text, RULES) == ["Carlos", "Nadia", "Omar"]


def test_the_first_names_file_holds_no_word_the_suggestions_must_skip():
    assert not scrub.first_names() & scrub.not_names()
    assert {"Will", "May", "June", "Mark", "Rust"}.isdisjoint(scrub.first_names())


# The prep sheet's scrubbed downloads --------------------------------------------------


@pytest.fixture
def themes(playbook):
    return list(
        Theme.objects.filter(playbook__slug="ml-computer-vision").order_by("number")
    )


@pytest.fixture
def secret_story(alice, themes):
    ShareRules.objects.create(
        owner=alice,
        companies="Initech = a bank",
        names="Priya Sharma\nTom",
        secrets="Falcon = an internal project",
    )
    return make_story(
        alice,
        themes=[themes[0]],
        title="Rescued Falcon at Acme Payments",
        company="Acme Payments",
        summary="Priya Sharma and I cut fraud losses by $38,412.",
        situation="Acme Payments lost money; Tom asked me to look.",
        result="Fraud down 37.6% for 1,234 merchants, by March 2024. Initech copied us.",
        status=Story.Status.READY,
    )


SECRETS = ["Acme", "Priya", "Sharma", "Tom", "Falcon", "Initech", "38,412", "37.6"]


def sheet_query(themes, **extra):
    return {
        "built": "1",
        "themes": [t.slug for t in themes],
        "layout": "full",
        "pick": "all",
        "scrub": "on",
        "reviewed": "1",
        **extra,
    }


def pdf_text(content):
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(content)).pages
    )
    return " ".join(text.split())


def download(client, name, params):
    response = client.get(reverse(f"prepsheet:{name}"), params)
    assert response.status_code == 200, response
    if name == "pdf":
        return pdf_text(response.content)
    return response.content.decode()


@pytest.mark.parametrize("name", ["markdown", "print", "pdf"])
def test_a_scrubbed_download_holds_no_company_name_or_secret(
    alice_client, themes, secret_story, name
):
    text = download(alice_client, name, sheet_query(themes[:1]))
    for secret in SECRETS:
        assert secret not in text, (name, secret)
    for replacement in (
        "a previous employer",
        "Colleague A",
        "Colleague B",
        "an internal project",
        "A bank copied us",
        "about $40k",
        "nearly 40%",
        "about 1,200 merchants",
        "March 2024",
    ):
        assert replacement in text, (name, replacement)


@pytest.mark.parametrize("name", ["markdown", "print", "pdf"])
def test_without_the_option_the_download_is_as_written(
    alice_client, themes, secret_story, name
):
    params = sheet_query(themes[:1])
    del params["scrub"]
    text = download(alice_client, name, params)
    for secret in ["Acme Payments", "Priya Sharma", "Falcon", "$38,412", "37.6%"]:
        assert secret in text, (name, secret)


@pytest.mark.parametrize("name", ["markdown", "print", "pdf"])
def test_a_replacement_the_user_undoes_stays_as_written(
    alice_client, themes, secret_story, name
):
    params = sheet_query(themes[:1], keep=["name:tom", "figure:$38,412"])
    text = download(alice_client, name, params)
    assert "Tom asked me" in text and "$38,412" in text
    assert "Priya" not in text and "Falcon" not in text and "37.6" not in text


@pytest.mark.parametrize("name", ["markdown", "print", "pdf_wait", "pdf"])
def test_a_scrubbed_download_goes_through_the_review_first(
    alice_client, themes, secret_story, name
):
    params = sheet_query(themes[:1])
    del params["reviewed"]
    response = alice_client.get(reverse(f"prepsheet:{name}"), params)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("prepsheet:scrub") + "?")
    assert "scrub=on" in response["Location"]


def test_the_review_shows_every_replacement_with_a_box_to_keep_it(
    alice_client, themes, secret_story
):
    params = sheet_query(themes[:1], keep=["name:tom"])
    del params["reviewed"]
    response = alice_client.get(reverse("prepsheet:scrub"), params)
    page = response.content.decode()
    assert response.status_code == 200
    for original, replacement in [
        ("Acme Payments", "a previous employer"),
        ("Priya Sharma", "Colleague A"),
        ("Falcon", "an internal project"),
        ("$38,412", "about $40k"),
        ("1,234", "about 1,200"),
    ]:
        assert f"<del>{original}</del>" in page
        assert f"<ins>{replacement}</ins>" in page
    # Each box names the term it keeps; the one already kept is ticked and shown kept.
    assert 'name="keep" value="company:acme payments"' in page
    assert 'name="keep" value="name:tom" id="keep-' in page
    assert "<del>Tom</del>" in page and "<ins>Tom</ins>" in page
    assert page.count(" checked>") == 1
    # The lists are a click away, and come back here.
    assert f"{reverse('sharing:rules')}?next=/prep-sheet/scrub/%3Fbuilt%3D1%26" in page
    # The downloads go from here, reviewed, with the options and the choices.
    assert 'name="reviewed" value="1"' in page
    assert f'formaction="{reverse("prepsheet:markdown")}"' in page
    assert f'name="themes" value="{themes[0].slug}"' in page


def test_the_review_suggests_names_to_add_and_adding_them_lists_them(
    alice_client, alice, themes, secret_story
):
    Story.objects.filter(pk=secret_story.pk).update(action="I paired with Nadia.")
    params = sheet_query(themes[:1])
    page = alice_client.get(reverse("prepsheet:scrub"), params).content.decode()
    assert 'name="name" value="Nadia"' in page
    # A suggestion is not applied until the user adds it.
    assert "Nadia" in download(alice_client, "markdown", params)
    review = reverse("prepsheet:scrub") + "?built=1"
    response = alice_client.post(
        reverse("sharing:add_names"), {"name": ["Nadia"], "next": review}
    )
    assert response["Location"] == review
    assert ShareRules.objects.get(owner=alice).names.splitlines()[-1] == "Nadia"
    assert "Nadia" not in download(alice_client, "markdown", params)


def test_nothing_is_written_to_the_stories_by_a_scrubbed_export(
    alice_client, alice, themes, secret_story
):
    def stored():
        return list(Story.objects.for_user(alice).values())

    before = stored()
    for name in ("markdown", "print", "pdf"):
        download(alice_client, name, sheet_query(themes[:1]))
    alice_client.get(reverse("prepsheet:scrub"), sheet_query(themes[:1]))
    alice_client.get(reverse("prepsheet:index"), sheet_query(themes[:1]))
    assert stored() == before
    assert "Priya Sharma" in Story.objects.get(pk=secret_story.pk).summary


def test_another_users_lists_never_apply(bob_client, bob, alice, themes, secret_story):
    # Bob's own story names what alice listed; alice's lists must not scrub it, and
    # her story's company is not his.
    ShareRules.objects.create(owner=bob, names="Nadia")
    make_story(
        bob,
        themes=[themes[0]],
        title="Tom and Priya at Initech with Nadia, Falcon and Acme Payments",
        status=Story.Status.READY,
    )
    text = download(bob_client, "markdown", sheet_query(themes[:1]))
    assert "Tom and Priya at Initech with Colleague A, Falcon and Acme Payments" in text
    assert "Rescued" not in text


def test_the_builder_previews_the_scrubbed_sheet_and_links_the_review(
    alice_client, themes, secret_story
):
    params = sheet_query(themes[:1])
    del params["reviewed"]
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = alice_client.get(reverse("prepsheet:index"), params, **headers)
        page = response.content.decode()
        assert "Rescued an internal project at a previous employer" in page
        assert "Priya" not in page.split('id="preview"')[1]
        assert reverse("prepsheet:scrub") + "?" in page
    assert "<html" not in page  # the htmx response is the preview alone


def test_the_review_lists_a_few_places_and_counts_the_rest(
    alice_client, alice, themes, secret_story
):
    for i in range(5):
        make_story(
            alice,
            themes=[themes[0]],
            title=f"Story {i}",
            company="Acme Payments",
            status=Story.Status.READY,
        )
    params = sheet_query(themes[:1])
    page = alice_client.get(reverse("prepsheet:scrub"), params).content.decode()
    row = page.split("<del>Acme Payments</del>")[1].split("</tr>")[0]
    # Six stories name it, one of them in three places (title, facts, situation):
    # four places are listed, then the count of the rest.
    assert "; and 4 more" in row
    assert "(8×)" in row
    assert "<td>Company</td>" in page.split("<del>Acme Payments</del>")[0][-200:]


@pytest.mark.parametrize("name", ["scrub", "markdown", "index"])
def test_the_scrubbed_pages_queries_do_not_grow_with_the_number_of_stories(
    alice_client, alice, themes, secret_story, name
):
    scrubbed = sheet_query(themes[:3])
    plain = {k: v for k, v in scrubbed.items() if k != "scrub"}

    def count(url_name, params):
        with CaptureQueriesContext(connection) as queries:
            response = alice_client.get(reverse(f"prepsheet:{url_name}"), params)
            assert response.status_code == 200
        return len(queries)

    few = count(name, scrubbed)
    for i in range(6):
        make_story(
            alice,
            themes=themes[i % 3 : i % 3 + 2],
            title=f"S{i} at Initech",
            company=f"Company {i}",
            status=Story.Status.READY,
        )
    assert count(name, scrubbed) == few
    # The sheet's own queries, then two: the user's lists and their stories'
    # companies (one row per distinct company). The review builds the Markdown's
    # sheet and shows the site's nav: the coverage summary and the job switcher.
    if name == "scrub":
        assert few == count("markdown", plain) + 2 + 2
    else:
        assert few == count(name, plain) + 2


# Editing the lists ---------------------------------------------------------------------


def test_the_lists_are_saved_one_per_line(alice_client, alice):
    response = alice_client.post(
        reverse("sharing:rules"),
        {
            "companies": "Acme = a large e-commerce company\n\n  Initech  \nacme",
            "default_company": "a former employer",
            "names": "Priya\nTom\nPriya",
            "secrets": "Falcon",
        },
    )
    assert response.status_code == 302
    saved = ShareRules.objects.get(owner=alice)
    assert saved.companies == "Acme = a large e-commerce company\nInitech"
    assert saved.names == "Priya\nTom"
    rules = saved.rules()
    assert rules.companies == {
        "Acme": "a large e-commerce company",
        "Initech": "a former employer",
    }
    assert rules.secrets == {"Falcon": "[redacted]"}
    page = alice_client.get(reverse("sharing:rules")).content.decode()
    assert "Initech" in page and "a former employer" in page


@pytest.mark.parametrize(
    "field, value",
    [
        ("names", "Priya\x00"),
        ("companies", "Acme\x00 = x"),
        ("secrets", "x" * 201),
        ("names", "\n".join(f"Name{i}" for i in range(201))),
        ("default_company", "a\x00b"),
        # A one-letter "name" would replace every "I" and "A".
        ("names", "Priya\nI"),
    ],
)
def test_hostile_lists_are_refused_and_nothing_is_saved(alice_client, field, value):
    response = alice_client.post(reverse("sharing:rules"), {field: value})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not ShareRules.objects.exists()


def test_the_lists_page_goes_back_only_to_this_site(alice_client, alice):
    for target, expected in [
        ("/prep-sheet/scrub/?built=1", "/prep-sheet/scrub/?built=1"),
        ("//evil.example/", reverse("sharing:rules")),
        ("https://evil.example/", reverse("sharing:rules")),
    ]:
        response = alice_client.post(
            reverse("sharing:rules"), {"names": "Tom", "next": target}
        )
        assert response["Location"] == expected


def test_logged_out_visitors_are_sent_to_log_in(client, playbook):
    for url in (reverse("sharing:rules"), reverse("prepsheet:scrub")):
        assert client.get(url)["Location"].startswith(reverse("login"))
    assert client.post(reverse("sharing:add_names"), {"name": "Tom"}).status_code == 302
    assert not ShareRules.objects.exists()
