"""`make faults` (python -m bench.faults): autosaves through crashes and a full disk.

For SQLite and then for a throwaway PostgreSQL started with production durability
(scripts/with-postgres.sh with PG_DURABLE=1: fsync, synchronous_commit and
full_page_writes on), each in its own process, with the load test's pieces
(bench/loadtest.py): the same set-up, gunicorn with 4 workers on 127.0.0.1, 20 users
logged in through the real form. Each user then autosaves as the editor does, one
save at a time, and resends a save that got no answer or a 5xx (same version, text
and edit id, as htmx would on the user's next keystroke) until it is acknowledged.

Meanwhile the drill, one fault at a time: SIGKILLs a gunicorn worker (the master
starts another), restarts PostgreSQL (`pg_ctl restart -m fast` and `-m immediate`),
and fills the disk for a couple of seconds (a tmpfs mounted on the SQLite DATA_DIR or
on PostgreSQL's pg_wal; "skipped: …" where mount is not allowed). After the run every
acknowledged save is checked against the database.

It reports the writes acknowledged, acknowledged writes lost, the errors clients saw
by kind, and for each fault the seconds from its end (worker killed, database back,
disk freed) to the first save sent after then that was acknowledged. Exits non-zero
if an acknowledged write is lost, or any fault takes more than 5 s to recover from.
FAULTS_SECONDS (default 30, at most 90) is the driving time per database.
"""

import argparse
import contextlib
import errno
import json
import os
import pwd
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

from bench import loadtest
from bench.loadtest import (
    DATABASES,
    LOG_ERRORS,
    PARAGRAPH,
    SAVED_VERSION,
    USERS,
    WORKERS,
    Gunicorn,
    log_in_all,
    lost_writes,
    prepare_database,
    setup_django,
)

DEFAULT_SECONDS = 30
MAX_SECONDS = 90
# Faults stop this long before the end, so the last one's recovery is seen.
QUIET_SECONDS = 6
# Between one fault's recovery and the next fault.
GAP_SECONDS = 2.5
RECOVERY_LIMIT = 5.0
DISK_FULL_SECONDS = 2.0
# A client gives up on an answer after this long and resends.
CLIENT_TIMEOUT = 15
RETRY_PAUSE = 0.2
# After the run, for each user to get the save in flight acknowledged.
GRACE_SECONDS = 20
TMPFS_SIZE = {"sqlite": "64m", "postgresql": "256m"}
# The faults in order, then REPEAT's in turn until the quiet end: a full disk once
# per run is enough, and each leaves pg_wal segments behind on the tmpfs.
PLANS = {
    "sqlite": ["worker killed", "disk full", "worker killed"],
    "postgresql": [
        "restart -m fast",
        "worker killed",
        "restart -m immediate",
        "disk full",
        "worker killed",
    ],
}
REPEAT = {
    "sqlite": ["worker killed"],
    "postgresql": ["worker killed", "restart -m fast"],
}
DURABILITY = ["fsync", "synchronous_commit", "full_page_writes"]


def seconds_from_env():
    return loadtest.seconds_from_env("FAULTS_SECONDS", DEFAULT_SECONDS, 15, MAX_SECONDS)


def orchestrate(seconds):
    env = {**os.environ, "PG_DURABLE": "1"}
    return loadtest.orchestrate(seconds, "bench.faults", summary_table, env)


def summary_table(results, seconds):
    lines = [
        f"Fault drill: {USERS} writers, gunicorn {WORKERS} workers on 127.0.0.1, "
        f"{seconds} s per database; recovery = fault over → first acknowledged save "
        f"sent after it (limit {RECOVERY_LIMIT:g} s).",
        "",
        "| database | faults | writes acked | lost | client errors "
        "| worst recovery s | result |",
        "| --- | --- | ---: | ---: | --- | ---: | --- |",
    ]
    for r in results:
        if "skipped" in r or "failed" in r:
            note = r.get("skipped") and f"SKIPPED ({r['skipped']})"
            lines.append(
                f"| {r['database']} | | | | | | {note or 'FAILED: ' + r['failed']} |"
            )
            continue
        faults = Counter(f["fault"] for f in r["faults"])
        errors = Counter(r["client_errors"])
        kinds = ", ".join(f"{n} {kind}" for kind, n in errors.most_common())
        lines.append(
            f"| {r['database']} | {', '.join(f'{n}× {f}' for f, n in faults.items())} "
            f"| {r['writes']} | {r['lost']} "
            f"| {errors.total()}{f' ({kinds})' if kinds else ''} "
            f"| {fmt_seconds(worst_recovery(r['faults']))} "
            f"| {'ok' if r['ok'] else 'FAILED'} |"
        )
    return "\n".join(lines)


