import pytest
from django.urls import reverse

PAGES = [
    ("themes:index", [], "Handling Model Failures in Production"),
    (
        "themes:detail",
        ["handling-model-failures-in-production"],
        "Walk through your debugging process step by step.",
    ),
    ("themes:questions_to_ask", [], "What triggers a re-train?"),
    ("themes:negotiation", [], "Get promises in writing"),
]


@pytest.mark.parametrize("name, args, expected", PAGES)
def test_each_playbook_page_renders_for_a_logged_in_user(
    alice_client, playbook, name, args, expected
):
    response = alice_client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert expected in response.content.decode()


@pytest.mark.parametrize("name, args, expected", PAGES)
def test_logged_out_visitors_are_sent_to_log_in(client, playbook, name, args, expected):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_theme_page_shows_every_part_of_the_theme(alice_client, playbook):
    page = alice_client.get(
        reverse("themes:detail", args=["handling-model-failures-in-production"])
    ).content.decode()
    for text in [
        "Tell me about a time a model you deployed caused a problem in production.",
        "Describe the model, deployment context, and what went wrong.",
        "Strong answer framework",
        "Explain your root cause analysis",
        "Example talking points",
        "Key points to hit",
        "Show ownership: you caught it or helped catch it",
    ]:
        assert text in page


def test_a_theme_without_framework_or_key_points_shows_no_empty_sections(
    alice_client, playbook
):
    page = alice_client.get(
        reverse("themes:detail", args=["mentorship-growing-others"])
    ).content.decode()
    assert "Strong answer framework" not in page
    assert "Key points to hit" not in page
    assert "Example talking points" in page


def test_talking_point_code_renders_as_code(alice_client, playbook):
    page = alice_client.get(
        reverse("themes:detail", args=["technical-deep-dives-problem-solving"])
    ).content.decode()
    assert "I profiled with <code>nsys</code> and found" in page


def test_unknown_theme_is_404(alice_client, playbook):
    assert alice_client.get(reverse("themes:detail", args=["nope"])).status_code == 404


def test_private_pages_are_not_cached(alice_client, playbook):
    response = alice_client.get(reverse("themes:index"))
    assert "no-store" in response["Cache-Control"]


def test_pages_load_htmx_from_static_files_and_put_csrf_on_body(alice_client, playbook):
    page = alice_client.get(reverse("themes:index")).content.decode()
    assert '<script src="/static/django_htmx/htmx-2.min.js"' in page
    assert 'hx-headers=\'{"x-csrftoken": "' in page
    assert "https://" not in page.split("<body")[0]


def test_theme_page_offers_to_draft_a_story_for_the_theme_and_each_question(
    alice_client, playbook
):
    from themes.models import Theme

    theme = Theme.objects.get(playbook__slug="ml-computer-vision", number=2)
    page = alice_client.get(theme.get_absolute_url()).content.decode()
    assert f"{reverse('stories:create')}?theme={theme.slug}" in page
    for question in theme.questions.all():
        assert f"{reverse('stories:create')}?question={question.pk}" in page
