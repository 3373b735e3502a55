"""`make loadtest` (python -m bench.loadtest): 20 users at once against gunicorn.

For SQLite and then for a throwaway PostgreSQL (scripts/with-postgres.sh; skipped when
the machine has no PostgreSQL), each in its own process with a fresh DATA_DIR: migrate,
load the playbook, collect static files, create 20 accounts with a few stories each,
start gunicorn (4 workers) on 127.0.0.1 and a free port, log each user in through the
real log-in form, then drive it from 20 threads, one per user on their own account.
Slices of a mix (story list, coverage, story page, autosave) alternate with slices of
the same load on a bare authenticated baseline page, so the ratio holds on a noisy
machine. Every acknowledged autosave is recorded client-side and checked against the
database afterwards: the story's final text is the last acknowledged one, and no
version went backwards. A 21st user imports a backup of 1,000 stories (replacing
1,000) once, in the first mix slice: the heaviest write there is.

The workers log how long each request held the database's write lock
(interviewprep/writelock.py, through WRITE_LOCK_LOG); the max and p99 are reported.

Exits non-zero on any error (a status other than the expected one, an exception, a
traceback or "database is locked" in gunicorn's log), any lost write, or any request
that held the write lock longer than LOCK_LIMIT_MS.
LOADTEST_SECONDS (default 30, at most 60) is the driving time per database, split
evenly between the mix and the baseline.
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
USERS = 20
STORIES_PER_USER = 3
WORKERS = 4
DEFAULT_SECONDS = 30
MAX_SECONDS = 60
SLICE_SECONDS = 5
# A client gives up on a request after this long (it counts as an error).
TIMEOUT = 120
PASSWORD = "load test password, not a secret"
# No request may hold the database's write lock longer than this (issue #16).
LOCK_LIMIT_MS = 1000
# The importing user's account, and its file's size: the most one import takes.
IMPORTER = "load-import"
IMPORT_STORIES = 1000
# It starts this far into the first mix slice, so the other users are writing.
IMPORT_DELAY = 1.0
IMPORT_PATH = "/backup/import/"
DATABASES = [("sqlite", "SQLite"), ("postgresql", "PostgreSQL")]
# Share of the mix per kind of request; autosave is what a user typing does most.
MIX = [("story list", 20), ("coverage", 15), ("story page", 25), ("autosave", 40)]
KINDS = ["baseline", *(kind for kind, _ in MIX)]
# An autosave's answer carries the story's new version in the form's hidden input.
SAVED_VERSION = re.compile(r'name="version" value="(\d+)"')
# Lines in gunicorn's log (its own and the workers' stderr) that count as errors.
LOG_ERRORS = ["database is locked", "Traceback", "[CRITICAL]", "[ERROR]"]
# The bare authenticated page the bench measures against (bench/urls.py), served by
# pointing the workers' ROOT_URLCONF at it; the playbook index if it is missing.
GUNICORN_CONF = """\
def post_worker_init(worker):
    from django.conf import settings
    settings.ROOT_URLCONF = "bench.urls"