# ---- The pure parts: lost writes, recovery, the report -------------------------------


def lost(acks, pending, stories):
    """loadtest.lost_writes, knowing that a save sent but never acknowledged (the
    connection dropped after the commit) may have landed: then it is the story's
    last write, and the one before it is not lost.

    `pending` maps a story's pk to that save, (version, field, text), if any.
    """
    acks = {pk: list(history) for pk, history in acks.items()}
    for pk, (version, field, text) in pending.items():
        story = stories.get(pk)
        if (
            story is not None
            and story.version == version
            and getattr(story, field) == text
        ):
            acks.setdefault(pk, []).append((version, field, text))
    return lost_writes(acks, stories)


def recovery_seconds(over, saves):
    """Seconds from `over` (the worker killed, the database back) to the first
    acknowledgement of a save sent at or after it; None if none was.

    `saves` are the acknowledged saves' (sent, acknowledged) times.
    """
    after = [done for sent, done in saves if sent >= over]
    return min(after) - over if after else None


def worst_recovery(faults):
    times = [f["recovery"] for f in faults]
    if any(t is None for t in times):
        return None
    return max(times, default=0.0)


def verdict(result):
    """The result's `ok` and why not."""
    problems = []
    if result["lost"]:
        problems.append(f"{result['lost']} acknowledged writes lost")
    if not result["writes"]:
        problems.append("no write was acknowledged")
    for f in result["faults"]:
        if f["recovery"] is None:
            problems.append(f"{f['fault']} at {f['at']:.1f} s: never recovered")
        elif f["recovery"] > RECOVERY_LIMIT:
            problems.append(
                f"{f['fault']} at {f['at']:.1f} s: recovered in "
                f"{f['recovery']:.1f} s (limit {RECOVERY_LIMIT:g} s)"
            )
    return not problems, problems


def fmt_seconds(value):
    return "never" if value is None else f"{value:.2f}"


def report(r):
    """One database's result as text: each fault, the errors, the verdict."""
    lines = [f"{r['database']}: {r['seconds']} s, {r['settings']}"]
    lines.extend(f"  {note}" for note in r["faults_skipped"])
    lines += [
        "| at s | fault | lasted s | recovered in s | note |",
        "| ---: | --- | ---: | ---: | --- |",
    ]
    for f in r["faults"]:
        lines.append(
            f"| {f['at']:.1f} | {f['fault']} | {f['back'] - f['at']:.1f} "
            f"| {fmt_seconds(f['recovery'])} | {f['note']} |"
        )
    errors = r["client_errors"]
    lines.append(
        f"writes acknowledged {r['writes']}, lost {r['lost']} "
        f"(in flight at the end, never acknowledged: {r['unacknowledged']}); "
        f"errors seen by clients {sum(errors.values())}"
        + "".join(f"\n  {n} × {kind}" for kind, n in errors.most_common())
    )
    if r["log_errors"]:
        lines.append("gunicorn's log (digits as N):")
        lines.extend(f"  {n} × {line}" for line, n in r["log_errors"].most_common(8))
    lines.extend(f"  LOST: {line}" for line in r["lost_detail"][:10])
    lines.extend(f"  FAILED: {line}" for line in r["problems"])
    lines.append("result: " + ("ok" if r["ok"] else "FAILED"))
    return "\n".join(lines)


CHAINED = (
    "During handling of the above exception",
    "The above exception was the direct cause",
)


