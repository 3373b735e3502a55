"""The parser alone: Markdown, Word and CSV into stories and their sections."""

import pytest

from storyimport import parse
from tests.storyimport.docx import make_docx

MARKDOWN = """# My story bank

Collected for the 2025 search.

## Rolled back a drifting detector
Themes: Learning from a failure, Quantum leadership
Company: Acme Vision
### Situation
The detector's recall fell after a camera firmware update.
### Task
I owned the model in production.
### Action
I rolled back to the last good model.

Then I added a drift alarm.
### Result
Recall was back to 95% within the hour.

## Mentored a new hire
### S
A new engineer joined mid-project.
### T
Get them shipping in a month.
### A
Paired daily for two weeks.
### R
They shipped a feature in week three.
"""


def test_markdown_headings_make_stories_and_sections():
    parsed = parse.parse("markdown", MARKDOWN)
    first, second = parsed.stories
    assert parsed.story_level == 2
    assert first.title == "Rolled back a drifting detector"
    assert first.situation == (
        "The detector's recall fell after a camera firmware update."
    )
    assert first.task == "I owned the model in production."
    assert first.action == (
        "I rolled back to the last good model.\n\nThen I added a drift alarm."
    )
    assert first.result == "Recall was back to 95% within the hour."
    assert first.themes == ["Learning from a failure", "Quantum leadership"]
    assert first.company == "Acme Vision"
    assert second.title == "Mentored a new hire"
    assert [text for _, text in second.sections()] == [
        "A new engineer joined mid-project.",
        "Get them shipping in a month.",
        "Paired daily for two weeks.",
        "They shipped a feature in week three.",
    ]


def test_text_before_any_section_is_kept_as_notes():
    parsed = parse.parse("markdown", MARKDOWN)
    # The document's own heading and introduction come before the first story.
    assert parsed.stories[0].notes == (
        "# My story bank\nCollected for the 2025 search."
    )
    story = parse.parse(
        "markdown", "## A story\nAn aside nobody labelled.\nS: the situation\n"
    ).stories[0]
    assert story.notes == "An aside nobody labelled."
    assert story.situation == "the situation"
    assert story.reflection_with_notes() == (
        "Notes from import:\n\nAn aside nobody labelled."
    )


def test_notes_follow_an_existing_reflection():
    story = parse.parse(
        "markdown", "## Story\nstray\nReflection: learned a lot\n"
    ).stories[0]
    assert story.reflection_with_notes() == (
        "learned a lot\n\nNotes from import:\n\nstray"
    )


@pytest.mark.parametrize(
    "text",
    [
        "S: the situation\nT: the task\nA: the action\nR: the result\n",
        "Situation: the situation\nTask: the task\nAction: the action\n"
        "Result: the result\n",
        "**Situation**\nthe situation\n**Task**\nthe task\n**Action:** the action\n"
        "__Result__: the result\n",
        "- situation: the situation\n- TASK: the task\n- Action: the action\n"
        "- Outcome: the result\n",
    ],
)
def test_labels_split_a_story_in_each_common_form(text):
    (story,) = parse.parse("markdown", text).stories
    assert [value for _, value in story.sections()] == [
        "the situation",
        "the task",
        "the action",
        "the result",
    ]


def test_without_story_headings_a_repeated_label_starts_the_next_story():
    text = "Title: One\nS: s1\nR: r1\nTitle: Two\nS: s2\nR: r2\nS: s3\n"
    stories = parse.parse("markdown", text).stories
    assert [(s.title, s.situation, s.result) for s in stories] == [
        ("One", "s1", "r1"),
        ("Two", "s2", "r2"),
        ("Imported story 3", "s3", ""),
    ]


def test_a_lowercase_single_letter_is_not_a_label():
    story = parse.parse("markdown", "## X\nS: one\na: not a label\n").stories[0]
    assert story.situation == "one\na: not a label"


def test_the_story_heading_level_can_be_chosen():
    parsed = parse.parse("markdown", MARKDOWN, story_level=1)
    assert [s.title for s in parsed.stories] == ["My story bank"]
    assert parsed.levels == [1, 2]