"""
PARAGRAPH = (
    "I traced the alert storm to a feature whose units had silently changed, wrote "
    "the rollback plan and ran it with the partner team; false alerts fell by 40%. "
)


def seconds_from_env(
    variable="LOADTEST_SECONDS", default=DEFAULT_SECONDS, low=2, high=MAX_SECONDS
):
    seconds = int(os.environ.get(variable) or default)
    if not low <= seconds <= high:
        raise SystemExit(f"{variable} must be between {low} and {high}")
    return seconds


# ---- The orchestrator: one child process per database ------------------------------


def orchestrate(seconds, module="bench.loadtest", table=None, env=None):
    """Run `module` for each database in turn, print `table` of the results (the load
    test's summary_table by default), and say whether every run passed."""
    results = []
    failed = False
    for database, _ in DATABASES:
        result, code = run_child(module, database, seconds, env)
        results.append(result)
        failed = failed or code not in (0, None)
    print()
    print((table or summary_table)(results, seconds))
    return 1 if failed else 0


def run_child(module, database, seconds, env=None):
    """`python -m module --database …` in its own process (under with-postgres.sh for
    PostgreSQL): its JSON result, or why there is none, and its exit code (None when
    skipped: no PostgreSQL on this machine)."""
    label = dict(DATABASES)[database]
    with tempfile.TemporaryDirectory(prefix="interviewprep-result-") as tmp:
        out = Path(tmp) / "result.json"
        command = [
            sys.executable,
            "-m",
            module,
            "--database",
            database,
            "--seconds",
            str(seconds),
            "--json",
            str(out),
        ]
        if database == "postgresql":
            command = [str(ROOT / "scripts" / "with-postgres.sh"), *command]
        print(f"\n== {label} ==", flush=True)
        # Its own process group, so that on Ctrl-C (or SIGTERM) it and everything
        # it started hear SIGINT once, from here, and get to clean up.
        child = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        try:
            code = child.wait()
        except KeyboardInterrupt:
            os.killpg(child.pid, signal.SIGINT)
            try:
                child.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
            raise
        if database == "postgresql" and code == 3 and not out.exists():
            return {"database": label, "skipped": "no PostgreSQL"}, None
        if out.exists():
            return json.loads(out.read_text()), code
        return {"database": label, "failed": f"exit code {code}"}, code


def summary_table(results, seconds):
    lines = [
        f"Load test: {USERS} users, gunicorn {WORKERS} workers on 127.0.0.1, "
        f"{seconds} s per database (half mix, half baseline, alternating).",
        "",
        "| database | baseline req/s | mix req/s | × baseline | mix p50 / p95 / p99 ms "
        "| errors | writes acked | lost | write lock max / p99 ms | result |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        if "skipped" in r or "failed" in r:
            note = r.get("skipped") and f"SKIPPED ({r['skipped']})"
            lines.append(
                f"| {r['database']} | | | | | | | | | {note or 'FAILED: ' + r['failed']} |"
            )
            continue
        mix = r["mix"]
        lines.append(
            f"| {r['database']} | {r['kinds']['baseline']['rps']:.1f} "
            f"| {mix['rps']:.1f} | {r['ratio']:.2f} "
            f"| {mix['p50']:.0f} / {mix['p95']:.0f} / {mix['p99']:.0f} "
            f"| {r['errors']} | {r['writes']} | {r['lost']} "
            f"| {r['lock']['max']:.0f} / {r['lock']['p99']:.0f} "
            f"| {'ok' if r['ok'] else 'FAILED'} |"
        )
    return "\n".join(lines)


# ---- One database: set up, serve, drive, verify ------------------------------------


def run_database(database, seconds, json_out):
    label = dict(DATABASES)[database]
    data_dir = Path(tempfile.mkdtemp(prefix="interviewprep-loadtest-"))
    server = None
    try:
        setup_django(database, data_dir)
        accounts = prepare_database()
        backup_file = prepare_import()
        baseline_path = baseline_url()
        server = Gunicorn(data_dir)
        server.start()
        result = drive(server.port, accounts, baseline_path, seconds, backup_file)
        server.stop()
        result["log_errors"] = server.log_errors()
        result["lost"], result["lost_detail"] = verify(result.pop("acks"))
        holds = read_lock_log(lock_log_path(data_dir))
        result["lock"] = lock_report(holds)
        result["import_held"] = max(
            (held for _, path, held in holds if path == IMPORT_PATH), default=None
        )
        result.update(summarise(result, seconds, label))
        print(database_table(result, baseline_path))
        if json_out:
            Path(json_out).write_text(json.dumps(result, indent=1))
        return 0 if result["ok"] else 1
    finally:
        if server:
            server.stop()
        from django.db import connections

        connections.close_all()
        shutil.rmtree(data_dir, ignore_errors=True)


def setup_django(database, data_dir):
    """Settings for gunicorn and this process alike: the app's, on `data_dir`."""
    if database == "postgresql" and not os.environ.get("DATABASE_URL"):
        raise SystemExit(f"--database {database} runs under scripts/with-postgres.sh")
    if database == "sqlite":
        os.environ.pop("DATABASE_URL", None)
    os.environ.update(
        WRITE_LOCK_LOG=str(lock_log_path(data_dir)),
        DATA_DIR=str(data_dir),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="interviewprep.settings",
    )
    import django

    django.setup()


def prepare_database():
    """Migrate, load the playbook, collect static; 20 users with a few stories each."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from stories.models import Story, StoryTheme
    from themes.models import Playbook

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("loaddata", "playbook", "general-software-engineering", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    # One hash for every account: the production hasher is slow on purpose.
    password = make_password(PASSWORD)
    User = get_user_model()
    # Each user has chosen the prep document's playbook: a new account would be
    # sent to the welcome choice instead of coverage.
    book = Playbook.objects.get(slug="ml-computer-vision")
    themes = list(book.themes.order_by("number"))
    accounts = []
    for n in range(USERS):
        user = User.objects.create(username=f"load{n:02d}", password=password)
        book.adopt(user)
        stories = []
        for s in range(STORIES_PER_USER):
            story = Story.objects.create(
                owner=user,
                title=f"Story {s + 1} of {user.username}",
                situation=PARAGRAPH,
                result=PARAGRAPH,
            )
            for theme in themes[s : s + 2]:
                StoryTheme.objects.create(story=story, theme=theme)
            stories.append({"pk": story.pk, "version": story.version})
        accounts.append({"username": user.username, "stories": stories})
    print(
        f"set up {USERS} users × {STORIES_PER_USER} stories "
        f"in {time.monotonic() - started:.1f} s",
        flush=True,
    )
    return accounts


def prepare_import():
    """The importing user's account with IMPORT_STORIES stories, and its backup: the
    import replaces them all (deletes 1,000, writes 1,000), the worst case."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from backup import archive
    from stories.models import Story, StoryTheme
    from themes.models import Playbook

    user = get_user_model().objects.create(
        username=IMPORTER, password=make_password(PASSWORD)
    )
    book = Playbook.objects.get(slug="ml-computer-vision")
    book.adopt(user)
    stories = Story.objects.bulk_create(
        Story(
            owner=user,
            title=f"Imported story {n}",
            situation=PARAGRAPH,
            task=PARAGRAPH,
            action=PARAGRAPH * 2,
            result=PARAGRAPH,
        )
        for n in range(IMPORT_STORIES)
    )
    themes = list(book.themes.order_by("number")[:3])
    StoryTheme.objects.bulk_create(
        StoryTheme(story=story, theme=theme) for story in stories for theme in themes
    )
    return archive.dumps(archive.export_data(user)).encode()


def baseline_url():
    import importlib.util

    if importlib.util.find_spec("bench.urls"):
        return "/__bench__/baseline/"
    return "/themes/"


class Gunicorn:
    def __init__(self, data_dir):
        self.data_dir = data_dir
        self.log_path = data_dir / "gunicorn.log"
        self.process = None
        self.port = free_port()

    def start(self):
        conf = self.data_dir / "gunicorn.conf.py"
        conf.write_text(GUNICORN_CONF)
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "interviewprep.wsgi",
                "--config",
                str(conf),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_path.read_text()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/accounts/login/")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.log.close()

    def log_errors(self):
        """Error lines of the log; a traceback with the exception that ends it."""
        lines = self.log_path.read_text(errors="replace").splitlines()
        errors = []
        for i, line in enumerate(lines):
            if line.startswith("Traceback"):
                end = (s for s in lines[i + 1 :] if s and not s[0].isspace())
                errors.append(f"Traceback … {next(end, '')}")
            elif any(e in line for e in LOG_ERRORS):
                errors.append(line)
        return errors


def lock_log_path(data_dir):
    return Path(data_dir) / "write-lock.log"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- The simulated users ------------------------------------------------------------


class Browser:
    """One user's cookies over http.client: session cookie and CSRF token."""

    def __init__(self, port, timeout=TIMEOUT):
        self.port = port
        self.timeout = timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.cookies = {}

    def request(self, method, path, fields=None, headers=()):
        headers = dict(headers)
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.request_body(method, path, body, headers)

    def request_body(self, method, path, body, headers):
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body, headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=self.timeout
            )
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return response.status, data

    def upload(self, path, fields, name, content):
        """A multipart form POST of `fields` and one file, `content` (bytes)."""
        boundary = f"----loadtest{random.getrandbits(64):x}"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
            f"{value}\r\n".encode()
            for key, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            'filename="backup.json"\r\nContent-Type: application/json\r\n\r\n'.encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-CSRFToken": self.cookies["csrftoken"],
        }
        return self.request_body("POST", path, b"".join(parts), headers)

    def log_in(self, username):
        status, _ = self.request("GET", "/accounts/login/")
        if status != 200 or "csrftoken" not in self.cookies:
            raise RuntimeError(f"log-in page: {status}")
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            {
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"log-in of {username}: {status}")


