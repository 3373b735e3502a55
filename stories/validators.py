"""Text that cannot be stored: refused where it comes in, not when it is saved.

PostgreSQL cannot store NUL (U+0000) in text, and neither database driver can encode
a lone surrogate (U+D800–U+DFFF outside a pair), which is not Unicode text at all:
both fail at save time, as a server error. Any other character, control characters
included, is stored and exported as typed.

Browser forms can only send NUL, never a lone surrogate (Django decodes form data
as UTF-8 with replacement), and Django's forms.CharField already refuses NUL; JSON
can carry both (`"\\u0000"`, `"\\ud800"`), so the backup import checks every string.
"""

import re

from django.core.exceptions import ValidationError

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_character(text):
    """Why `text` cannot be stored, naming the first offending character, or None."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    where = f"character {found.start() + 1}"
    if found.group() == "\x00":
        return f"contains a NUL character (at {where}), which cannot be stored"
    return (
        f"contains a lone surrogate \\u{ord(found.group()):04x} (at {where}), "
        "which is not valid Unicode text"
    )


def validate_storable_text(value):
    """A field validator for forms and models: refuses NUL and lone surrogates."""
    problem = unstorable_character(value)
    if problem is not None:
        raise ValidationError(
            f"This text {problem}; remove it and try again.", code="unstorable"
        )
