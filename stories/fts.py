"""SQLite's full-text index of the stories, kept in step by triggers.

Two FTS5 tables hold the text of every story not in the trash (SEARCH_FIELDS, rowid =
the story's id): `stories_story_words` splits words and folds case only, so the story
list's word prefixes behave as PostgreSQL's "simple" configuration does; and
`stories_story_stems` adds the Porter stemmer, for ranking by meaning-ish (the job
matcher), as PostgreSQL's "english" configuration does. Triggers on stories_story
write both on every insert, update of a text field or of `deleted_at`, and delete,
whichever path wrote the row (the ORM, `update()`, `bulk_create`, a backup restore):
a trashed story leaves the index and a restored one comes back. PostgreSQL needs none
of this: it computes the vectors in the query.
"""

TABLES = {
    "stories_story_words": "unicode61",
    "stories_story_stems": "porter unicode61",
}


def _insert(table, fields, row):
    values = ", ".join(f"{row}.{name}" for name in fields)
    return (
        f"INSERT INTO {table}(rowid, {', '.join(fields)}) "
        f"SELECT {row}.id, {values} WHERE {row}.deleted_at IS NULL;"
    )


def create_sql(fields):
    """The tables, filled from the stories there are, and their triggers; `fields`
    as the migration knew them (SEARCH_FIELDS may grow later, with a migration)."""
    columns = ", ".join(fields)
    statements = []
    for table, tokenizer in TABLES.items():
        statements.append(
            f"CREATE VIRTUAL TABLE {table} USING fts5({columns}, "
            f"tokenize='{tokenizer}');"
        )
        statements.append(
            f"INSERT INTO {table}(rowid, {columns}) SELECT id, {columns} "
            "FROM stories_story WHERE deleted_at IS NULL;"
        )
    deletes = " ".join(f"DELETE FROM {t} WHERE rowid = old.id;" for t in TABLES)
    inserts = " ".join(_insert(t, fields, "new") for t in TABLES)
    statements += [
        "CREATE TRIGGER stories_story_fts_insert AFTER INSERT ON stories_story "
        f"BEGIN {inserts} END;",
        # Only when what is indexed changes: the readiness cache and the version
        # are written often and leave the index as it is.
        f"CREATE TRIGGER stories_story_fts_update AFTER UPDATE OF {columns}, "
        f"deleted_at ON stories_story BEGIN {deletes} {inserts} END;",
        "CREATE TRIGGER stories_story_fts_delete AFTER DELETE ON stories_story "
        f"BEGIN {deletes} END;",
    ]
    return statements


def drop_sql():
    return [
        "DROP TRIGGER IF EXISTS stories_story_fts_insert;",
        "DROP TRIGGER IF EXISTS stories_story_fts_update;",
        "DROP TRIGGER IF EXISTS stories_story_fts_delete;",
        *(f"DROP TABLE IF EXISTS {table};" for table in TABLES),
    ]


def words_query(words):
    """An FTS5 query in which every word must start a word of the story: each one
    quoted (so nothing the user types is query syntax) and a prefix."""
    return " ".join('"{}"*'.format(word.replace('"', '""')) for word in words)
