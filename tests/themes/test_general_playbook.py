import io
import json
import re

import pytest
from django.core.management import call_command

from themes import authored, document

TOPICS = [
    "Conflict with a peer",
    "Learning from a failure",
    "Influencing without authority",
    "Working through ambiguity",
    "Deadlines and prioritisation",
    "Giving and receiving feedback",
    "Ownership beyond your role",
    "Customer and user focus",
    "Mentoring and leading",
    "Learning something fast",
    "Deciding with incomplete data",
    "Disagreeing with your manager",
]


@pytest.fixture(scope="module")
def records():
    return json.loads(authored.FIXTURE_PATH.read_text(encoding="utf-8"))


def of_model(records, model):
    return [r["fields"] for r in records if r["model"] == f"themes.{model}"]


def of_theme(records, model, slug):
    return [f for f in of_model(records, model) if f["theme"] == [slug]]


def test_the_committed_fixture_is_what_the_builder_makes_now():
    assert authored.FIXTURE_PATH.read_text(encoding="utf-8") == authored.build_fixture()


def test_the_playbook_record_comes_first_with_its_slug_and_position(records):
    assert records[0]["model"] == "themes.playbook"
    fields = records[0]["fields"]
    assert list(fields) == ["slug", "title", "description", "position"]
    assert fields["slug"] == "general-software-engineering"
    assert fields["title"] == "General software engineering"
    assert fields["position"] == 2
    assert len(of_model(records, "playbook")) == 1


def test_it_covers_the_twelve_topics_in_order(records):
    themes = of_model(records, "theme")
    assert len(themes) >= 12
    assert [t["title"] for t in themes[:12]] == TOPICS


def test_each_theme_is_numbered_in_order_and_belongs_to_the_playbook(records):
    themes = of_model(records, "theme")
    for number, theme in enumerate(themes, 1):
        assert list(theme) == [
            "playbook",
            "number",
            "slug",
            "title",
            "description",
            "target_min",
            "target_max",
        ]
        assert theme["playbook"] == ["general-software-engineering"]
        assert theme["number"] == number
        assert (theme["target_min"], theme["target_max"]) == (2, 3)
        assert theme["description"]


def test_each_theme_has_3_to_4_questions_4_star_prompts_in_order_and_3_to_5_points(
    records,
):
    for theme in of_model(records, "theme"):
        slug = theme["slug"]
        questions = of_theme(records, "samplequestion", slug)
        assert 3 <= len(questions) <= 4, slug
        assert [q["position"] for q in questions] == list(range(1, len(questions) + 1))
        prompts = of_theme(records, "starprompt", slug)
        assert [p["section"] for p in prompts] == [
            "situation",
            "task",
            "action",
            "result",
        ], slug
        points = of_theme(records, "themepoint", slug)
        assert 3 <= len(points) <= 5, slug
        assert {p["kind"] for p in points} == {"framework"}
        assert [p["position"] for p in points] == list(range(1, len(points) + 1))


PLAYBOOK_CONTENT = {
    "themes.playbook",
    "themes.theme",
    "themes.questioncategory",
    "themes.questiontoask",
    "themes.negotiationnote",
}


def test_every_record_belongs_to_a_theme_of_this_playbook(records):
    slugs = {t["slug"] for t in of_model(records, "theme")}
    children = [r for r in records if r["model"] not in PLAYBOOK_CONTENT]
    assert {r["model"] for r in children} == {
        "themes.samplequestion",
        "themes.starprompt",
        "themes.themepoint",
    }
    for record in children:
        assert record["fields"]["theme"][0] in slugs


def test_theme_slugs_are_unique_and_none_is_a_theme_of_the_built_in_playbook(records):
    slugs = [t["slug"] for t in of_model(records, "theme")]
    assert len(set(slugs)) == len(slugs)
    built_in = json.loads(document.FIXTURE_PATH.read_text(encoding="utf-8"))
    assert built_in_theme_slugs(built_in)
    assert not set(slugs) & built_in_theme_slugs(built_in)
    assert records[0]["fields"]["slug"] not in {
        r["fields"]["slug"] for r in built_in if r["model"] == "themes.playbook"
    }


