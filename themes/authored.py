"""Build a playbook the team writes by hand in TOML into fixture records.

`document.py` parses a document another tool extracted and has to repair it; a
playbook written here in TOML needs no repairs, only strict checks, so that a typo
in the source stops the build instead of shipping a theme with a missing part.
"""

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify

from themes import document
from themes.models import Section

SOURCE_DIR = document.SOURCE_DIR
SOURCE_PATH = SOURCE_DIR / "general-software-engineering.toml"
FIXTURE_PATH = SOURCE_DIR.parent / "general-software-engineering.json"

PLAYBOOK_KEYS = {
    "title",
    "description",
    "position",
    "stories_per_theme",
    "theme",
    "ask",
    "negotiation",
}
THEME_KEYS = {"title", "description", "questions", "star", "strong_answer_shows"}
ASK_KEYS = {"category", "questions"}
NEGOTIATION_KEYS = {"notes"}
QUESTIONS = range(3, 5)
POINTS = range(3, 6)
# Questions to ask: a handful of categories of a few questions each, enough to pick
# from without a wall of text on the prep sheet.
ASK_CATEGORIES = range(2, 6)
ASK_QUESTIONS = range(2, 6)
NEGOTIATION_NOTES = range(3, 9)


class SourceError(ValueError):
    pass


@dataclass
class Theme:
    title: str
    description: str
    questions: list[str]
    star: dict[str, str]
    points: list[str]

    @property
    def slug(self):
        return slugify(self.title)


@dataclass
class Playbook:
    title: str
    description: str
    position: int
    target: tuple[int, int]
    themes: list[Theme]
    # [(category title, [question])], as the prep document's parser gives them.
    ask: list[tuple[str, list[str]]]
    negotiation: list[str]

    @property
    def slug(self):
        return slugify(self.title)


def check_keys(table, expected, where):
    if unknown := sorted(table.keys() - expected):
        raise SourceError(f"{where}: unknown key {unknown[0]!r}")
    if missing := sorted(expected - table.keys()):
        raise SourceError(f"{where}: missing key {missing[0]!r}")


def checked_text(value, where, key):
    if not isinstance(value, str):
        raise SourceError(f"{where}: {key!r} must be a string")
    if not value.strip():
        raise SourceError(f"{where}: {key!r} is empty")
    if value != value.strip():
        raise SourceError(f"{where}: {key!r} has space at the start or end")
    return value


def checked_texts(value, where, key, count):
    if not isinstance(value, list):
        raise SourceError(f"{where}: {key!r} must be a list of strings")
    if len(value) not in count:
        raise SourceError(
            f"{where}: {key!r} has {len(value)} items, "
            f"expected {count.start}–{count.stop - 1}"
        )
    items = [
        checked_text(item, where, f"{key}[{i}]") for i, item in enumerate(value, 1)
    ]
    if len(set(items)) != len(items):
        raise SourceError(f"{where}: {key!r} repeats an item")
    return items


def checked_number(value, where, key):
    # bool is an int to Python, but `true` is never a number in the source.
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise SourceError(f"{where}: {key!r} must be a whole number from 1")
    return value


def theme_name(table, index):
    title = table.get("title")
    if isinstance(title, str) and title.strip():
        return f"theme {index} ({title.strip()!r})"
    return f"theme {index}"


def read_theme(table, where):
    check_keys(table, THEME_KEYS, where)
    star = table["star"]
    if not isinstance(star, dict):
        raise SourceError(f"{where}: 'star' must be a table")
    check_keys(star, set(Section.values), f"{where}: star")
    return Theme(
        title=checked_text(table["title"], where, "title"),
        description=checked_text(table["description"], where, "description"),
        questions=checked_texts(table["questions"], where, "questions", QUESTIONS),
        # Always told in this order, whatever order the source lists them in.
        star={s: checked_text(star[s], where, f"star.{s}") for s in Section.values},
        points=checked_texts(
            table["strong_answer_shows"], where, "strong_answer_shows", POINTS
        ),
    )


