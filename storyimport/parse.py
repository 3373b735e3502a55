"""Turn an existing story bank (Markdown, a Word .docx, or a spreadsheet's CSV)
into stories split into Situation, Task, Action and Result.

Pure parsing: no database, no request. Every function either returns the stories
it found or raises ImportProblem naming where the problem is (a line, a paragraph
or a row). Text the splitter cannot place in a section is kept as the story's
notes, never dropped; the view appends the notes to the story's reflection.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser

from stories.models import SECTION_MAX, TITLE_MAX

MAX_BYTES = 5 * 1024 * 1024
MAX_STORIES = 500
# The preview offers a choice for every column: a story bank has a dozen or so.
MAX_COLUMNS = 50
# A .docx is a zip: refuse one whose contents would unpack to more than this.
MAX_DOCX_UNPACKED = 50 * 1024 * 1024
COMPANY_MAX = ROLE_MAX = 200
PERIOD_MAX = 100

STAR = ["situation", "task", "action", "result"]
# Where a labelled piece of text goes: the four STAR sections, the reflection, the
# story's details, and notes. Keys are what people write, lower case.
SYNONYMS = {
    "title": ["title", "story", "story title", "name", "headline"],
    "situation": ["s", "situation", "context", "background"],
    "task": ["t", "task", "goal", "objective", "problem"],
    "action": ["a", "action", "actions", "what i did", "approach"],
    "result": ["r", "result", "results", "outcome", "outcomes", "impact"],
    "reflection": [
        "reflection",
        "learning",
        "learnings",
        "lesson",
        "lessons",
        "lessons learned",
        "lessons learnt",
        "what i learned",
        "what i learnt",
    ],
    "themes": [
        "themes",
        "theme",
        "tags",
        "tag",
        "competency",
        "competencies",
        "category",
        "categories",
    ],
    "company": ["company", "employer", "organisation", "organization", "org"],
    "role": ["role", "position", "job title"],
    "period": ["period", "year", "when", "date", "dates"],
    "notes": ["notes", "note", "comments", "comment"],
}
LABELS = {name: target for target, names in SYNONYMS.items() for name in names}
# Where a CSV column can go, in the order the preview offers them.
TARGETS = [
    "title",
    *STAR,
    "reflection",
    "themes",
    "company",
    "role",
    "period",
    "notes",
    "skip",
]
TARGET_LABELS = {
    "title": "Title",
    "situation": "Situation",
    "task": "Task",
    "action": "Action",
    "result": "Result",
    "reflection": "Reflection",
    "themes": "Themes",
    "company": "Company",
    "role": "Role",
    "period": "Period",
    "notes": "Notes",
    "skip": "Leave out",
}
TEXT_LIMITS = {
    "title": TITLE_MAX,
    "company": COMPANY_MAX,
    "role": ROLE_MAX,
    "period": PERIOD_MAX,
    **{name: SECTION_MAX for name in [*STAR, "reflection"]},
}
NOTES_HEADING = "Notes from import:"

HEADING_START = re.compile(r"(#{1,6})(?:[ \t]+|$)")
# Every label of more than one letter, longest first ("results" before "result").
_WORDS = "|".join(
    sorted((re.escape(n) for n in LABELS if len(n) > 1), key=len, reverse=True)
)
# "S: …", "Situation: …" (a single letter only in capitals), after any bullet.
PLAIN_LABEL = re.compile(rf"(?:(?P<letter>[STAR])|(?i:(?P<word>{_WORDS})))[ \t]*:")
# "**Task**", "**Task:** …", "__Result__: …"
BOLD_LABEL = re.compile(
    rf"(?P<mark>\*\*|__)[ \t]*(?i:(?P<word>{_WORDS}|[star]))[ \t]*:?[ \t]*(?P=mark)(?:[ \t]*:)?"
)
# Labels are short: the patterns only ever see a line's start, so a long line of
# spaces cannot make them backtrack for minutes.
LABEL_REACH = 80
# A cell a spreadsheet would run as a formula if it were opened again.
FORMULA = re.compile(r"^(?:[=+@\t\r]|-(?=\S))")


class ImportProblem(Exception):
    """The file cannot be imported; `messages` say where and why."""

    def __init__(self, messages):
        if isinstance(messages, str):
            messages = [messages]
        super().__init__("; ".join(messages))
        self.messages = list(messages)


@dataclass
class ParsedStory:
    title: str = ""
    situation: str = ""
    task: str = ""
    action: str = ""
    result: str = ""
    reflection: str = ""
    company: str = ""
    role: str = ""
    period: str = ""
    notes: str = ""
    themes: list = field(default_factory=list)
    # Where the story starts in the source: "line 12", "row 4", "paragraph 7".
    where: str = ""

    def sections(self):
        return [(name, getattr(self, name)) for name in STAR]

    def reflection_with_notes(self):
        """The reflection the story is saved with: the notes go after it."""
        if not self.notes:
            return self.reflection
        notes = f"{NOTES_HEADING}\n\n{self.notes}"
        return f"{self.reflection}\n\n{notes}" if self.reflection else notes


@dataclass
class Parsed:
    kind: str
    stories: list
    # CSV only: the header row, and where each column goes.
    columns: list = field(default_factory=list)
    mapping: list = field(default_factory=list)
    # Markdown only: the heading level that starts a story (0: none).
    story_level: int = 0
    levels: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


def _append(existing, text):
    return f"{existing}\n{text}" if existing else text


def _split_themes(text):
    return [t.strip() for t in re.split(r"[,;\n|]", text) if t.strip()]


def check_text(text, unit="line"):
    """Refuse text with a NUL: no database column can hold one."""
    index = text.find("\x00")
    if index >= 0:
        number = text.count("\n", 0, index) + 1
        raise ImportProblem(f"{unit.capitalize()} {number} contains a NUL byte.")


NOTHING_FOUND = (
    "No stories were found. Start each story with a heading (## Title) or label "
    "its sections (Situation: …)."
)


def _finish(stories, warnings, nothing_found=NOTHING_FOUND):
    """Check the limits on what was found, tidy it, and number untitled stories."""
    if not stories:
        raise ImportProblem(nothing_found)
    if len(stories) > MAX_STORIES:
        raise ImportProblem(
            f"The file holds {len(stories):,} stories; at most {MAX_STORIES} can be "
            "imported at once. Split it and import the parts."
        )
    problems = []
    for number, story in enumerate(stories, 1):
        for name in ["title", "company", "role", "period"]:
            setattr(story, name, " ".join(getattr(story, name).split()))
        for name in [*STAR, "reflection", "notes"]:
            value = re.sub(r"\n{3,}", "\n\n", getattr(story, name))
            setattr(story, name, value.strip("\n").rstrip())
        if not story.title:
            story.title = f"Imported story {number}"
        for name, limit in TEXT_LIMITS.items():
            value = (
                story.reflection_with_notes()
                if name == "reflection"
                else getattr(story, name)
            )
            if len(value) > limit:
                what = "Reflection with the notes" if name == "reflection" else name
                problems.append(
                    f"Story {number} ({story.where}): {what.capitalize()} is "
                    f"{len(value):,} characters long; at most {limit:,} fit."
                )
    if problems:
        raise ImportProblem(problems[:20])
    return warnings


# Markdown ------------------------------------------------------------------------


def heading_levels(text):
    """The levels of the headings that are not STAR sections, for the preview's
    choice of which one starts a story."""
    levels = set()
    for line in text.splitlines():
        heading = _heading(line)
        if heading and _label(heading[1]) is None:
            levels.add(heading[0])
    return sorted(levels)


def _label(text):
    """What a heading's text names (a section, details or notes), or None: a
    heading that reads "Story" or "Title" is a story's own heading."""
    key = re.sub(r"[*_:]+", "", text).strip().lower()
    target = LABELS.get(key)
    return None if target == "title" else target


