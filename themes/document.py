"""Parse the prep document into fixture records.

The document came out of a PDF-to-text tool, so parsing is strict: every line must
land in a known place, or the build fails rather than dropping text.
"""

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

SOURCE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "source"
SOURCE_PATH = SOURCE_DIR / "behavioral-interview-prep.txt"
REPAIRS_PATH = SOURCE_DIR / "repairs.toml"
FIXTURE_PATH = SOURCE_DIR.parent / "playbook.json"

# The document becomes this built-in playbook (themes/migrations/0002 names it too,
# for databases that had its themes before playbooks existed).
PLAYBOOK = {
    "slug": "ml-computer-vision",
    "title": "Senior ML / computer vision engineer",
    "position": 1,
}

THEME_HEADING = re.compile(r"^Theme (\d+): (.+)$")
STAR_LINE = re.compile(r"^(Situation|Task|Action|Result): (.+)$")
# "Prepare 2–3 specific stories for each theme." is the per-theme target.
TARGET = re.compile(r"(\d+)\s*–\s*(\d+)\s+.*stories for each theme", re.IGNORECASE)
NUMBER_RANGE = re.compile(r"(?<=\d)-(?=\d)")
FUSED_QUOTED_ITEMS = re.compile(r'"\s+-\s+"')
SENTENCE_BREAK = re.compile(r"(?<=\.)\s+(?=[A-Z])")

THEME_SECTIONS = {
    "Sample Question": "questions",
    "Sample Questions": "questions",
    "STAR Template": "star",
    "Strong Answer Framework": "framework",
    "Example Talking Points": "talking_point",
    "Key Points to Hit": "key_point",
}
ASK_HEADING = "Questions to Ask the Interviewer"
NEGOTIATION_HEADING = "Negotiation & Offer Notes"


class DocumentError(ValueError):
    pass


@dataclass
class Theme:
    number: int
    title: str
    questions: list[str] = field(default_factory=list)
    star: dict[str, str] = field(default_factory=dict)
    points: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Document:
    title: str = ""
    guidelines: list[str] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    ask_categories: list[tuple[str, list[str]]] = field(default_factory=list)
    negotiation: list[str] = field(default_factory=list)


def load_repairs(path=REPAIRS_PATH):
    with open(path, "rb") as f:
        return tomllib.load(f)["repair"]


def join_broken_lines(lines):
    """Rejoin an item the extractor broke across lines: its quotes are unbalanced."""
    joined = []
    for line in lines:
        if joined and joined[-1].count('"') % 2 == 1:
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    return joined


def apply_repairs(text, repairs):
    for repair in repairs:
        count = text.count(repair["find"])
        if count != 1:
            raise DocumentError(
                f"repair {repair['find']!r} matches {count} times, expected once"
            )
        text = text.replace(repair["find"], repair["replace"])
    return text


def split_fused_items(line):
    """`- "one." - "two."` on one line is two quoted items."""
    if not line.startswith('- "'):
        return [line]
    return FUSED_QUOTED_ITEMS.sub('"\n- "', line).split("\n")