def test_it_has_its_own_questions_to_ask_and_negotiation_notes_with_no_ml(records):
    book = ["general-software-engineering"]
    categories = of_model(records, "questioncategory")
    assert [c["title"] for c in categories] == [
        "The team and its work",
        "How engineering is done",
        "Growth and the role",
        "The hiring process",
    ]
    for position, category in enumerate(categories, 1):
        assert list(category) == ["playbook", "position", "slug", "title"]
        assert (category["playbook"], category["position"]) == (book, position)
    questions = of_model(records, "questiontoask")
    assert 10 <= len(questions) <= 14
    for category in categories:
        mine = [q for q in questions if q["category"] == [*book, category["slug"]]]
        assert [q["position"] for q in mine] == list(range(1, len(mine) + 1))
        assert 2 <= len(mine) <= 5
    notes = of_model(records, "negotiationnote")
    assert 5 <= len(notes) <= 7
    assert [(n["playbook"], n["position"]) for n in notes] == [
        (book, i) for i in range(1, len(notes) + 1)
    ]
    assert notes[0]["text"].startswith("Always negotiate")
    # Generic to software engineering: nothing the ML document's readers alone need.
    ml = re.compile(r"\b(ML|CV|model|machine learning|computer vision|compute)\b", re.I)
    for text in [q["text"] for q in questions] + [n["text"] for n in notes]:
        assert not ml.search(text), text
        assert text.endswith("?") or text.endswith("."), text


def built_in_theme_slugs(built_in):
    return {r["fields"]["slug"] for r in built_in if r["model"] == "themes.theme"}


def test_sample_questions_read_as_an_interviewer_would_say_them(records):
    for question in of_model(records, "samplequestion"):
        text = question["text"]
        assert text.endswith("?") or (
            text.startswith("Tell me about ") and text.endswith(".")
        ), text


def test_the_text_keeps_one_typographic_style(records):
    # Straight apostrophes and quotes, spaced em dashes, no stray spacing.
    every_text = [
        value
        for record in records
        for value in record["fields"].values()
        if isinstance(value, str)
    ]
    for text in every_text:
        assert not re.search("[‘’“”]", text), text
        assert " - " not in text and " – " not in text, text
        assert "  " not in text and text == text.strip(), text
        assert not re.search(r"\w—|—\w", text), text
    sentences = [
        record["fields"][key]
        for record in records
        for key in ("description", "text")
        if key in record["fields"]
    ]
    for sentence in sentences:
        assert sentence[0].isupper() and sentence[-1] in ".?", sentence


# The builder's checks, each on a small source written to tmp_path.

HEADER = """\
title = "Test playbook"
description = "For the tests."
position = 2
stories_per_theme = [2, 3]
"""
STAR = {
    "situation": '"Where it was."',
    "task": '"What was yours."',
    "action": '"What you did."',
    "result": '"What came of it."',
}


def theme(title="Alpha", star=None, **lines):
    """One [[theme]] table; a line given as None is left out."""
    fields = {
        "title": f'"{title}"',
        "description": '"What it probes."',
        "questions": '["One?", "Two?", "Three?"]',
        "strong_answer_shows": '["First.", "Second.", "Third."]',
        **lines,
    }
    star = STAR if star is None else star
    body = "".join(
        f"{key} = {value}\n" for key, value in fields.items() if value is not None
    )
    star_body = "".join(
        f"{key} = {value}\n" for key, value in star.items() if value is not None
    )
    return f"\n[[theme]]\n{body}\n[theme.star]\n{star_body}"


