"""How long each request holds the database's write lock, for the load test.

Only installed when WRITE_LOCK_LOG names a file (settings.py); the load test
(bench/loadtest.py) sets it for its gunicorn workers and reads the file at the end.

A hold starts when BEGIN returns (on SQLite, whose transactions here are IMMEDIATE
and take the write lock at BEGIN) or as the first INSERT, UPDATE or DELETE of a
transaction starts (on PostgreSQL, a fair proxy: the rows it wrote stay locked
until the end; the write's own wait for a lock counts, so it is an upper bound). It
ends when the transaction's commit or rollback returns, or with the statement
itself in autocommit mode. One line per request
that held it: method, path and the longest hold in milliseconds, tab-separated.
"""

import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class LockTimer:
    """Times the holds of one request on `connection`."""

    def __init__(self, connection):
        self.connection = connection
        self.started = None
        self.longest = None

    def __call__(self, execute, sql, params, many, context):
        verb = sql.lstrip()[:7].upper()
        if verb.startswith("BEGIN"):
            # SQLite holds the lock once BEGIN IMMEDIATE returns; until then it was
            # waiting for it (busy_timeout) behind another request's hold.
            result = execute(sql, params, many, context)
            if self.started is None:
                self.started = time.perf_counter()
            return result
        if self.started is None and verb.startswith(WRITES):
            # A write's own wait for a lock cannot be told apart: counted as held.
            self.started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            # In autocommit mode a write is its own transaction.
            if self.connection.get_autocommit():
                self.end()

    def end(self):
        if self.started is not None:
            held = time.perf_counter() - self.started
            self.longest = max(held, self.longest or 0.0)
            self.started = None

    def ending(self, method):
        def wrapped(*args, **kwargs):
            try:
                return method(*args, **kwargs)
            finally:
                self.end()

        return wrapped


class WriteLockMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.path = settings.WRITE_LOCK_LOG

    def __call__(self, request):
        connection = connections[DEFAULT_DB_ALIAS]
        timer = LockTimer(connection)
        # Atomic's outermost exit calls these; set on this thread's connection for
        # this request only, then removed so that the class's own apply again.
        connection.commit = timer.ending(connection.commit)
        connection.rollback = timer.ending(connection.rollback)
        try:
            with connection.execute_wrapper(timer):
                return self.get_response(request)
        finally:
            del connection.commit, connection.rollback
            # A transaction still open (or closed with the connection) held the
            # lock at least this long.
            timer.end()
            if timer.longest is not None:
                self.write(request, timer.longest)

    def write(self, request, held):
        # One short write per line to a file opened for appending: the workers'
        # lines do not interleave.
        line = f"{request.method}\t{request.path[:200]}\t{held * 1000:.1f}\n"
        with open(self.path, "a") as log:
            log.write(line)