def log_summary(log):
    """gunicorn's log, counted: each traceback by the exception that ends its chain
    (the database error, not the AttributeError Django's session raised first), and
    the other error lines, with timestamps, pids and numbers blanked."""
    counts = Counter()
    lines = log.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Traceback"):
            rest = (lines[j] for j in range(i + 1, len(lines)))
            rest = (s for s in rest if s and not s[0].isspace())
            exception = next(rest, "")
            # Past the exception's own lines (psycopg's DETAIL, HINT), before the
            # next traceback: whether another exception follows from this one.
            after = []
            for s in rest:
                if s.startswith("Traceback") or len(after) == 4:
                    break
                after.append(s)
            if any(s.startswith(CHAINED) for s in after):
                continue
            line = f"Traceback … {exception}"
        elif any(e in line for e in LOG_ERRORS):
            line = re.sub(r"^\[[^]]*\] \[\d+\] ", "", line)
        else:
            continue
        counts[re.sub(r"\d+", "N", line)[:160]] += 1
    return counts


# ---- The writers ---------------------------------------------------------------------


class Progress:
    """The latest send time of an acknowledged save, for the drill to wait on."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latest = float("-inf")

    def acked(self, sent):
        with self.lock:
            self.latest = max(self.latest, sent)

    def wait(self, since, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.latest < since:
            time.sleep(0.05)


class Writer(threading.Thread):
    """One user typing in the editor of one of their stories, then another."""

    def __init__(self, n, browser, account, fields, end, progress):
        super().__init__(daemon=True)
        self.browser = browser
        self.username = account["username"]
        self.fields = fields
        self.end = end
        self.progress = progress
        self.random = random.Random(n)
        self.versions = {s["pk"]: s["version"] for s in account["stories"]}
        self.edit_ids = {pk: uuid.uuid4().hex for pk in self.versions}
        self.acks = {pk: [] for pk in self.versions}
        self.pending = {}
        self.saves = []  # acknowledged: (sent, acknowledged)
        self.errors = Counter()
        self.writes = 0

    def run(self):
        while time.monotonic() < self.end and self.versions:
            pk = self.random.choice(list(self.versions))
            self.writes += 1
            field = self.random.choice(self.fields)
            text = f"{self.username} write {self.writes}: " + PARAGRAPH * (
                1 + self.writes % 4
            )
            self.save(pk, field, text)

    def save(self, pk, field, text):
        """Send, and resend while the answer is a 5xx or nothing, until acknowledged
        or GRACE_SECONDS after the end."""
        based_on = self.versions[pk]
        self.pending[pk] = (based_on + 1, field, text)
        fields = {"version": based_on, "edit_id": self.edit_ids[pk], field: text}
        headers = {
            "X-CSRFToken": self.browser.cookies["csrftoken"],
            "HX-Request": "true",
        }
        while time.monotonic() < self.end + GRACE_SECONDS:
            sent = time.monotonic()
            try:
                status, body = self.browser.request(
                    "POST", f"/stories/{pk}/", fields, headers
                )
            except Exception as error:  # noqa: BLE001 (counted, then resent)
                self.errors[type(error).__name__] += 1
                time.sleep(RETRY_PAUSE)
                continue
            saved = SAVED_VERSION.search(body.decode(errors="replace"))
            if status >= 500:
                self.errors[f"HTTP {status}"] += 1
                time.sleep(RETRY_PAUSE)
                continue
            if status != 200 or not saved:
                # Not a failure to resend: the save was refused. Stop editing this
                # story; whether this save landed is for the check to see.
                self.errors[
                    f"HTTP {status}" if status != 200 else "200, no version"
                ] += 1
                del self.versions[pk]
                return
            version = int(saved[1])
            if version != based_on + 1:
                self.errors[f"version {based_on} → {version}"] += 1
            # Acknowledged: the server says this text is saved as this version.
            self.saves.append((sent, time.monotonic()))
            self.progress.acked(sent)
            self.acks[pk].append((version, field, text))
            self.versions[pk] = version
            del self.pending[pk]
            return


# ---- The faults ----------------------------------------------------------------------


def run_as(owner, command, **kwargs):
    """Run a PostgreSQL tool as the cluster's owner: it refuses to run as root."""
    if os.geteuid() == 0 and owner != "root":
        command = ["runuser", "-u", owner, "--", *command]
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


