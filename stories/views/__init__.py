# Views by topic: editor.py, library.py, coverage.py, export.py, practice.py.