def test_a_docx_is_read_through_its_headings_and_labels():
    data = make_docx(
        [
            ("Rolled back a drifting detector", "Heading1", False),
            ("Situation", "Heading2", False),
            "The detector drifted.",
            ("Task", None, True),
            "Fix it before the launch.",
            "Action: I rolled back.",
            "R: Recall back to 95%.",
            ("Mentored a new hire", "Heading1", False),
            "S: A new engineer joined.",
        ]
    )
    kind, text = parse.source_from_upload("bank.DOCX", data)
    parsed = parse.parse(kind, text)
    first, second = parsed.stories
    assert (first.title, first.situation, first.task, first.action, first.result) == (
        "Rolled back a drifting detector",
        "The detector drifted.",
        "Fix it before the launch.",
        "I rolled back.",
        "Recall back to 95%.",
    )
    assert (second.title, second.situation, second.where) == (
        "Mentored a new hire",
        "A new engineer joined.",
        "paragraph 8",
    )


CSV = (
    "\ufeffStory Title,S,task,What I did,Outcome,Competencies,Employer,Source\n"
    'Rolled back,"It drifted\nbadly",Fix it,Rolled back,95% recall,'
    '"Learning from a failure; Made up",Acme,notebook\n'
    ",,,,,,,\n"
    "Mentored,Joined,Ship,Paired,Shipped,,,\n"
)


def test_a_csv_maps_columns_by_header_synonyms():
    parsed = parse.parse("csv", parse.decode(CSV.encode()))
    assert parsed.mapping == [
        "title",
        "situation",
        "task",
        "action",
        "result",
        "themes",
        "company",
        "notes",
    ]
    first, second = parsed.stories
    assert (first.title, first.situation, first.task, first.action, first.result) == (
        "Rolled back",
        "It drifted\nbadly",
        "Fix it",
        "Rolled back",
        "95% recall",
    )
    assert first.themes == ["Learning from a failure", "Made up"]
    assert first.company == "Acme"
    # A column that fits nothing is kept, named, in the notes.
    assert first.notes == "Source: notebook"
    # The blank row is skipped; rows are numbered as the spreadsheet numbers them.
    assert (second.title, second.where) == ("Mentored", "row 4")


def test_the_csv_mapping_can_be_changed():
    mapping = [
        "title",
        "task",
        "situation",
        "action",
        "result",
        "notes",
        "skip",
        "skip",
    ]
    parsed = parse.parse("csv", parse.decode(CSV.encode()), mapping=mapping)
    story = parsed.stories[1]
    assert (story.situation, story.task, story.themes, story.notes) == (
        "Ship",
        "Joined",
        [],
        "",
    )


@pytest.mark.parametrize(
    "formula", ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)"]
)
def test_a_formula_cell_is_kept_as_plain_text_and_flagged(formula):
    text = 'Title,Result\nOne,"' + formula.replace('"', '""') + '"\n'
    parsed = parse.parse("csv", text)
    assert parsed.stories[0].result == formula
    assert parsed.warnings == [
        "Row 2, column “Result” starts like a spreadsheet formula; it is kept as "
        "plain text."
    ]


def test_a_csv_in_another_encoding_is_refused_with_its_line():
    data = "Title,Result\nOne,ok\nCafé,done\n".encode("latin-1")
    with pytest.raises(parse.ImportProblem) as problem:
        parse.source_from_upload("bank.csv", data)
    assert "Line 3 of the file is not UTF-8" in problem.value.messages[0]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("bank.md", b"## One\nS: ok\nT: a\x00b\n", "Line 3 contains a NUL byte."),
        ("bank.csv", b"Title,S\nOne,a\x00\n", "Line 2 contains a NUL byte."),
        ("bank.docx", b"just text, not a zip", "a .docx is a zip archive"),
        ("bank.pdf", b"%PDF", "Choose a Markdown (.md, .txt), Word"),
    ],
)
def test_bad_files_say_where_the_problem_is(name, data, expected):
    with pytest.raises(parse.ImportProblem) as problem:
        parse.source_from_upload(name, data)
    assert expected in problem.value.messages[0]


