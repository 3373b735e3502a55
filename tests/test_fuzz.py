"""Hostile values in every route the resolver knows (tests/walk.py): in the path, the
query and the form. Whatever comes in, the answer is never a 5xx and another user's
data does not change.

Each example sends one hostile value to every route at once (GET and POST), so
each route meets as many kinds of value as there are examples; examples are
derandomized so a run is the same in CI as here.
"""

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django import forms
from django.conf import settings
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from interviewprep.params import ID_MAX
from tests.walk import (
    PARAMETER,
    PROJECT_APPS,
    Writes,
    combos,
    fill,
    kwarg_names,
    make_bank,
    reached,
    snapshot,
    url_patterns,
)
from themes.models import SampleQuestion

HOSTILE = [
    # Digits str.isdigit() takes: superscript, Arabic-Indic, fullwidth.
    "²",
    "١٢",
    "９",
    "9" * 30,
    str(ID_MAX + 1),
    str(ID_MAX),
    "0",
    "-1",
    "1.5",
    "1e9",
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",  # a lone surrogate: sent as its UTF-8 bytes, which are not UTF-8
    "x\udfffy",
    "null",
    "true",
    "[]",
    "{}",
    "<script>",
    "../../etc/passwd",
    "%00",
    "\u202e",
    "x" * 1_000_000,  # 1 MB
]
# Parameters the views read: every project form's fields, every name a template
# posts, every key the views read from GET or POST by hand.
SOURCE_KEYS = re.compile(r"""(?:GET|POST)(?:\.get|\.getlist|\[)\(?["']([\w-]+)["']""")
TEMPLATE_NAMES = re.compile(r"""\bname=["']([A-Za-z_][\w-]*)["']""")


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def parameter_names():
    names = set()
    for form in _subclasses(forms.BaseForm):
        if form.__module__.split(".")[0] in PROJECT_APPS:
            names.update(form.base_fields)
    base = Path(settings.BASE_DIR)
    for app in PROJECT_APPS:
        for source in (base / app).rglob("*.py"):
            names.update(SOURCE_KEYS.findall(source.read_text()))
    for template in base.rglob("templates/**/*.html"):
        if ".venv" not in template.parts and "node_modules" not in template.parts:
            names.update(TEMPLATE_NAMES.findall(template.read_text()))
    return sorted(names - {"viewport", "htmx-config", "csrfmiddlewaretoken"})


def encode(pairs):
    """A query string; lone surrogates go as the bytes a broken client would send."""
    return "&".join(
        f"{quote(name.encode('utf-8', 'surrogatepass'))}="
        f"{quote(value.encode('utf-8', 'surrogatepass'))}"
        for name, value in pairs
    )


def path_value(value):
    return quote(str(value).encode("utf-8", "surrogatepass"), safe="")


def reachable_paths(client, route, bank):
    """The route filled with alice's ids that reach her data (not 404) on GET or
    POST, rolled back; [the route] itself if it takes no id."""

    def reaches(url):
        for method in ("get", "post"):
            with transaction.atomic():
                status = getattr(client, method)(url).status_code
                transaction.set_rollback(True)
            if status != 404:
                return True
        return False

    found = reached(route, bank, reaches)
    return found or [fill(route, combos(route, bank)[0])]


@pytest.fixture
def world(playbook, alice, bob):
    alice_bank = make_bank(alice)
    bob_bank = make_bank(bob)
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    routes = url_patterns()
    return {
        "alice": alice,
        "bob": bob,
        "client": client,
        "bank": alice_bank,
        "bob_bank": bob_bank,
        "names": parameter_names(),
        "routes": routes,
        "reachable": {r: reachable_paths(client, r, alice_bank) for r, _ in routes},
        "plausible": [
            *map(str, alice_bank["user_pks"]),
            *map(str, SampleQuestion.objects.values_list("pk", flat=True)[:3]),
            *alice_bank["theme_slugs"],
            "1",
            "3",
            "60",
            "on",
            "need",
        ],
    }


hostile_values = st.one_of(
    st.sampled_from(HOSTILE),
    st.sampled_from(HOSTILE),
    st.sampled_from(HOSTILE),
    st.text(max_size=20),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def draw_path(data, route, world, hostile):
    """Alice's own ids mostly (to reach the view's parsing), else bob's, else junk."""
    kind = data.draw(st.sampled_from(["mine", "mine", "mine", "theirs", "hostile"]))
    if kind == "mine" or not kwarg_names(route):
        return data.draw(st.sampled_from(world["reachable"][route]))
    if kind == "theirs":
        options = combos(route, world["bob_bank"])
        return fill(route, data.draw(st.sampled_from(options)))
    return "/" + PARAMETER.sub(lambda m: path_value(hostile[:100]) or "x", route)


def draw_parameters(data, world, hostile):
    """Every parameter a view reads: most get this example's hostile value, some a
    plausible one (a view only reaches its second parameter when its first is
    good), some are left out."""
    plausible = st.sampled_from(world["plausible"])
    choice = st.sampled_from(["hostile", "hostile", "hostile", "plausible", None])
    pairs = []
    for name in world["names"]:
        what = data.draw(choice)
        if what == "plausible":
            pairs.append((name, data.draw(plausible)))
        elif what == "hostile":
            pairs.append((name, hostile))
            if len(hostile) > 1000:
                hostile = "1"  # one 1 MB parameter is enough
    return encode(pairs)


def send(client, method, url, form, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.generic(
        method.upper(),
        url,
        form,
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )


@hypothesis_settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    # A failure names its request; shrinking one took minutes.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(data=st.data())
def test_hostile_values_anywhere_never_get_a_5xx_or_change_another_users_data(
    world, data
):
    client, bob = world["client"], world["bob"]
    bobs = snapshot(bob)
    hostile = data.draw(hostile_values, label="hostile")
    # The same parameters for every route, which reads those it knows.
    parameters = draw_parameters(data, world, hostile)
    for route, name in world["routes"]:
        path = draw_path(data, route, world, hostile)
        htmx = data.draw(st.booleans())
        # The parameters as the query of a GET and as the form of a POST.
        for method, url, form in [
            ("get", f"{path}?{parameters}", ""),
            ("post", path, parameters),
        ]:
            if "_auth_user_id" not in client.session:
                client.force_login(world["alice"])  # that was the log-out
            # Rolled back: each request meets the same data, and a run leaves none.
            with transaction.atomic():
                with Writes() as writes:
                    response = send(client, method, url, form, htmx)
                changed = writes.seen and snapshot(bob) != bobs
                transaction.set_rollback(True)
            where = f"{method.upper()} {url[:300]} ({name}) form={form[:300]!r}"
            assert response.status_code < 500, f"{response.status_code} for {where}"
            assert not changed, f"bob's data changed by {where}"


def test_the_fuzz_knows_the_parameters_the_views_read(db):
    names = parameter_names()
    assert {"story", "question", "min_readiness", "version", "points"} <= set(names)
    assert {"title", "situation", "q", "theme", "themes", "rating"} <= set(names)


def test_a_request_that_writes_is_seen_and_one_that_only_reads_is_not(alice):
    # The fuzz takes bob's snapshot only after a request that wrote: a write it
    # missed would hide a change to his data.
    client = Client()
    client.force_login(alice)
    with Writes() as reading:
        client.get("/stories/")
    with Writes() as writing:
        client.post("/stories/new/", {"title": "Seen"})
    assert not reading.seen and writing.seen
    assert alice.stories.filter(title="Seen").exists()