def guess_story_level(text):
    """The heading level that starts a story: the most frequent level of the
    non-section headings above the section headings (ties go deeper)."""
    counts = {}
    section_levels = []
    for line in text.splitlines():
        heading = _heading(line)
        if not heading:
            continue
        level, title = heading
        if _label(title) is None:
            counts[level] = counts.get(level, 0) + 1
        else:
            section_levels.append(level)
    if section_levels:
        top = min(section_levels)
        counts = {lvl: n for lvl, n in counts.items() if lvl < top}
    if not counts:
        return 0
    return max(counts, key=lambda lvl: (counts[lvl], lvl))


def parse_markdown(text, story_level=None, unit="line"):
    """Stories from Markdown: a heading at `story_level` starts a story (None:
    guessed), section headings (### Situation) or labels (S:, Situation:,
    **Task**) start a section. Anything else before a section is notes."""
    check_text(text, unit)
    if story_level is None:
        story_level = guess_story_level(text)
    stories = []
    story = None
    section = "notes"
    preamble = []
    # Each story's text, a list of lines a field, joined at the end: adding a line
    # to a growing string would copy it every time.
    parts = {}

    def start(where, title=""):
        nonlocal story, section
        story = ParsedStory(where=where)
        stories.append(story)
        parts[id(story)] = {"title": [title] if title else []}
        story.has_text = False
        section = "notes"
        if preamble:
            parts[id(story)]["notes"] = preamble[:]
            preamble.clear()
        return story

    def add(target, value):
        if target == "themes":
            story.themes.extend(_split_themes(value))
            return
        parts[id(story)].setdefault(target, []).append(value)
        if target in (*STAR, "reflection") and value.strip():
            story.has_text = True

    def put(target, value, where):
        nonlocal section
        if story is None:
            start(where)
        elif (
            not story_level
            and target in (*STAR, "title")
            and parts[id(story)].get(target)
            and (target != "title" or story.has_text)
        ):
            # No story headings: a section (or title) seen twice starts a new story.
            start(where)
        if target == "title":
            if value:
                add("title", value)
            section = "notes"
            return
        if value and target in ("company", "role", "period", "themes"):
            # A detail on one line: what follows is not part of it.
            add(target, value)
            section = "notes"
            return
        section = target
        if value:
            add(target, value)

    for number, line in enumerate(text.splitlines(), 1):
        where = f"{unit} {number}"
        heading = _heading(line)
        if heading:
            level, title = heading
            target = _label(title)
            if target is None and level == story_level:
                start(where, title)
                continue
            if target is not None:
                put(target, "", where)
                continue
        label = _line_label(line)
        if label:
            put(*label, where)
            continue
        if story is None:
            if line.strip():
                preamble.append(line)
            continue
        if section in ("company", "role", "period", "themes") and not line.strip():
            section = "notes"
            continue
        add(section, line)
    if preamble:
        # Text and no story at all: keep it as one story's notes.
        start(f"{unit} 1")
    for story in stories:
        for name, lines in parts[id(story)].items():
            setattr(story, name, "\n".join(lines))
    return Parsed(
        kind="markdown",
        stories=stories,
        story_level=story_level,
        levels=heading_levels(text),
        warnings=_finish(stories, []),
    )