def read_playbook(data):
    check_keys(data, PLAYBOOK_KEYS, "playbook")
    title = checked_text(data["title"], "playbook", "title")
    description = checked_text(data["description"], "playbook", "description")
    position = checked_number(data["position"], "playbook", "position")
    target = data["stories_per_theme"]
    if not (isinstance(target, list) and len(target) == 2):
        raise SourceError("playbook: 'stories_per_theme' must be [least, most]")
    target = tuple(checked_number(n, "playbook", "stories_per_theme") for n in target)
    if target[0] > target[1]:
        raise SourceError("playbook: 'stories_per_theme' has least above most")
    tables = data["theme"]
    if not (isinstance(tables, list) and tables):
        raise SourceError("playbook: no [[theme]] tables")
    themes = []
    seen = {}
    for index, table in enumerate(tables, 1):
        if not isinstance(table, dict):
            raise SourceError(f"theme {index}: must be a [[theme]] table")
        where = theme_name(table, index)
        theme = read_theme(table, where)
        if not theme.slug:
            raise SourceError(f"{where}: 'title' makes an empty slug")
        if theme.slug in seen:
            raise SourceError(
                f"{where}: title duplicates theme {seen[theme.slug]} "
                f"(both have the slug {theme.slug!r})"
            )
        seen[theme.slug] = index
        themes.append(theme)
    ask = read_ask(data["ask"])
    negotiation = data["negotiation"]
    if not isinstance(negotiation, dict):
        raise SourceError("negotiation: must be a [negotiation] table")
    check_keys(negotiation, NEGOTIATION_KEYS, "negotiation")
    notes = checked_texts(
        negotiation["notes"], "negotiation", "notes", NEGOTIATION_NOTES
    )
    return Playbook(title, description, position, target, themes, ask, notes)


def read_ask(tables):
    if not (isinstance(tables, list) and len(tables) in ASK_CATEGORIES):
        raise SourceError(
            f"ask: expected {ASK_CATEGORIES.start}–{ASK_CATEGORIES.stop - 1} "
            "[[ask]] tables"
        )
    categories = []
    seen = {}
    for index, table in enumerate(tables, 1):
        where = f"ask {index}"
        if not isinstance(table, dict):
            raise SourceError(f"{where}: must be an [[ask]] table")
        check_keys(table, ASK_KEYS, where)
        category = checked_text(table["category"], where, "category")
        where = f"ask {index} ({category!r})"
        slug = slugify(category)
        if not slug:
            raise SourceError(f"{where}: 'category' makes an empty slug")
        if slug in seen:
            raise SourceError(
                f"{where}: category duplicates ask {seen[slug]} "
                f"(both have the slug {slug!r})"
            )
        seen[slug] = index
        questions = checked_texts(table["questions"], where, "questions", ASK_QUESTIONS)
        categories.append((category, questions))
    return categories


def load(source=SOURCE_PATH):
    path = Path(source)
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as error:
        raise SourceError(f"{path.name}: {error}") from error
    return read_playbook(data)


def check_slugs_are_free(playbook, other_records):
    """Slugs are unique across all playbooks: none may be one the other fixture has."""
    taken = {
        (record["model"], record["fields"]["slug"])
        for record in other_records
        if record["model"] in ("themes.playbook", "themes.theme")
    }
    if ("themes.playbook", playbook.slug) in taken:
        raise SourceError(f"playbook: the slug {playbook.slug!r} is already taken")
    for index, theme in enumerate(playbook.themes, 1):
        if ("themes.theme", theme.slug) in taken:
            raise SourceError(
                f"theme {index} ({theme.title!r}): the slug {theme.slug!r} is "
                f"already a theme in {document.FIXTURE_PATH.name}"
            )


def fixture_records(playbook):
    """The fixture: natural keys only, so loading it twice updates in place."""
    target_min, target_max = playbook.target
    records = [
        {
            "model": "themes.playbook",
            "fields": {
                "slug": playbook.slug,
                "title": playbook.title,
                "description": playbook.description,
                "position": playbook.position,
            },
        }
    ]
    for number, theme in enumerate(playbook.themes, 1):
        records += document.theme_records(
            playbook.slug,
            number,
            theme.slug,
            theme.title,
            theme.description,
            (target_min, target_max),
            theme.questions,
            theme.star,
            {"framework": theme.points},
        )
    records += document.ask_and_negotiation_records(
        playbook.slug, playbook.ask, playbook.negotiation
    )
    return records


def build_fixture(source=SOURCE_PATH, other_fixture=None):
    """The fixture's JSON. `other_fixture` is the built-in playbook's JSON, whose
    slugs this one must not reuse; by default the committed file is read."""
    if other_fixture is None:
        other_fixture = document.FIXTURE_PATH.read_text(encoding="utf-8")
    playbook = load(source)
    check_slugs_are_free(playbook, json.loads(other_fixture))
    return json.dumps(fixture_records(playbook), indent=2, ensure_ascii=False) + "\n"
