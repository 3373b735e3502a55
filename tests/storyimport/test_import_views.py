"""The import pages: upload or paste, preview, import as drafts in one go."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from stories.models import Story
from tests.storyimport.docx import make_docx
from themes.models import Theme

UPLOAD = reverse("storyimport:upload")
PREVIEW = reverse("storyimport:preview")
SAVE = reverse("storyimport:save")

MARKDOWN = """## Rolled back a drifting detector
Themes: handling model failures in production, Quantum leadership
An aside before the sections.
### Situation
Recall fell after a firmware update.
### Task
I owned the model.
### Action
I rolled back.
### Result
Recall was back to 95%.

## Mentored a new hire
Themes: QUANTUM LEADERSHIP, quantum leadership
S: A new engineer joined.
T: Get them shipping.
**Action**
Paired daily.
Result: Shipped in week three.
"""


def upload(client, name, data):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)})


def token(client):
    return client.session["storyimport"]["token"]


def import_all(client, **extra):
    return client.post(SAVE, {"token": token(client), **extra})


def test_the_story_list_links_to_the_import(alice_client):
    page = alice_client.get(reverse("stories:list")).content.decode()
    assert f'href="{reverse("storyimport:index")}">Import stories</a>' in page


def test_the_import_page_offers_upload_and_paste(alice_client):
    page = alice_client.get(reverse("storyimport:index")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'name="text"' in page


def test_pasted_markdown_is_previewed_then_imported_as_drafts(alice, alice_client):
    response = alice_client.post(UPLOAD, {"text": MARKDOWN})
    assert response.status_code == 302
    assert response["Location"] == PREVIEW
    preview = alice_client.get(PREVIEW).content.decode()
    assert "Rolled back a drifting detector" in preview
    assert "Recall fell after a firmware update." in preview
    assert "An aside before the sections." in preview
    assert "Notes from import:" in preview
    # Listed once whatever its case, with the stories that name it.
    assert "“Quantum leadership” (stories 1, 2)" in preview
    assert "QUANTUM" not in preview
    assert "Import 2 stories as drafts" in preview
    assert not Story.objects.exists()  # a preview saves nothing

    response = import_all(alice_client, level="2")
    assert response.status_code == 302
    assert response["Location"] == reverse("stories:list")
    first, second = Story.objects.for_user(alice).order_by("pk")
    assert (first.title, first.situation, first.task, first.action, first.result) == (
        "Rolled back a drifting detector",
        "Recall fell after a firmware update.",
        "I owned the model.",
        "I rolled back.",
        "Recall was back to 95%.",
    )
    assert first.reflection == "Notes from import:\n\nAn aside before the sections."
    assert first.status == Story.Status.DRAFT
    # A known theme by its title whatever its case; the unknown one is left off.
    assert [t.title for t in first.themes.all()] == [
        "Handling Model Failures in Production"
    ]
    assert not Theme.objects.filter(title__iexact="Quantum leadership").exists()
    assert (second.situation, second.task, second.action, second.result) == (
        "A new engineer joined.",
        "Get them shipping.",
        "Paired daily.",
        "Shipped in week three.",
    )
    # The pending import is gone: sending the form again imports nothing more.
    assert "storyimport" not in alice_client.session
    alice_client.post(SAVE, {"token": "anything"})
    assert Story.objects.count() == 2


def test_a_docx_upload_is_imported(alice, alice_client):
    data = make_docx(
        [
            ("Cut inference cost", "Heading1", False),
            "Situation: GPU spend doubled.",
            "Task: Halve it.",
            "Action: Quantised the model.",
            "Result: 55% cheaper.",
        ]
    )
    assert upload(alice_client, "bank.docx", data).status_code == 302
    assert "From paragraph 1" in alice_client.get(PREVIEW).content.decode()
    import_all(alice_client)
    story = Story.objects.for_user(alice).get()
    assert (story.title, story.situation, story.result) == (
        "Cut inference cost",
        "GPU spend doubled.",
        "55% cheaper.",
    )


CSV = (
    b"Title,Situation,T,A,R,Themes,Company,Link\n"
    b'One,s1,t1,a1,r1,"Conflict with a peer; Nope",Acme,"=HYPERLINK(""http://x"",""y"")"\n'
    b"Two,s2,t2,a2,r2,,,\n"
)


def test_a_csv_upload_is_imported_with_the_chosen_mapping(alice, alice_client):
    assert upload(alice_client, "bank.csv", CSV).status_code == 302
    preview = alice_client.get(PREVIEW).content.decode()
    # The formula is shown as text, escaped, and flagged.
    assert "Link: =HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)" in preview
    assert "starts like a spreadsheet formula" in preview
    # Swap Task and Action on the preview, then import with that mapping.
    mapping = ["title", "situation", "action", "task", "result", "themes", "company"]
    swapped = alice_client.get(PREVIEW, {"column": [*mapping, "notes"]})
    assert swapped.status_code == 200
    import_all(alice_client, column=[*mapping, "notes"])
    one, two = Story.objects.for_user(alice).order_by("pk")
    assert (one.task, one.action, one.company) == ("a1", "t1", "Acme")
    assert one.reflection == 'Notes from import:\n\nLink: =HYPERLINK("http://x","y")'
    assert [t.title for t in one.themes.all()] == ["Conflict with a peer"]
    assert two.title == "Two"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bank.docx", b"PK but not really a zip", "a .docx is a zip archive"),
        ("bank.csv", "Title,S\nCafé,x\n".encode("cp1252"), "Line 2 of the file"),
        ("bank.md", b"## One\nS: a\x00b\n", "Line 2 contains a NUL byte."),
        ("bank.csv", b"Title,S\nOne,\x00\n", "Line 2 contains a NUL byte."),
        ("bank.csv", b"", "The CSV file is empty."),
        ("bank.csv", b"Title,S\n,\n", "a header row but no stories under it"),
        ("bank.exe", b"MZ", "Choose a Markdown"),
    ],
)
def test_a_bad_file_gets_a_message_and_nothing_is_saved(
    alice_client, name, data, message
):
    response = upload(alice_client, name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "storyimport" not in alice_client.session
    assert not Story.objects.exists()


def test_pasted_text_with_a_nul_is_refused(alice_client):
    response = alice_client.post(UPLOAD, {"text": "## One\nS: a\x00"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Line 2 contains a NUL byte." in page
    # The text comes back to be fixed, without the NUL no page can hold.
    assert "S: a\ufffd</textarea>" in page
    assert "\x00" not in page


def test_501_stories_are_refused_and_500_are_imported(alice, alice_client):
    rows = "".join(f"Story {n},s{n}\n" for n in range(501))
    response = upload(alice_client, "bank.csv", ("Title,S\n" + rows).encode())
    assert response.status_code == 400
    assert "more than 500 stories (row 502)" in response.content.decode()
    rows = "".join(f"Story {n},s{n}\n" for n in range(500))
    upload(alice_client, "bank.csv", ("Title,S\n" + rows).encode())
    import_all(alice_client)
    assert Story.objects.for_user(alice).count() == 500


def test_a_file_over_5_mb_is_refused_without_reading_it_all(alice_client):
    big = io.BytesIO(b"x" * (5 * 1024 * 1024 + 1))
    big.name = "big.md"
    response = alice_client.post(UPLOAD, {"file": big})
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()
    assert not Story.objects.exists()


def test_a_mapping_that_breaks_a_limit_says_where_and_saves_nothing(alice_client):
    data = ("Title,S,Other\nOne,ok," + "x" * 300 + "\n").encode()
    assert upload(alice_client, "bank.csv", data).status_code == 302
    # Other as the title: 300 characters do not fit in one.
    mapping = {"column": ["skip", "situation", "title"]}
    response = alice_client.get(PREVIEW, mapping)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Story 1 (row 2): Title is 300 characters long; at most 200 fit." in page
    assert "as drafts</button>" not in page
    assert import_all(alice_client, **mapping).status_code == 302
    assert not Story.objects.exists()


def test_the_import_needs_the_previews_token(alice_client):
    alice_client.post(UPLOAD, {"text": MARKDOWN})
    response = alice_client.post(SAVE, {"token": "stale"}, follow=True)
    assert "no longer current" in response.content.decode()
    assert not Story.objects.exists()


def test_another_users_pending_import_cannot_be_imported(alice_client, bob, bob_client):
    alice_client.post(UPLOAD, {"text": MARKDOWN})
    # Bob, even knowing alice's token, has no pending import of his own.
    response = bob_client.post(SAVE, {"token": token(alice_client)})
    assert response.status_code == 302
    assert not Story.objects.exists()
    assert bob_client.get(PREVIEW)["Location"] == reverse("storyimport:index")


def test_the_posts_are_csrf_protected(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(UPLOAD, {"text": MARKDOWN}).status_code == 403
    assert client.post(SAVE, {"token": "x"}).status_code == 403
    assert not Story.objects.exists()


def test_the_pages_need_a_login_and_the_right_method(alice_client):
    assert Client().get(reverse("storyimport:index")).status_code == 302
    assert alice_client.get(UPLOAD).status_code == 405
    assert alice_client.get(SAVE).status_code == 405
    assert alice_client.post(PREVIEW).status_code == 405


def test_cancel_forgets_the_pending_import(alice_client):
    alice_client.post(UPLOAD, {"text": MARKDOWN})
    alice_client.post(reverse("storyimport:cancel"))
    assert "storyimport" not in alice_client.session


def test_hostile_mapping_values_fall_back_to_the_guess(alice_client):
    upload(alice_client, "bank.csv", CSV)
    for params in [{"column": ["nonsense"] * 8}, {"column": "title"}, {"level": "９"}]:
        assert alice_client.get(PREVIEW, params).status_code == 200


@pytest.mark.parametrize("sent", ["é", "\ufffd", "", "x" * 10_000])
def test_a_hostile_token_or_mapping_on_import_saves_nothing_and_never_fails(
    alice_client, sent
):
    upload(alice_client, "bank.csv", CSV)
    response = alice_client.post(SAVE, {"token": sent, "column": ["é"] * 8})
    assert response.status_code == 302
    assert not Story.objects.exists()


def test_a_hostile_mapping_with_the_right_token_falls_back_to_the_guess(
    alice, alice_client
):
    upload(alice_client, "bank.csv", CSV)
    import_all(alice_client, column=["nonsense", "title"], level="９")
    assert [s.title for s in Story.objects.for_user(alice).order_by("pk")] == [
        "One",
        "Two",
    ]


def test_the_preview_and_the_import_take_a_few_queries_however_many_stories(
    alice, alice_client, django_assert_max_num_queries
):
    rows = "".join(f"Story {n},s,t,a,r,Conflict with a peer\n" for n in range(200))
    upload(alice_client, "bank.csv", ("Title,S,T,A,R,Themes\n" + rows).encode())
    # Session, user, the themes in alice's set, the themes she may tag with; the
    # page's header: the nav's coverage summary and the job switcher.
    with django_assert_max_num_queries(6):
        assert alice_client.get(PREVIEW).status_code == 200
    sent = token(alice_client)
    # Session, user, the two theme lookups, then in one transaction the stories and
    # their theme links in a few bulk inserts (batched by the database's limit on
    # parameters, never one a story), and the session saved without the import.
    with django_assert_max_num_queries(16):
        alice_client.post(SAVE, {"token": sent})
    assert Story.objects.for_user(alice).count() == 200
    assert Story.objects.filter(story_themes__isnull=False).count() == 200