def _line_label(line):
    """(target, the rest of the line) for a labelled line ("S: …", "**Task**"),
    or None."""
    text = line.strip()
    if text[:1] in "-*+" and text[1:2] in (" ", "\t"):
        text = text[2:].lstrip()
    head = text[:LABEL_REACH]
    match = BOLD_LABEL.match(head) or PLAIN_LABEL.match(head)
    if not match:
        return None
    letter = match.groupdict().get("letter")
    return LABELS[(letter or match["word"]).lower()], text[match.end() :].strip()


def _heading(line):
    """(level, text) of an ATX heading line, or None. Plain string work rather
    than one regular expression, whose backtracking on a long line of spaces and
    #s would take minutes."""
    match = HEADING_START.match(line)
    if not match:
        return None
    text = line[match.end() :].strip()
    closing = text.rstrip("#")
    if closing != text and (not closing or closing[-1] in " \t"):
        text = closing.rstrip()
    return len(match[1]), text


# Word ------------------------------------------------------------------------------


class _HtmlToMarkdown(HTMLParser):
    """Mammoth's HTML as the Markdown lines parse_markdown reads: one line a
    paragraph, headings as #, list items as -, bold as **."""

    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = []
        self.current = None
        self.prefix = ""

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._flush()
            self.current = []
            self.prefix = (
                "#" * int(tag[1]) + " "
                if tag[0] == "h" and tag != "h"
                else "- "
                if tag == "li"
                else ""
            )
        elif tag in ("strong", "b") and self.current is not None:
            self.current.append("**")
        elif tag == "br" and self.current is not None:
            self._flush()
            self.current = []
        elif tag in ("td", "th") and self.current:
            self.current.append(" | ")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self._flush()
        elif tag in ("strong", "b") and self.current is not None:
            self.current.append("**")

    def handle_data(self, data):
        if self.current is None:
            self.current = []
            self.prefix = ""
        self.current.append(data)

    def _flush(self):
        if self.current is not None:
            text = " ".join("".join(self.current).split())
            if text:
                self.lines.append(self.prefix + text)
        self.current = None
        self.prefix = ""

    def markdown(self):
        self._flush()
        return "\n".join(self.lines)


