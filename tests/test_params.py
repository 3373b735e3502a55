"""Numbers and ids from a request (interviewprep/params.py): only ASCII digits within
range are read; anything else is a 400 or 404 that changes nothing, never a 500."""

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from interviewprep.params import ID_MAX, parse_id, parse_int
from tests.walk import make_bank, snapshot, url_patterns
from themes.models import SampleQuestion

# Digits that str.isdigit() accepts and int() refuses ("²") or reads ("١٢"), and
# numbers past what a 64-bit id column holds.
HOSTILE = ["²", "١٢", "９", "9" * 30, str(ID_MAX + 1), "-1", "1.5", "", " ", "0x10"]


@pytest.mark.parametrize("value", HOSTILE)
def test_parse_id_reads_only_ascii_digits_within_the_id_range(value):
    assert parse_id(value) is None


@pytest.mark.parametrize("value", ["1", "42", " 7 ", str(ID_MAX)])
def test_parse_id_reads_a_plain_id(value):
    assert parse_id(value) == int(value)


def test_parse_id_refuses_zero_and_what_is_not_text():
    assert parse_id("0") is None
    assert parse_id(None) is None
    assert parse_id(["1"]) is None


def test_parse_int_keeps_to_its_range():
    assert parse_int("5", 1, 5) == 5
    assert parse_int("6", 1, 5) is None
    assert parse_int("0", 1, 5) is None


@pytest.fixture
def bank(playbook, alice):
    return make_bank(alice)


@pytest.fixture
def client_of(alice):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client


@pytest.mark.parametrize("pk", ["9" * 19, "9" * 30, str(ID_MAX + 1), "0"])
@pytest.mark.parametrize(
    "route", ["stories:detail", "stories:history", "coach:story", "practice:story"]
)
def test_an_id_too_big_for_the_database_in_the_address_is_a_404(
    client_of, bank, route, pk
):
    url = reverse(route, args=[1]).replace("/1/", f"/{pk}/")
    assert client_of.get(url).status_code == 404


def requests(bank, value):
    """Every place that read a number with str.isdigit(), given `value`."""
    story, trashed = bank["story"], bank["trashed"]
    question = SampleQuestion.objects.filter(
        theme__playbook__slug="ml-computer-vision"
    ).first()
    revision = story.revisions.first()
    return [
        ("get", reverse("stories:create"), {"question": value}),
        ("get", reverse("practice:index"), {"question": value}),
        ("get", reverse("practice:index"), {"question": question.pk, "story": value}),
        ("get", reverse("practice:index"), {"question": question.pk, "seconds": value}),
        ("get", reverse("coverage:index"), {"min_readiness": value}),
        (
            "post",
            reverse("practice:log"),
            {"story": value, "question": question.pk, "rating": 3},
        ),
        ("post", reverse("stories:empty_trash"), {"story": [value, trashed.pk]}),
        ("post", reverse("stories:checklist", args=[story.pk]), {"points": value}),
        (
            "post",
            reverse("stories:restore_revision", args=[story.pk, revision.pk]),
            {"version": value},
        ),
    ]


@pytest.mark.parametrize("value", ["²", "9" * 30, str(ID_MAX + 1)])
def test_a_number_that_is_not_ascii_digits_in_range_is_refused_not_a_500(
    client_of, alice, bank, value
):
    for method, url, data in requests(bank, value):
        response = getattr(client_of, method)(url, data)
        assert response.status_code < 500, (method, url, data, response.status_code)


def test_a_bad_version_restores_nothing_and_says_why(client_of, alice, bank):
    story = bank["story"]
    revision = story.revisions.first()
    url = reverse("stories:restore_revision", args=[story.pk, revision.pk])
    before = snapshot(alice)
    response = client_of.post(url, {"version": "²"})
    assert response.status_code == 400
    assert b"Which version" in response.content
    assert snapshot(alice) == before


def test_emptying_the_trash_with_a_bad_id_deletes_only_what_was_listed(client_of, bank):
    trashed = bank["trashed"]
    response = client_of.post(
        reverse("stories:empty_trash"), {"story": ["²", "9" * 30, trashed.pk]}
    )
    assert response.status_code == 302
    assert not type(trashed).objects.filter(pk=trashed.pk).exists()


@pytest.mark.parametrize("name", ["theme", "q", "question", "status"])
@pytest.mark.parametrize("route", ["stories:create", "stories:list"])
def test_a_nul_in_a_query_parameter_is_refused_before_it_reaches_sql(
    client_of, bank, route, name
):
    response = client_of.get(reverse(route) + f"?{name}=a%00b")
    assert response.status_code == 400
    assert f"parameter '{name}' contains a NUL character" in response.content.decode()
    assert "Content-Security-Policy" in response


@pytest.mark.parametrize("field", ["themes", "questions"])
def test_a_tag_id_too_big_for_the_database_is_a_form_error_not_a_500(
    client_of, bank, field
):
    story = bank["story"]
    response = client_of.post(
        reverse("stories:detail", args=[story.pk]),
        {"title": story.title, "version": story.version, "status": story.status}
        | {field: "9" * 30},
    )
    assert response.status_code == 422


def test_an_own_question_id_too_big_for_the_database_is_ignored_not_a_500(
    client_of, bank
):
    response = client_of.get(reverse("prepsheet:index"), {"built": 1, "own": "9" * 30})
    assert response.status_code == 200


@pytest.mark.parametrize("next_url", ["abc", "²", "stories:list"])
def test_a_next_that_is_not_a_path_goes_to_the_default_page(client_of, bank, next_url):
    story = bank["story"]
    response = client_of.post(
        reverse("stories:delete", args=[story.pk]), {"next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("stories:list")
    ready = bank["ready"]
    theme = ready.themes.first()
    response = client_of.post(
        reverse("coverage:matrix_cell"),
        {"untag": f"{ready.pk}-{theme.pk}", "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("coverage:matrix")


def test_an_address_with_an_id_too_big_for_the_database_matches_no_route(db):
    with pytest.raises(Resolver404):
        resolve(f"/stories/{ID_MAX + 1}/")
    assert resolve("/stories/7/").kwargs == {"pk": 7}


def test_every_route_reads_ids_with_the_id_converter():
    assert not [route for route, _ in url_patterns() if "<int:" in route]