class User(threading.Thread):
    def __init__(self, n, browser, account, baseline_path, schedule, fields):
        super().__init__(daemon=True)
        self.n = n
        self.browser = browser
        self.account = account
        self.baseline_path = baseline_path
        self.schedule = schedule
        self.fields = fields
        self.random = random.Random(n)
        self.samples = []  # (kind, ms, ok)
        self.errors = []
        self.acks = {s["pk"]: [] for s in account["stories"]}
        self.versions = {s["pk"]: s["version"] for s in account["stories"]}
        self.writes = 0

    def run(self):
        for phase, start, end in self.schedule:
            pause = start - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            while time.monotonic() < end:
                kind = "baseline" if phase == "baseline" else self.pick()
                self.one(kind)

    def pick(self):
        return self.random.choices(
            [k for k, _ in MIX], weights=[w for _, w in MIX], k=1
        )[0]

    def one(self, kind):
        pk = self.random.choice(list(self.versions))
        started = time.perf_counter()
        try:
            if kind == "autosave":
                ok, detail = self.autosave(pk)
            else:
                path = {
                    "baseline": self.baseline_path,
                    "story list": "/stories/",
                    "coverage": "/coverage/",
                    "story page": f"/stories/{pk}/",
                }[kind]
                status, _ = self.browser.request("GET", path)
                ok, detail = status == 200, f"GET {path}: {status}"
        except Exception as error:  # noqa: BLE001 (every failure is counted)
            ok, detail = False, f"{kind}: {type(error).__name__}: {error}"
        self.samples.append((kind, (time.perf_counter() - started) * 1000, ok))
        if not ok:
            self.errors.append(detail)

    def autosave(self, pk):
        """What the editor's form sends as the user types (htmx): the version it
        edits and the text; the new version comes back in the out-of-band input."""
        self.writes += 1
        field = self.random.choice(self.fields)
        text = f"{self.account['username']} write {self.writes}: " + PARAGRAPH * (
            1 + self.writes % 4
        )
        based_on = self.versions[pk]
        status, body = self.browser.request(
            "POST",
            f"/stories/{pk}/",
            {"version": based_on, field: text},
            {"X-CSRFToken": self.browser.cookies["csrftoken"], "HX-Request": "true"},
        )
        path = f"POST /stories/{pk}/"
        if status != 200:
            return False, f"{path}: {status}"
        version = int(SAVED_VERSION.search(body.decode())[1])
        # Acknowledged: the server says this text is saved as this version.
        self.acks[pk].append((version, field, text))
        self.versions[pk] = version
        if version != based_on + 1:
            return False, f"{path}: version {based_on} → {version}"
        return True, ""