def docx_to_markdown(data):
    """A .docx's text as Markdown lines, one a paragraph."""
    import mammoth

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportProblem(
            "This is not a Word (.docx) file: a .docx is a zip archive, and this "
            "file is not one. Save it from Word as .docx, or paste its text."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportProblem(f"The .docx file is damaged: {error}.") from error
    if "word/document.xml" not in names:
        raise ImportProblem(
            "This zip file is not a Word document: it has no word/document.xml."
        )
    if unpacked > MAX_DOCX_UNPACKED:
        raise ImportProblem("The .docx file unpacks to more than 50 MB; too large.")
    try:
        html = mammoth.convert_to_html(
            io.BytesIO(data),
            # Stories are text: an image is left out rather than read and encoded.
            convert_image=mammoth.images.img_element(lambda image: {}),
        ).value
    # Mammoth reads hostile XML and zip entries; whatever it raises means "damaged".
    except Exception as error:  # noqa: BLE001
        raise ImportProblem(
            f"The .docx file could not be read ({type(error).__name__}); it may be "
            "damaged. Save it again from Word, or paste its text."
        ) from error
    converter = _HtmlToMarkdown()
    converter.feed(html)
    text = converter.markdown()
    if len(text) > MAX_BYTES:
        raise ImportProblem("The document holds more than 5 MB of text; too large.")
    return text


# CSV ------------------------------------------------------------------------------


def decode(data, what="file"):
    """Bytes as text: UTF-8 (with or without a byte-order mark), or a message
    saying where the first byte that is not UTF-8 is."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportProblem(
            f"Line {line} of the {what} is not UTF-8 text (byte {error.start + 1}). "
            "Save it again as UTF-8 (in Excel: “CSV UTF-8”) and import that."
        ) from error
    return text


def guess_mapping(header):
    return [LABELS.get(" ".join(name.lower().split()), "notes") for name in header]


def parse_csv(text, mapping=None):
    """Stories from a spreadsheet's CSV: a header row, then a story a row. Each
    column goes where `mapping` says (guessed from the headers when None)."""
    check_text(text)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise ImportProblem("The CSV file is empty.")
        header = [name.strip() for name in header]
        if len(header) > MAX_COLUMNS:
            raise ImportProblem(
                f"Row 1 of the CSV file has {len(header):,} columns; at most "
                f"{MAX_COLUMNS} are read. Is it a story bank with a header row?"
            )
        if mapping is None or len(mapping) != len(header):
            mapping = guess_mapping(header)
        stories, warnings = [], []
        # Numbered as a spreadsheet numbers its rows: the header is row 1.
        for row_number, row in enumerate(reader, 2):
            if not any(cell.strip() for cell in row):
                continue
            if len(stories) >= MAX_STORIES:
                raise ImportProblem(
                    f"The file holds more than {MAX_STORIES} stories (row "
                    f"{row_number}); at most {MAX_STORIES} can be imported at "
                    "once. Split it and import the parts."
                )
            if len(row) > MAX_COLUMNS:
                raise ImportProblem(
                    f"Row {row_number} of the CSV file has {len(row):,} cells; at "
                    f"most {MAX_COLUMNS} are read."
                )
            story = ParsedStory(where=f"row {row_number}")
            for index, cell in enumerate(row):
                target = mapping[index] if index < len(mapping) else "notes"
                name = header[index] if index < len(header) else f"column {index + 1}"
                value = cell.strip()
                if not value or target == "skip":
                    continue
                if FORMULA.match(value):
                    warnings.append(
                        f"Row {row_number}, column “{name}” starts like a "
                        "spreadsheet formula; it is kept as plain text."
                    )
                if target == "themes":
                    story.themes.extend(_split_themes(value))
                elif target == "notes":
                    story.notes = _append(story.notes, f"{name}: {value}")
                else:
                    setattr(story, target, _append(getattr(story, target), value))
            stories.append(story)
    except csv.Error as error:
        raise ImportProblem(
            f"Line {reader.line_num} of the CSV file cannot be read: {error}."
        ) from error
    parsed = Parsed(kind="csv", stories=stories, columns=header, mapping=mapping)
    parsed.warnings = _finish(
        stories, warnings, "The CSV file has a header row but no stories under it."
    )
    return parsed


# Any source ------------------------------------------------------------------------

KINDS = {"md": "markdown", "markdown": "markdown", "txt": "markdown"}


def kind_of(filename):
    """What a file is, by its extension: markdown, docx, csv, or None."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in ("docx", "csv"):
        return extension
    return KINDS.get(extension)


def source_from_upload(filename, data):
    """(kind, text) for an uploaded file: the text the preview parses."""
    kind = kind_of(filename)
    if kind is None:
        raise ImportProblem(
            "Choose a Markdown (.md, .txt), Word (.docx) or CSV (.csv) file."
        )
    if len(data) > MAX_BYTES:
        raise ImportProblem("The file is larger than 5 MB, the limit for an import.")
    if kind == "docx":
        return "docx", docx_to_markdown(data)
    text = decode(data)
    check_text(text)
    return kind, text


def parse(kind, text, story_level=None, mapping=None):
    if kind == "csv":
        return parse_csv(text, mapping)
    unit = "paragraph" if kind == "docx" else "line"
    parsed = parse_markdown(text, story_level, unit)
    parsed.kind = kind
    return parsed
