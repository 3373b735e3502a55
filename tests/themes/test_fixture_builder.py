import json

import pytest
from django.core.management import call_command

from themes import document
from themes.models import (
    Guideline,
    NegotiationNote,
    Playbook,
    QuestionCategory,
    QuestionToAsk,
    SampleQuestion,
    StarPrompt,
    Theme,
    ThemePoint,
)


@pytest.fixture(scope="module")
def doc():
    return document.parse(document.SOURCE_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def all_text(doc):
    return json.dumps(document.fixture_records(doc), ensure_ascii=False)


def test_the_committed_fixture_is_what_the_builder_makes_now():
    assert document.FIXTURE_PATH.read_text(encoding="utf-8") == document.build_fixture()


def test_the_document_title_and_guidelines(doc):
    assert doc.title == "Interview Prep — Behavioral Questions"
    assert doc.guidelines == [
        "STAR format: Situation → Task → Action → Result",
        "Prepare 2–3 specific stories for each theme.",
        "Numbers and outcomes matter.",
    ]


def test_themes_are_in_document_order(doc):
    assert [(t.number, t.title) for t in doc.themes] == [
        (1, "Handling Model Failures in Production"),
        (2, "Technical Leadership & Cross-Team Collaboration"),
        (3, "Dealing with Ambiguous Requirements"),
        (4, "Technical Deep-Dives & Problem Solving"),
        (5, "Mentorship & Growing Others"),
    ]


@pytest.mark.parametrize(
    "number, questions, framework, talking_points, key_points",
    [
        (1, 1, 5, 2, 3),
        (2, 2, 4, 2, 0),
        (3, 2, 4, 2, 0),
        (4, 2, 4, 2, 0),
        (5, 2, 0, 2, 0),
    ],
)
def test_each_theme_has_exactly_the_items_the_document_gives(
    doc, number, questions, framework, talking_points, key_points
):
    theme = doc.themes[number - 1]
    assert len(theme.questions) == questions
    assert list(theme.star) == ["situation", "task", "action", "result"]
    assert len(theme.points.get("framework", [])) == framework
    assert len(theme.points.get("talking_point", [])) == talking_points
    assert len(theme.points.get("key_point", [])) == key_points


def test_items_keep_their_order_within_a_theme(doc):
    theme = doc.themes[0]
    assert theme.points["framework"][0].startswith("State the failure mode clearly")
    assert theme.points["framework"][-1] == "Describe what you put in place afterward"
    assert doc.themes[1].questions == [
        "Describe a time you influenced a team that wasn't directly reporting to you.",
        "Tell me about a time you drove a technical decision that was controversial.",
    ]


def test_questions_to_ask_keep_their_categories(doc):
    assert [(title, len(qs)) for title, qs in doc.ask_categories] == [
        ("Technical Questions", 4),
        ("Team & Culture", 3),
        ("Process", 2),
    ]
    assert doc.ask_categories[2][1][-1] == (
        "How do you balance shipping quickly vs building maintainable systems?"
    )


def test_the_ml_fixture_keys_its_questions_to_ask_and_notes_by_its_playbook():
    records = json.loads(document.build_fixture())
    book = ["ml-computer-vision"]
    categories = [
        r["fields"] for r in records if r["model"] == "themes.questioncategory"
    ]
    assert [(c["playbook"], c["slug"]) for c in categories] == [
        (book, "technical-questions"),
        (book, "team-culture"),
        (book, "process"),
    ]
    questions = [r["fields"] for r in records if r["model"] == "themes.questiontoask"]
    assert questions[4] == {
        "category": [*book, "team-culture"],
        "position": 1,
        "text": "How does the team handle disagreements on technical direction?",
    }
    notes = [r["fields"] for r in records if r["model"] == "themes.negotiationnote"]
    assert [(n["playbook"], n["position"]) for n in notes] == [
        (book, i) for i in range(1, 6)
    ]
    assert notes[2]["text"].startswith("For ML engineer roles")


def test_negotiation_notes_all_present(doc):
    assert len(doc.negotiation) == 5
    assert (
        doc.negotiation[0]
        == "Always negotiate. The first offer is rarely the final offer."
    )
    assert (
        doc.negotiation[-1] == "Get promises in writing (team, project, compute budget)"
    )


def test_every_line_of_the_source_lands_somewhere(all_text):
    # A sample of distinctive phrases, one from each part of the document.
    for phrase in [
        "FPR spiked from 0.2% to 4%",
        "Pareto frontier of accuracy vs latency",
        "mAP@0.5 > 0.80 at < 50ms latency",
        "correlation volume from scratch",
        "Model Debugging Checklist",
        "What's the hardest CV problem",
        "levels.fyi, blind",
    ]:
        assert phrase in all_text


# Repairs: each one of the damage in the extracted text, pinned.


def test_repair_fused_guidance_line_is_split(doc):
    assert not any("Result Prepare" in text for text in doc.guidelines)


def test_repair_run_together_tool_name(doc):
    point = doc.themes[3].points["talking_point"][0]
    assert "I profiled with `nsys` and found 60% of time" in point
    assert "nsysand" not in point


def test_repair_line_broken_inside_an_item_is_rejoined(doc):
    point = doc.themes[3].points["talking_point"][0]
    assert point.startswith("I had to optimize a segmentation model")
    assert point.endswith("achieved 34 FPS — a 4.25× improvement.")


def test_repair_two_talking_points_fused_on_one_line_are_split(doc):
    points = doc.themes[3].points["talking_point"]
    assert len(points) == 2
    assert points[1].startswith("I needed to understand RAFT (optical flow)")
    assert not any(' - "' in p for p in points)


def test_repair_lone_unbulleted_sample_question_is_read(doc):
    assert doc.themes[0].questions == [
        "Tell me about a time a model you deployed caused a problem in production."
    ]


def test_repair_number_ranges_use_an_en_dash(all_text):
    assert "2–3" in all_text
    assert "2-3" not in all_text


def test_quotation_marks_around_quoted_items_are_left_to_the_templates(doc):
    assert not doc.themes[0].questions[0].startswith('"')
    assert doc.themes[4].points["talking_point"][1].startswith("I wrote a 'Model")
    # A note that quotes inside itself keeps its quotes.
    assert '"Senior ML Engineer" vs "Staff"' in doc.negotiation[3]


def test_each_reviewed_repair_matches_the_source_once():
    text = document.SOURCE_PATH.read_text(encoding="utf-8")
    repairs = document.load_repairs()
    assert repairs, "the repairs list is empty"
    for repair in repairs:
        document.apply_repairs(
            "\n".join(
                document.join_broken_lines(
                    [line.strip() for line in text.split("\n") if line.strip()]
                )
            ),
            [repair],
        )


def test_a_repair_that_no_longer_matches_stops_the_build():
    with pytest.raises(document.DocumentError, match="matches 0 times"):
        document.parse("Title\nSome guidance.", [{"find": "absent", "replace": "x"}])


def test_an_unknown_line_stops_the_build_rather_than_vanishing():
    text = 'Title\nGuidance.\nTheme 1: One\nSample Questions\n- "Q?"\nStray words'
    with pytest.raises(document.DocumentError, match="Stray words"):
        document.parse(text, [])


def test_the_story_target_is_read_from_the_document(doc):
    assert document.theme_target(doc.guidelines) == (2, 3)
    assert document.theme_target(["Prepare 1–4 specific stories for each theme."]) == (
        1,
        4,
    )


@pytest.mark.django_db
def test_loading_the_fixture_twice_leaves_one_copy_of_everything():
    call_command("loaddata", "playbook", verbosity=0)
    call_command("loaddata", "playbook", verbosity=0)
    ml = {"playbook__slug": "ml-computer-vision"}
    assert Playbook.objects.filter(slug="ml-computer-vision").count() == 1
    assert Guideline.objects.count() == 3
    assert Theme.objects.filter(**ml).count() == 5
    of_ml = {f"theme__{key}": value for key, value in ml.items()}
    assert SampleQuestion.objects.filter(**of_ml).count() == 9
    assert StarPrompt.objects.filter(**of_ml).count() == 20
    points = ThemePoint.objects.filter(**of_ml)
    assert points.filter(kind="framework").count() == 17
    assert points.filter(kind="talking_point").count() == 10
    assert points.filter(kind="key_point").count() == 3
    assert QuestionCategory.objects.filter(**ml).count() == 3
    assert (
        QuestionToAsk.objects.filter(
            **{f"category__{k}": v for k, v in ml.items()}
        ).count()
        == 9
    )
    assert NegotiationNote.objects.filter(**ml).count() == 5


@pytest.mark.django_db
def test_loaded_themes_carry_the_target_and_no_invented_items():
    call_command("loaddata", "playbook", verbosity=0)
    mentorship = Theme.objects.get(playbook__slug="ml-computer-vision", number=5)
    assert (mentorship.target_min, mentorship.target_max) == (2, 3)
    assert not mentorship.points.filter(kind="framework").exists()
    assert not mentorship.points.filter(kind="key_point").exists()
    assert [p.section for p in mentorship.star_prompts.all()] == [
        "situation",
        "task",
        "action",
        "result",
    ]