class Importer(threading.Thread):
    """The user who imports a backup once, at `start`; import_ms is how long the
    answer took, or an error."""

    def __init__(self, browser, content, start):
        super().__init__(daemon=True)
        self.browser = browser
        self.content = content
        self.at = start
        self.import_ms = None
        self.errors = []

    def run(self):
        time.sleep(max(0.0, self.at - time.monotonic()))
        started = time.perf_counter()
        try:
            status, _ = self.browser.upload(
                IMPORT_PATH, {"mode": "replace"}, "file", self.content
            )
            if status != 302:
                self.errors.append(f"POST {IMPORT_PATH}: {status}")
        except Exception as error:  # noqa: BLE001 (every failure is counted)
            self.errors.append(f"import: {type(error).__name__}: {error}")
        self.import_ms = (time.perf_counter() - started) * 1000


def drive(port, accounts, baseline_path, seconds, backup_file=None):
    from stories.forms import PROSE_FIELDS

    importing = [{"username": IMPORTER}] if backup_file else []
    browsers = log_in_all(port, accounts + importing)
    if importing:
        *browsers, import_browser = browsers
    # Alternate baseline and mix slices of about SLICE_SECONDS, half the time each.
    slices = max(2, 2 * round(seconds / (2 * SLICE_SECONDS)))
    length = seconds / slices
    t0 = time.monotonic() + 0.2
    schedule = [
        ("baseline" if i % 2 == 0 else "mix", t0 + i * length, t0 + (i + 1) * length)
        for i in range(slices)
    ]
    users = [
        User(n, browser, account, baseline_path, schedule, PROSE_FIELDS)
        for n, (account, browser) in enumerate(zip(accounts, browsers, strict=True))
    ]
    importers = []
    if backup_file:
        # In the first mix slice, once the others are under way.
        _, mix_start, _ = schedule[1]
        importers.append(
            Importer(import_browser, backup_file, mix_start + IMPORT_DELAY)
        )
    for thread in users + importers:
        thread.start()
    for thread in users + importers:
        thread.join()
    return {
        "samples": [s for u in users for s in u.samples],
        "client_errors": [e for u in users + importers for e in u.errors],
        "import_ms": importers[0].import_ms if importers else None,
        "acks": {pk: acks for u in users for pk, acks in u.acks.items()},
        "phase_seconds": seconds / 2,
    }