ASK = """
[[ask]]
category = "The team"
questions = ["What is it building?", "Who is on it?"]

[[ask]]
category = "The work"
questions = ["How does code ship?", "Who is on call?"]
"""
NEGOTIATION = """
[negotiation]
notes = ["Negotiate.", "Anchor on data.", "Get it in writing."]
"""


def write(tmp_path, *themes, header=HEADER, ask=ASK, negotiation=NEGOTIATION):
    path = tmp_path / "source.toml"
    path.write_text(header + "".join(themes) + ask + negotiation, encoding="utf-8")
    return path


def test_a_small_valid_source_builds(tmp_path):
    path = write(tmp_path, theme("Alpha"), theme("Beta"))
    records = json.loads(authored.build_fixture(path))
    assert [r["fields"]["slug"] for r in records if r["model"] == "themes.theme"] == [
        "alpha",
        "beta",
    ]
    assert records[0]["fields"]["slug"] == "test-playbook"
    # Its questions to ask and notes come last, keyed by the playbook.
    assert of_model(records, "questioncategory")[1] == {
        "playbook": ["test-playbook"],
        "position": 2,
        "slug": "the-work",
        "title": "The work",
    }
    assert of_model(records, "questiontoask")[3] == {
        "category": ["test-playbook", "the-work"],
        "position": 2,
        "text": "Who is on call?",
    }
    assert [n["text"] for n in of_model(records, "negotiationnote")] == [
        "Negotiate.",
        "Anchor on data.",
        "Get it in writing.",
    ]
    assert records[-1]["model"] == "themes.negotiationnote"


@pytest.mark.parametrize(
    "ask, negotiation, message",
    [
        (ASK, "", r"^playbook: missing key 'negotiation'"),
        ("", NEGOTIATION, r"^playbook: missing key 'ask'"),
        (
            ASK.replace('["What is it building?", "Who is on it?"]', '["Only?"]'),
            NEGOTIATION,
            r"^ask 1 \('The team'\): 'questions' has 1 items, expected 2–5",
        ),
        (
            ASK.replace('"The work"', '"The  team!"'),
            NEGOTIATION,
            r"^ask 2 \('The  team!'\): category duplicates ask 1",
        ),
        (
            ASK.replace('category = "The work"', 'title = "The work"'),
            NEGOTIATION,
            r"^ask 2: unknown key 'title'",
        ),
        (
            ASK,
            NEGOTIATION.replace('"Anchor on data.", ', ""),
            r"^negotiation: 'notes' has 2 items, expected 3–8",
        ),
    ],
)
def test_it_rejects_bad_questions_to_ask_or_notes_naming_where(
    tmp_path, ask, negotiation, message
):
    path = write(tmp_path, theme("Alpha"), ask=ask, negotiation=negotiation)
    with pytest.raises(authored.SourceError, match=message):
        authored.load(path)


def test_star_prompts_come_out_in_story_order_whatever_the_source_order(tmp_path):
    reversed_star = dict(reversed(STAR.items()))
    playbook = authored.load(write(tmp_path, theme("Alpha", star=reversed_star)))
    assert list(playbook.themes[0].star) == ["situation", "task", "action", "result"]