class Cluster:
    """The running PostgreSQL behind DATABASE_URL, found from the server itself."""

    def __init__(self, url):
        import psycopg

        self.url = url
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
            self.data = Path(conn.execute("SHOW data_directory").fetchone()[0])
            self.settings = {
                name: conn.execute(f"SHOW {name}").fetchone()[0] for name in DURABILITY
            }
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        self.bin = Path(os.readlink(f"/proc/{pid}/exe")).parent
        self.owner = pwd.getpwuid(self.data.stat().st_uid).pw_name
        self.log = self.data.parent / "server.log"
        self.wal_mount = None

    def pg_ctl(self, *args, timeout=90):
        command = [str(self.bin / "pg_ctl"), "-D", str(self.data), *args]
        return run_as(self.owner, command, timeout=timeout)

    def restart(self, mode):
        # Not running, restart starts it with the options it last ran with.
        done = self.pg_ctl("-l", str(self.log), "-m", mode, "-w", "-t", "60", "restart")
        if done.returncode:
            raise RuntimeError(f"pg_ctl restart: {done.stdout}{done.stderr}")

    def up(self):
        import psycopg

        try:
            psycopg.connect(self.url, connect_timeout=2).close()
            return True
        except psycopg.OperationalError:
            return False

    def running(self):
        return self.pg_ctl("status", timeout=10).returncode == 0

    def wal_on_tmpfs(self, size):
        """Move pg_wal onto a tmpfs of `size` (the server stopped meanwhile): None,
        or why not."""
        wal = self.data / "pg_wal"
        self.pg_ctl("-m", "fast", "-w", "stop")
        wal.rename(self.data / "pg_wal.disk")
        wal.mkdir(mode=0o700)
        why = mount_tmpfs(wal, size)
        if why is None:
            self.wal_mount = wal
            shutil.chown(wal, self.owner, self.owner)
            subprocess.run(
                ["cp", "-a", f"{self.data / 'pg_wal.disk'}/.", str(wal)], check=True
            )
        else:
            wal.rmdir()
            (self.data / "pg_wal.disk").rename(wal)
        self.restart("fast")
        return why

    def stop(self):
        self.pg_ctl("-m", "immediate", "-w", "stop")