def log_in_all(port, accounts, timeout=TIMEOUT):
    """A logged-in Browser per account, through the real log-in form, as many at
    once as there are workers: the production password hasher is slow on purpose,
    and this is set-up, not load."""
    started = time.monotonic()
    browsers = [Browser(port, timeout) for _ in accounts]
    failures = []

    def log_in(browser, account):
        try:
            browser.log_in(account["username"])
        except Exception as error:  # noqa: BLE001 (reported below)
            failures.append(f"{account['username']}: {type(error).__name__}: {error}")

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(log_in, browsers, accounts))
    if failures:
        raise RuntimeError(f"could not log in: {'; '.join(sorted(failures))}")
    print(f"logged in {len(accounts)} users in {time.monotonic() - started:.1f} s")
    return browsers


def verify(acks):
    """Every acknowledged write is in the database; no version went backwards.

    `acks` maps a story's pk to its acknowledged writes in the order the client got
    them: (version, field, text).
    """
    from stories.models import Story

    return lost_writes(acks, Story.objects.in_bulk(list(acks)))


def lost_writes(acks, stories):
    """verify() against `stories`, a story (or anything with its `version` and text
    fields as attributes) by pk: the number of problems found, and each."""
    problems = []
    for pk, history in acks.items():
        story = stories.get(pk)
        if story is None:
            if history:
                problems.append(f"story {pk}: gone from the database")
            continue
        versions = [v for v, _, _ in history]
        if any(b <= a for a, b in zip(versions, versions[1:], strict=False)):
            problems.append(f"story {pk}: versions went backwards {versions}")
        if history and story.version != versions[-1]:
            problems.append(
                f"story {pk}: version {story.version}, last acked {versions[-1]}"
            )
        last = {field: text for _, field, text in history}
        for field, text in last.items():
            if getattr(story, field) != text:
                problems.append(f"story {pk}: {field} is not the last acked text")
    return len(problems), problems


# ---- Numbers -------------------------------------------------------------------------


def stats(times, seconds):
    if not times:
        return {"n": 0, "rps": 0.0, "p50": 0.0, "p95": 0.0, "p99": 0.0}
    q = statistics.quantiles(times, n=100, method="inclusive") if len(times) > 1 else []
    pick = (lambda i: q[i - 1]) if q else (lambda i: times[0])
    return {
        "n": len(times),
        "rps": len(times) / seconds,
        "p50": pick(50),
        "p95": pick(95),
        "p99": pick(99),
    }