def clean_text(text, repairs=None):
    """Return the document's lines with the extraction damage repaired."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = join_broken_lines([line for line in lines if line])
    text = apply_repairs(
        "\n".join(lines), load_repairs() if repairs is None else repairs
    )
    text = NUMBER_RANGE.sub("–", text)
    return [item for line in text.split("\n") for item in split_fused_items(line)]


def unquote(text):
    """Questions and talking points are quotations; the templates add the marks."""
    if len(text) > 1 and text[0] == text[-1] == '"' and text.count('"') == 2:
        return text[1:-1]
    return text


def bullet(line):
    if line.startswith("- "):
        return line[2:].strip()
    return None


def parse(text, repairs=None):
    lines = clean_text(text, repairs)
    doc = Document(title=lines[0])
    theme = None
    section = "guidelines"
    for line in lines[1:]:
        if match := THEME_HEADING.match(line):
            theme = Theme(number=int(match[1]), title=match[2])
            doc.themes.append(theme)
            section = None
        elif line == ASK_HEADING:
            theme, section = None, "ask"
        elif line == NEGOTIATION_HEADING:
            theme, section = None, "negotiation"
        elif theme and line in THEME_SECTIONS:
            section = THEME_SECTIONS[line]
        elif section == "guidelines":
            doc.guidelines.extend(SENTENCE_BREAK.split(line))
        elif theme and section == "questions":
            # A lone sample question is printed without a bullet.
            item = bullet(line) or (line if line.startswith('"') else None)
            if item is None:
                raise DocumentError(f"not a sample question: {line!r}")
            theme.questions.append(unquote(item))
        elif theme and section == "star":
            if not (match := STAR_LINE.match(line)):
                raise DocumentError(f"not a STAR prompt: {line!r}")
            theme.star[match[1].lower()] = match[2]
        elif theme and section in ("framework", "talking_point", "key_point"):
            if (item := bullet(line)) is None:
                raise DocumentError(f"not a list item: {line!r}")
            theme.points.setdefault(section, []).append(unquote(item))
        elif section == "ask":
            if (item := bullet(line)) is not None:
                if not doc.ask_categories:
                    raise DocumentError(f"question before any category: {line!r}")
                doc.ask_categories[-1][1].append(unquote(item))
            else:
                doc.ask_categories.append((line, []))
        elif section == "negotiation":
            if (item := bullet(line)) is None:
                raise DocumentError(f"not a negotiation note: {line!r}")
            doc.negotiation.append(item)
        else:
            raise DocumentError(f"line outside any known section: {line!r}")
    return doc


def theme_target(guidelines):
    for text in guidelines:
        if match := TARGET.search(text):
            return int(match[1]), int(match[2])
    raise DocumentError("the document gives no number of stories per theme")


def fixture_records(doc):
    """The fixture: natural keys only, so loading it twice updates in place."""
    target_min, target_max = theme_target(doc.guidelines)
    records = [
        {
            "model": "themes.playbook",
            "fields": {
                **PLAYBOOK,
                "description": (
                    f"The prep document “{doc.title}”: {len(doc.themes)} themes for"
                    " machine learning and computer vision roles."
                ),
            },
        }
    ]
    records += [
        {"model": "themes.guideline", "fields": {"position": i, "text": text}}
        for i, text in enumerate(doc.guidelines, 1)
    ]
    for theme in doc.themes:
        records += theme_records(
            PLAYBOOK["slug"],
            theme.number,
            slugify(theme.title),
            theme.title,
            "",
            (target_min, target_max),
            theme.questions,
            theme.star,
            theme.points,
        )
    records += ask_and_negotiation_records(
        PLAYBOOK["slug"], doc.ask_categories, doc.negotiation
    )
    return records


def ask_and_negotiation_records(playbook, ask_categories, negotiation):
    """A playbook's questions to ask ([(category title, [question])]) and its
    negotiation notes ([text]) as fixture records, by natural key."""
    records = []
    for position, (title, questions) in enumerate(ask_categories, 1):
        slug = slugify(title)
        records.append(
            {
                "model": "themes.questioncategory",
                "fields": {
                    "playbook": [playbook],
                    "position": position,
                    "slug": slug,
                    "title": title,
                },
            }
        )
        records += [
            {
                "model": "themes.questiontoask",
                "fields": {"category": [playbook, slug], "position": i, "text": text},
            }
            for i, text in enumerate(questions, 1)
        ]
    records += [
        {
            "model": "themes.negotiationnote",
            "fields": {"playbook": [playbook], "position": i, "text": text},
        }
        for i, text in enumerate(negotiation, 1)
    ]
    return records


def theme_records(
    playbook, number, slug, title, description, target, questions, star, points
):
    """A built-in theme's fixture records: the theme, its sample questions, STAR
    prompts ({section: text}) and points ({kind: [text]}), by natural key."""
    records = [
        {
            "model": "themes.theme",
            "fields": {
                "playbook": [playbook],
                "number": number,
                "slug": slug,
                "title": title,
                "description": description,
                "target_min": target[0],
                "target_max": target[1],
            },
        }
    ]
    records += [
        {
            "model": "themes.samplequestion",
            "fields": {"theme": [slug], "position": i, "text": text},
        }
        for i, text in enumerate(questions, 1)
    ]
    records += [
        {
            "model": "themes.starprompt",
            "fields": {"theme": [slug], "section": section, "text": text},
        }
        for section, text in star.items()
    ]
    records += [
        {
            "model": "themes.themepoint",
            "fields": {"theme": [slug], "kind": kind, "position": i, "text": text},
        }
        for kind, texts in points.items()
        for i, text in enumerate(texts, 1)
    ]
    return records


def build_fixture(source=SOURCE_PATH):
    doc = parse(Path(source).read_text(encoding="utf-8"))
    return json.dumps(fixture_records(doc), indent=2, ensure_ascii=False) + "\n"