@pytest.mark.parametrize(
    "lines, message",
    [
        ({"description": None}, r"theme 2 \('Beta'\): missing key 'description'"),
        ({"questions": None}, r"theme 2 \('Beta'\): missing key 'questions'"),
        (
            {"questions": '["One?", "Two?"]'},
            r"theme 2 \('Beta'\): 'questions' has 2 items, expected 3–4",
        ),
        (
            {"questions": '["1?", "2?", "3?", "4?", "5?"]'},
            r"theme 2 \('Beta'\): 'questions' has 5 items",
        ),
        (
            {"strong_answer_shows": '["First.", "Second."]'},
            r"theme 2 \('Beta'\): 'strong_answer_shows' has 2 items, expected 3–5",
        ),
        (
            {"strong_answer_shows": '["1.", "2.", "3.", "4.", "5.", "6."]'},
            r"theme 2 \('Beta'\): 'strong_answer_shows' has 6 items",
        ),
        ({"tags": '["extra"]'}, r"theme 2 \('Beta'\): unknown key 'tags'"),
        ({"description": '""'}, r"theme 2 \('Beta'\): 'description' is empty"),
        ({"description": '"   "'}, r"theme 2 \('Beta'\): 'description' is empty"),
        (
            {"questions": '["One?", "", "Three?"]'},
            r"theme 2 \('Beta'\): 'questions\[2\]' is empty",
        ),
        (
            {"questions": '["One?", "One?", "Three?"]'},
            r"theme 2 \('Beta'\): 'questions' repeats an item",
        ),
        (
            {"description": '" Leading space."'},
            r"theme 2 \('Beta'\): 'description' has space at the start or end",
        ),
        ({"questions": '"One?"'}, r"theme 2 \('Beta'\): 'questions' must be a list"),
    ],
)
def test_it_rejects_a_bad_theme_naming_the_theme_and_key(tmp_path, lines, message):
    path = write(tmp_path, theme("Alpha"), theme("Beta", **lines))
    with pytest.raises(authored.SourceError, match=message):
        authored.load(path)


def test_it_rejects_an_empty_title_naming_the_theme_by_number(tmp_path):
    path = write(tmp_path, theme("Alpha"), theme(""))
    with pytest.raises(authored.SourceError, match=r"^theme 2: 'title' is empty"):
        authored.load(path)


@pytest.mark.parametrize(
    "star, message",
    [
        ({**STAR, "result": None}, r"theme 1 \('Alpha'\): star: missing key 'result'"),
        (
            {**STAR, "outcome": '"More."'},
            r"theme 1 \('Alpha'\): star: unknown key 'outcome'",
        ),
        ({**STAR, "task": '""'}, r"theme 1 \('Alpha'\): 'star.task' is empty"),
    ],
)
def test_it_rejects_a_star_table_without_exactly_the_four_sections(
    tmp_path, star, message
):
    with pytest.raises(authored.SourceError, match=message):
        authored.load(write(tmp_path, theme("Alpha", star=star)))


def test_it_rejects_a_duplicate_title_naming_both_themes(tmp_path):
    path = write(tmp_path, theme("Alpha"), theme("Beta"), theme("Alpha"))
    with pytest.raises(
        authored.SourceError, match=r"theme 3 \('Alpha'\): title duplicates theme 1"
    ):
        authored.load(path)


def test_it_rejects_a_title_that_differs_only_in_case_and_punctuation(tmp_path):
    path = write(tmp_path, theme("Peer conflict"), theme("Peer-Conflict!"))
    with pytest.raises(
        authored.SourceError,
        match=r"theme 2 \('Peer-Conflict!'\): title duplicates theme 1 "
        r"\(both have the slug 'peer-conflict'\)",
    ):
        authored.load(path)


def test_it_rejects_a_theme_slug_the_built_in_playbook_already_has(tmp_path):
    path = write(tmp_path, theme("Alpha"), theme("Mentorship & Growing Others"))
    with pytest.raises(
        authored.SourceError,
        match=r"theme 2 \('Mentorship & Growing Others'\): the slug "
        r"'mentorship-growing-others' is already a theme in playbook.json",
    ):
        authored.build_fixture(path)


@pytest.mark.parametrize(
    "header, message",
    [
        (HEADER.replace('description = "For the tests."\n', ""), "missing key"),
        (HEADER + 'author = "us"\n', "unknown key 'author'"),
        (HEADER.replace("[2, 3]", "[3, 2]"), "least above most"),
        (HEADER.replace("position = 2", "position = 0"), "'position' must be"),
        (HEADER.replace('"Test playbook"', '""'), "'title' is empty"),
    ],
)
def test_it_rejects_a_bad_playbook_header(tmp_path, header, message):
    path = write(tmp_path, theme("Alpha"), header=header)
    with pytest.raises(authored.SourceError, match=f"^playbook: .*{message}"):
        authored.load(path)