def read_lock_log(path):
    """The workers' write-lock log (interviewprep/writelock.py): (method, path, held
    ms) for each request that held the lock; none if no request wrote."""
    path = Path(path)
    if not path.exists():
        return []
    holds = []
    for line in path.read_text().splitlines():
        method, request_path, held = line.split("\t")
        holds.append((method, request_path, float(held)))
    return holds


def lock_report(holds):
    """The max and p99 hold in ms, and each request over LOCK_LIMIT_MS."""
    times = [held for _, _, held in holds]
    longest = max(holds, key=lambda hold: hold[2], default=None)
    return {
        "n": len(times),
        "max": max(times, default=0.0),
        "longest": longest and f"{longest[0]} {longest[1]}",
        "p99": stats(times, 1)["p99"],
        "over": [
            f"{method} {path} held it {held:.1f} ms"
            for method, path, held in holds
            if held > LOCK_LIMIT_MS
        ],
    }


def summarise(result, seconds, label):
    phase = result["phase_seconds"]
    samples = result.pop("samples")
    kinds = {
        kind: stats([ms for k, ms, _ in samples if k == kind], phase) for kind in KINDS
    }
    mix = stats([ms for k, ms, _ in samples if k != "baseline"], phase)
    errors = len(result["client_errors"]) + len(result["log_errors"])
    writes = sum(1 for k, _, ok in samples if k == "autosave" and ok)
    baseline_rps = kinds["baseline"]["rps"]
    return {
        "database": label,
        "seconds": seconds,
        "kinds": kinds,
        "mix": mix,
        "ratio": mix["rps"] / baseline_rps if baseline_rps else 0.0,
        "errors": errors,
        "writes": writes,
        "ok": errors == 0
        and result["lost"] == 0
        and writes > 0
        and not result["lock"]["over"],
    }


def database_table(r, baseline_path):
    lines = [
        f"{r['database']}: {r['seconds'] / 2:g} s mix, {r['seconds'] / 2:g} s baseline "
        f"({baseline_path})",
        "| requests | n | req/s | p50 ms | p95 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows = [(k, r["kinds"][k]) for k in KINDS] + [("mix (all)", r["mix"])]
    for name, s in rows:
        lines.append(
            f"| {name} | {s['n']} | {s['rps']:.1f} | {s['p50']:.0f} "
            f"| {s['p95']:.0f} | {s['p99']:.0f} |"
        )
    lines.append(
        f"mix throughput {r['ratio']:.2f}× baseline; errors {r['errors']}; "
        f"acknowledged writes {r['writes']}, lost {r['lost']}"
    )
    lock = r["lock"]
    lines.append(
        f"write lock held by {lock['n']} requests: max {lock['max']:.1f} ms, "
        f"p99 {lock['p99']:.1f} ms (limit {LOCK_LIMIT_MS} ms); longest: "
        f"{lock['longest']}"
    )
    if r["import_ms"] is not None:
        held = r["import_held"]
        lines.append(
            f"import of {IMPORT_STORIES} stories (replacing {IMPORT_STORIES}): "
            f"answered in {r['import_ms']:.0f} ms, held the write lock "
            + (f"{held:.1f} ms" if held is not None else "never (it failed)")
        )
    for details in (
        r["client_errors"],
        r["log_errors"],
        r["lost_detail"],
        lock["over"],
    ):
        lines.extend(f"  {line}" for line in details[:10])
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=[d for d, _ in DATABASES])
    parser.add_argument("--seconds", type=int)
    parser.add_argument("--json", help="write this database's result here")
    args = parser.parse_args(argv)
    seconds = args.seconds or seconds_from_env()
    if not args.database:
        return orchestrate(seconds)
    try:
        return run_database(args.database, seconds, args.json)
    except Exception as error:  # noqa: BLE001 (reported, never mistaken for exit 3)
        print(f"load test on {args.database} failed: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