def test_a_zip_that_is_not_a_word_document_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(parse.ImportProblem, match="not a Word document"):
        parse.source_from_upload("bank.docx", buffer.getvalue())


def test_a_word_document_with_broken_xml_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    good = zipfile.ZipFile(io.BytesIO(make_docx(["x"])))
    with zipfile.ZipFile(buffer, "w") as bad:
        for name in good.namelist():
            body = good.read(name)
            bad.writestr(name, body[:40] if name == "word/document.xml" else body)
    with pytest.raises(parse.ImportProblem, match="could not be read"):
        parse.source_from_upload("a.docx", buffer.getvalue())


def test_at_most_500_stories():
    text = "".join(f"## Story {n}\nS: s\n" for n in range(500))
    assert len(parse.parse("markdown", text).stories) == 500
    with pytest.raises(parse.ImportProblem, match="501 stories; at most 500"):
        parse.parse("markdown", text + "## One more\nS: s\n")
    rows = "".join(f"Story {n},s\n" for n in range(501))
    with pytest.raises(parse.ImportProblem, match="more than 500 stories .row 502"):
        parse.parse("csv", "Title,S\n" + rows)


def test_files_over_5_mb_are_refused():
    with pytest.raises(parse.ImportProblem, match="larger than 5 MB"):
        parse.source_from_upload("big.md", b"x" * (5 * 1024 * 1024 + 1))


def test_the_models_length_limits_are_checked_with_the_place():
    text = "## One\nS: ok\n## Two\nA: " + "x" * 20_001 + "\n"
    with pytest.raises(parse.ImportProblem) as problem:
        parse.parse("markdown", text)
    assert problem.value.messages == [
        "Story 2 (line 3): Action is 20,001 characters long; at most 20,000 fit."
    ]
    with pytest.raises(parse.ImportProblem, match="Story 1 .row 2.: Title is 201"):
        parse.parse("csv", "Title\n" + "t" * 201 + "\n")


def test_an_empty_source_finds_no_stories():
    with pytest.raises(parse.ImportProblem, match="No stories were found"):
        parse.parse("markdown", "\n\n")
    with pytest.raises(parse.ImportProblem, match="empty"):
        parse.parse("csv", "")


def test_hostile_text_is_parsed_in_linear_time():
    import time

    started = time.monotonic()
    # A heading with a long run of spaces inside (a backtracking heading pattern
    # took 22 s on 2,000 spaces, growing with the cube), label-like lines of
    # spaces (a bold label's pattern took minutes on them), and 100,000 lines in one section (kept as a list, never a string
    # grown line by line): too long for the model, which is reported, not a hang.
    spaces = " " * 200_000
    hostile = f"# a{spaces[:5_000]}x\n{spaces}:\n**S{spaces}x\n- {spaces}x\n"
    with pytest.raises(parse.ImportProblem, match="Situation is"):
        parse.parse("markdown", hostile + "## S\nS: x\n" + "word\n" * 100_000)
    with pytest.raises(parse.ImportProblem, match="Title is"):
        parse.parse("markdown", "Title: x\n" * 50_000)
    # Generous: a loaded CI machine; the patterns this guards against take minutes.
    assert time.monotonic() - started < 20


def test_a_heading_keeps_its_text_and_loses_its_closing_hashes():
    assert parse._heading("## Shipped it ##") == (2, "Shipped it")
    assert parse._heading("## C#") == (2, "C#")
    assert parse._heading("####### seven") is None
    assert parse._heading("#hashtag") is None


def test_a_csv_with_too_many_columns_is_refused_with_its_row():
    with pytest.raises(parse.ImportProblem, match="Row 1 of the CSV file has 51"):
        parse.parse("csv", ",".join(["x"] * 51) + "\n")
    with pytest.raises(parse.ImportProblem, match="Row 3 of the CSV file has 60"):
        parse.parse("csv", "Title,S\nOne,s\nx" + "," * 59 + "\n")