def test_it_rejects_a_source_with_no_themes(tmp_path):
    path = write(tmp_path, header=HEADER + "theme = []\n")
    with pytest.raises(authored.SourceError, match="no \\[\\[theme\\]\\] tables"):
        authored.load(path)


# The command that writes both fixtures.


def test_check_passes_when_both_fixtures_are_current():
    call_command("build_fixtures", "--check")


def test_check_fails_naming_the_stale_general_fixture(tmp_path, monkeypatch):
    stale = tmp_path / "general-software-engineering.json"
    stale.write_text(authored.build_fixture().replace("Conflict", "Clash"))
    monkeypatch.setattr(authored, "FIXTURE_PATH", stale)
    stderr = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("build_fixtures", "--check", stderr=stderr)
    assert f"{stale} is stale" in stderr.getvalue()
    assert "playbook.json" not in stderr.getvalue()


def test_check_fails_when_the_general_fixture_is_missing(tmp_path, monkeypatch):
    missing = tmp_path / "general-software-engineering.json"
    monkeypatch.setattr(authored, "FIXTURE_PATH", missing)
    stderr = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("build_fixtures", "--check", stderr=stderr)
    assert f"{missing} is stale" in stderr.getvalue()


def test_check_fails_naming_the_stale_ml_fixture(tmp_path, monkeypatch):
    stale = tmp_path / "playbook.json"
    stale.write_text(document.build_fixture() + "\n")
    monkeypatch.setattr(document, "FIXTURE_PATH", stale)
    stderr = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("build_fixtures", "--check", stderr=stderr)
    assert f"{stale} is stale" in stderr.getvalue()
    assert "general-software-engineering.json" not in stderr.getvalue()


def test_building_writes_both_fixtures(tmp_path, monkeypatch):
    playbook, general = tmp_path / "playbook.json", tmp_path / "general.json"
    monkeypatch.setattr(document, "FIXTURE_PATH", playbook)
    monkeypatch.setattr(authored, "FIXTURE_PATH", general)
    call_command("build_fixtures", stdout=io.StringIO())
    assert playbook.read_text(encoding="utf-8") == document.build_fixture()
    assert general.read_text(encoding="utf-8") == authored.build_fixture()


@pytest.mark.django_db
def test_loading_the_general_fixture_twice_leaves_one_copy_of_everything():
    from django.core.management import call_command

    from themes.models import (
        NegotiationNote,
        Playbook,
        QuestionCategory,
        QuestionToAsk,
        SampleQuestion,
        StarPrompt,
        Theme,
        ThemePoint,
    )

    call_command("loaddata", "general-software-engineering", verbosity=0)
    call_command("loaddata", "general-software-engineering", verbosity=0)
    book = Playbook.objects.get(slug="general-software-engineering")
    assert book.title == "General software engineering"
    themes = Theme.objects.filter(playbook=book)
    assert themes.count() == 12
    assert list(themes.values_list("number", flat=True)) == list(range(1, 13))
    assert SampleQuestion.objects.filter(theme__playbook=book).count() == 47
    assert StarPrompt.objects.filter(theme__playbook=book).count() == 48
    assert ThemePoint.objects.filter(theme__playbook=book).count() == 54
    assert QuestionCategory.objects.filter(playbook=book).count() == 4
    assert QuestionToAsk.objects.filter(category__playbook=book).count() == 12
    assert NegotiationNote.objects.filter(playbook=book).count() == 7
    # The prep document's playbook is untouched beside it.
    ml = {"playbook__slug": "ml-computer-vision"}
    assert Theme.objects.filter(**ml).count() == 5
    assert QuestionCategory.objects.filter(**ml).count() == 3
    assert NegotiationNote.objects.filter(**ml).count() == 5
