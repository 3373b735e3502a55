"""Accessibility and markup audits of every page the project routes (tests/walk.py),
logged in with data: axe-core in real Chromium with the page's own
Content-Security-Policy in force (which must not be violated either), and the Nu
HTML Checker on the HTML the server sent, all pages in one JVM."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client

from tests.walk import combos, fill, make_bank, touches_user_rows, url_patterns

NODE_MODULES = Path(settings.BASE_DIR) / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
# htmx's hx-* attributes are not in the HTML standard (only its data-hx-* spelling
# is); they are the one extension the pages use, so the checker may not flag them.
HTMX_ATTRIBUTE = re.compile(r"Attribute “hx-[a-z:-]+” not allowed on element")
# Pages that only exist in a state the walk does not put the app in.
EXTRA = {"not found": "/no-such-page/"}


def require(path, program=None):
    if path.exists() and (program is None or shutil.which(program)):
        return
    message = (
        f"{path.relative_to(settings.BASE_DIR)} or {program or 'node'} is missing: "
    )
    message += "npm ci --ignore-scripts (scripts/test.sh does it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(f"SKIPPED LOUDLY: {message}")


def html_pages(client, bank, with_ids=True):
    """One URL per route that gives this client a full HTML page, and its HTML."""
    pages = {}
    for route, name in url_patterns():
        if not with_ids and touches_user_rows(route):
            continue
        for values in combos(route, bank):
            url = fill(route, values)
            response = client.get(url)
            if response.status_code == 405:
                break  # refused before the ids are looked at: no GET page here
            # Full pages only: a fragment is audited inside the page that shows it,
            # and a file (a recording's audio) is no page.
            if response.streaming:
                response.close()
                break
            if response.status_code == 200 and response.content.lstrip()[
                :15
            ].lower().startswith(b"<!doctype html"):
                pages[name] = (url, response.content.decode())
                break
    for name, url in EXTRA.items():
        pages[name] = (url, client.get(url).content.decode())
    return pages


@pytest.fixture
def site(live_server, playbook, alice):
    """The pages alice sees with her data, the pages a visitor sees, and her cookie."""
    bank = make_bank(alice)
    client = Client()
    visitor = html_pages(client, bank, with_ids=False)
    client.force_login(alice)
    pages = html_pages(client, bank)
    assert len(pages) >= 5, pages.keys()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"alice": pages, "visitor": visitor, "cookie": cookie}


# Only the colours differ between the light and the dark theme, so contrast is all
# that is checked again in dark.
DARK_RULES = ["color-contrast", "link-in-text-block"]


DESKTOP = {"width": 1280, "height": 720}


def axe_violations(browser, base_url, pages, cookie=None, dark=True, phone=None):
    """Serious axe violations and console errors on each page, in the light theme
    and, on the same loaded page switched to the OS's dark preference (the theme
    cookie's "auto", the default, which draws the same colours as the dark theme
    chosen outright), the DARK_RULES again. With `phone` (a width in px), the same
    page narrowed to it must not scroll sideways: a wide table may scroll inside its
    own box, the page itself must not (hidden labels, position: absolute, inside
    such a box escape it unless the box is their containing block)."""
    context = browser.new_context(
        base_url=base_url, color_scheme="light", viewport=DESKTOP
    )
    context.set_default_timeout(10_000)
    if cookie:
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}]
        )
    # Run in each page before its own scripts, through DevTools, so the page's
    # strict policy does not stop it.
    context.add_init_script(path=AXE)
    page = context.new_page()
    console = []

    def on_console(message):
        # Failed loads are reported with their address by on_response instead.
        if message.type in ("error", "warning") and not message.text.startswith(
            "Failed to load resource"
        ):
            console.append(message.text)

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            console.append(f"{response.status} for {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda e: console.append(str(e)))
    problems = []
    try:
        for name, (url, _) in pages.items():
            console.clear()
            page.goto(url)
            # Requests htmx makes on load are under way by now: wait for them.
            page.wait_for_function("() => !document.querySelector('.htmx-request')")
            schemes = (
                [("light", None), ("dark", DARK_RULES)] if dark else [("light", None)]
            )
            for scheme, rules in schemes:
                page.emulate_media(color_scheme=scheme)
                options = {"resultTypes": ["violations"]}
                if rules:
                    options["runOnly"] = {"type": "rule", "values": rules}
                result = page.evaluate(
                    "async (options) => await axe.run(document, options)", options
                )
                for v in result["violations"]:
                    if v["impact"] in ("serious", "critical"):
                        targets = [n["target"] for n in v["nodes"]][:3]
                        problems.append(
                            f"{name} {url} ({scheme}): {v['id']} {v['help']} {targets}"
                        )
            if phone:
                page.set_viewport_size({"width": phone, "height": 800})
                width = page.evaluate("() => document.documentElement.scrollWidth")
                if width > phone:
                    problems.append(
                        f"{name} {url}: {width} px wide on a {phone} px phone"
                    )
                page.set_viewport_size(DESKTOP)
            for text in console:
                problems.append(f"{name} {url}: console: {text}")
    finally:
        context.close()
    return problems


def test_every_page_passes_axe_in_light_and_dark_fits_a_phone_and_breaks_no_csp_rule(
    browser, live_server, site
):
    require(AXE)
    problems = axe_violations(
        browser, live_server.url, site["alice"], site["cookie"], phone=390
    ) + axe_violations(browser, live_server.url, site["visitor"], phone=390)
    assert not problems, "\n".join(problems)


def test_every_page_is_valid_html(tmp_path, site):
    require(VNU, program="java")
    # Two pages no GET reaches: the lock-out page after failed log-ins, and the 500.
    client = Client(REMOTE_ADDR="192.0.2.9")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        locked = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert locked.status_code == 429
    extra = {
        "locked out": ("POST /accounts/login/", locked.content.decode()),
        "server error": ("500.html", render_to_string("500.html")),
    }
    files = {}
    for who, pages in (*site.items(), ("errors", extra)):
        if who == "cookie":
            continue
        for name, (url, html) in pages.items():
            path = tmp_path / f"{who}-{len(files):03d}.html"
            path.write_text(html)
            files[path.name] = f"{who} {name} {url}"
    result = subprocess.run(
        # One short-lived JVM: its quick first-tier compiler alone halves the CPU
        # time; the schema needs a bigger thread stack than that compiler leaves.
        ["java", "-XX:TieredStopAtLevel=1", "-Xss4m", "-jar", str(VNU)]
        + ["--format", "json", "--stdout"]
        + [str(tmp_path / name) for name in files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stdout)["messages"]
    errors = [
        f"{files.get(m['url'].rsplit('/', 1)[-1], m['url'])}:{m.get('lastLine')}: "
        f"{m['message']}"
        for m in messages
        if (m["type"] == "error" or m.get("subType") == "fatal")
        and not HTMX_ATTRIBUTE.match(m["message"])
    ]
    assert not errors, "\n".join(errors)


def test_htmx_runs_with_the_strict_config_and_injects_no_styles(page_logged_in_by_form):
    config = page_logged_in_by_form.evaluate(
        "() => [htmx.config.allowEval, htmx.config.allowScriptTags,"
        " htmx.config.includeIndicatorStyles, htmx.config.historyCacheSize,"
        " document.querySelectorAll('style').length]"
    )
    assert config == [False, False, False, 0, 0]
