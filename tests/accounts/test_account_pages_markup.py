"""The account pages no GET reaches, through the Nu HTML Checker (the audit in
tests/browser/test_audits.py covers the rest): the 429 page, the reset form when
e-mail is on, and the form a valid reset link opens."""

import json
import re
import subprocess

from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.browser.test_audits import HTMX_ATTRIBUTE, VNU, require
from tests.factories import PASSWORD


def test_the_pages_behind_a_post_are_valid_html(alice, settings, tmp_path):
    require(VNU, program="java")
    settings.PASSWORD_RESET_BY_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    alice.email = "alice@example.com"
    alice.save()
    client = Client()
    pages = {"reset form": client.get(reverse("password_reset"))}
    client.post(reverse("password_reset"), {"email": "alice@example.com"})
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body)[1]
    pages["new password form"] = client.get(link, follow=True)
    rate = settings.ACCOUNT_THROTTLES["login"]
    for _ in range(int(rate.split("/")[0]) + 1):
        throttled = client.post(reverse("login"), {"username": "x", "password": "y"})
    pages["throttled"] = throttled
    logged_in = Client()
    logged_in.force_login(alice)
    pages["delete with an error"] = logged_in.post(
        reverse("delete_account"), {"password": "wrong"}
    )
    pages["account with an error"] = logged_in.post(
        reverse("account"), {"email": "not an address", "password": PASSWORD}
    )
    assert throttled.status_code == 429
    files = []
    for n, (name, response) in enumerate(pages.items()):
        path = tmp_path / f"{n}.html"
        path.write_text(response.content.decode())
        files.append((path, name))
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--stdout"]
        + [str(path) for path, _ in files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    names = {path.name: name for path, name in files}
    errors = [
        f"{names[m['url'].rsplit('/', 1)[-1]]}:{m.get('lastLine')}: {m['message']}"
        for m in json.loads(result.stdout)["messages"]
        if (m["type"] == "error" or m.get("subType") == "fatal")
        and not HTMX_ATTRIBUTE.match(m["message"])
    ]
    assert not errors, "\n".join(errors)