def mount_tmpfs(path, size):
    """Mount a tmpfs of `size` on `path`: None, or why it could not be."""
    if os.geteuid() != 0:
        return "not root"
    try:
        done = subprocess.run(
            [
                "mount",
                "-t",
                "tmpfs",
                "-o",
                f"size={size},mode=0700",
                "tmpfs",
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except OSError as error:
        return str(error)
    return (
        (done.stderr.strip() or f"mount exited {done.returncode}")
        if done.returncode
        else None
    )


def umount(path):
    if subprocess.run(["umount", str(path)], capture_output=True).returncode:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(directory):
    """Write a file in `directory` until the disk is full; its path."""
    filler = directory / "disk-full-filler"
    chunk = b"\0" * (1 << 20)
    # Unbuffered: nothing is left to flush, and fail again, on close.
    with open(filler, "wb", buffering=0) as f:
        for _ in range(4096):  # 4 GB at most: a tmpfs is far smaller
            try:
                if not f.write(chunk):
                    break
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
                break
    return filler


def worker_pids(master):
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                # After the command's closing parenthesis: state, then the parent.
                if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(entry.name))
    return pids


class Drill:
    """The faults, one at a time, each waited out before the next."""

    def __init__(self, database, server, data_dir, cluster, tmpfs, progress, t0, end):
        self.database = database
        self.server = server
        self.data_dir = data_dir
        self.cluster = cluster
        self.tmpfs = tmpfs  # the one to fill, or None
        self.progress = progress
        self.t0 = t0
        self.end = end
        self.faults = []
        self.random = random.Random(7)

    def run(self):
        plan = list(PLANS[self.database])
        repeat = REPEAT[self.database]
        n = 0
        time.sleep(2)
        while time.monotonic() < self.end - QUIET_SECONDS:
            fault = plan[n] if n < len(plan) else repeat[(n - len(plan)) % len(repeat)]
            n += 1
            if fault == "disk full" and self.tmpfs is None:
                continue
            at = time.monotonic()
            if fault == "worker killed":
                note = self.kill_worker()
            elif fault == "disk full":
                note = self.fill_disk()
            else:
                note = self.restart_database(fault.split()[-1])
            back = time.monotonic()
            print(f"  {at - self.t0:5.1f} s  {fault}: {note}", flush=True)
            self.faults.append({"fault": fault, "at": at, "back": back, "note": note})
            self.progress.wait(back, RECOVERY_LIMIT * 2)
            time.sleep(GAP_SECONDS)

    def kill_worker(self):
        pids = worker_pids(self.server.process.pid)
        if not pids:
            return "no worker running to kill"
        pid = self.random.choice(pids)
        os.kill(pid, signal.SIGKILL)
        return f"SIGKILL pid {pid} of {len(pids)}"

    def restart_database(self, mode):
        started = time.monotonic()
        self.cluster.restart(mode)
        return f"pg_ctl restart took {time.monotonic() - started:.1f} s"

    def fill_disk(self):
        if self.database == "postgresql":
            return self.fill_pg_wal()
        # An empty WAL must grow to take the next write, as after a checkpoint.
        path = self.data_dir / "db.sqlite3"
        with contextlib.closing(sqlite3.connect(path, timeout=5)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        filler = fill(self.tmpfs)
        time.sleep(DISK_FULL_SECONDS)
        filler.unlink()
        return f"DATA_DIR (tmpfs) full for {DISK_FULL_SECONDS:g} s"

    def fill_pg_wal(self):
        """Fill pg_wal and switch WAL segments (recycled ones take no new space)
        until PostgreSQL needs a new one; free it; wait for it to come back."""
        import psycopg

        logged = self.cluster.log.stat().st_size
        filler = fill(self.tmpfs)
        deadline = time.monotonic() + DISK_FULL_SECONDS
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(psycopg.Error),
                psycopg.connect(
                    self.cluster.url, autocommit=True, connect_timeout=2
                ) as c,
            ):
                c.execute("SELECT pg_switch_wal()")
            time.sleep(0.2)
        filler.unlink()
        with open(self.cluster.log, errors="replace") as log:
            log.seek(logged)
            panic = next((line for line in log if "PANIC" in line), None)
        outcome = panic.split("PANIC:", 1)[-1].strip() if panic else "no PANIC"
        # After a PANIC the postmaster restarts it and crash recovery runs (its
        # checkpoint fsyncs); only if that too failed has the postmaster exited.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not self.cluster.up():
            if not self.cluster.running():
                outcome += "; the postmaster had exited: pg_ctl start"
                self.cluster.restart("fast")
            time.sleep(0.1)
        return f"pg_wal full for {DISK_FULL_SECONDS:g} s; PANIC: {outcome}"


# ---- One database --------------------------------------------------------------------


def run_database(database, seconds, json_out):
    label = dict(DATABASES)[database]
    work = Path(tempfile.mkdtemp(prefix="interviewprep-faults-"))
    data_dir = work / "data"
    data_dir.mkdir()
    server = cluster = None
    mounts = []
    skipped = []
    try:
        if database == "sqlite":
            why = mount_tmpfs(data_dir, TMPFS_SIZE[database])
            if why is None:
                mounts.append(data_dir)
            else:
                skipped.append(f"skipped: disk full (mount tmpfs on DATA_DIR: {why})")
        setup_django(database, data_dir)
        accounts = prepare_database()
        from django.db import connections

        connections.close_all()
        settings = "SQLite, WAL, synchronous=NORMAL"
        if database == "postgresql":
            cluster = Cluster(os.environ["DATABASE_URL"])
            settings = ", ".join(f"{k}={v}" for k, v in cluster.settings.items())
            why = cluster.wal_on_tmpfs(TMPFS_SIZE[database])
            if why is None:
                mounts.append(cluster.wal_mount)
            else:
                skipped.append(f"skipped: disk full (mount tmpfs on pg_wal: {why})")
        for line in skipped:
            print(line, flush=True)
        server = Gunicorn(work)
        server.start()
        result = drill(database, server, data_dir, cluster, mounts, accounts, seconds)
        server.stop()
        result.update(
            database=label,
            seconds=seconds,
            settings=settings,
            faults_skipped=skipped,
            log_errors=log_summary(server.log_path.read_text(errors="replace")),
        )
        result["ok"], result["problems"] = verdict(result)
        print(report(result))
        if json_out:
            Path(json_out).write_text(json.dumps(result, indent=1))
        return 0 if result["ok"] else 1
    finally:
        if server:
            server.stop()
        from django.db import connections

        connections.close_all()
        if cluster and cluster.wal_mount:
            cluster.stop()  # with-postgres.sh deletes it; pg_wal must be unmounted
        for path in mounts:
            umount(path)
        shutil.rmtree(work, ignore_errors=True)


def drill(database, server, data_dir, cluster, mounts, accounts, seconds):
    from stories.forms import PROSE_FIELDS

    browsers = log_in_all(server.port, accounts, CLIENT_TIMEOUT)
    progress = Progress()
    t0 = time.monotonic()
    end = t0 + seconds
    writers = [
        Writer(n, browser, account, PROSE_FIELDS, end, progress)
        for n, (account, browser) in enumerate(zip(accounts, browsers, strict=True))
    ]
    tmpfs = mounts[-1] if mounts else None
    faults = Drill(database, server, data_dir, cluster, tmpfs, progress, t0, end)
    for writer in writers:
        writer.start()
    faults.run()
    for writer in writers:
        writer.join(
            timeout=max(0, end + GRACE_SECONDS + CLIENT_TIMEOUT - time.monotonic())
        )
    saves = [s for w in writers for s in w.saves]
    acks = {pk: a for w in writers for pk, a in w.acks.items()}
    pending = {pk: p for w in writers for pk, p in w.pending.items()}
    found, lost_detail = lost(acks, pending, fetch_stories(list(acks)))
    errors = Counter()
    for w in writers:
        errors.update(w.errors)
    if any(w.is_alive() for w in writers):
        errors["writer still waiting at the end"] += 1
    return {
        "faults": [
            {
                **f,
                "at": f["at"] - t0,
                "back": f["back"] - t0,
                "recovery": recovery_seconds(f["back"], saves),
            }
            for f in faults.faults
        ],
        "writes": len(saves),
        "unacknowledged": len(pending),
        "lost": found,
        "lost_detail": lost_detail,
        "client_errors": errors,
    }


def fetch_stories(pks):
    from stories.forms import PROSE_FIELDS
    from stories.models import Story

    rows = Story.objects.filter(pk__in=pks).values("pk", "version", *PROSE_FIELDS)
    return {row["pk"]: SimpleNamespace(**row) for row in rows}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=[d for d, _ in DATABASES])
    parser.add_argument("--seconds", type=int)
    parser.add_argument("--json", help="write this database's result here")
    args = parser.parse_args(argv)
    seconds = args.seconds or seconds_from_env()

    # Stopped from outside, clean up as on Ctrl-C.
    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    if not args.database:
        try:
            return orchestrate(seconds)
        except KeyboardInterrupt:
            print("fault drill: interrupted", file=sys.stderr)
            return 130
    try:
        return run_database(args.database, seconds, args.json)
    except KeyboardInterrupt:
        print(
            f"fault drill on {args.database}: interrupted, cleaned up", file=sys.stderr
        )
        return 130
    except Exception as error:  # noqa: BLE001 (reported, never mistaken for exit 3)
        print(f"fault drill on {args.database} failed: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
