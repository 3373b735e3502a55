"""Numbers and ids read from a request: one way, for the path, the query and forms.

`str.isdigit()` also accepts "²" and "١٢", which `int()` refuses or reads, and a
number past 2**63 - 1 overflows the database's integer: both were server errors.
Here a number is ASCII digits within a range, or it is None (the caller answers 400
or 404), and text that cannot reach SQL (NUL, lone surrogates) is found up front.
"""

from django import forms
from django.core.exceptions import ValidationError

from stories.validators import unstorable_character

# The largest value of a 64-bit signed integer column: SQLite's and PostgreSQL's
# bigint, which the ids are.
ID_MAX = 2**63 - 1
# Enough digits for ID_MAX; anything longer is out of range without reading it.
_DIGITS_MAX = len(str(ID_MAX))


def parse_int(value, low, high):
    """`value` as an int if it is ASCII digits (around spaces) within low..high."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not (0 < len(value) <= _DIGITS_MAX and value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if low <= number <= high else None


def parse_id(value):
    """A row's id from a query or form value, or None if it cannot be one."""
    return parse_int(value, 1, ID_MAX)


def parse_ids(values):
    """The values that can be ids, for `pk__in`: the others name no row anyway."""
    return [pk for pk in map(parse_id, values) if pk is not None]


class IdConverter:
    """`<id:pk>` in a route: an id that fits the column, else the route does not
    match (404). Eighteen digits always fit the column, and are more ids than a
    database will ever hand out; ids are counted from 1."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        number = parse_id(value)
        if number is None:
            raise ValueError(f"not an id: {value!r}")
        return number

    def to_url(self, value):
        return str(value)


def unstorable_parameter(query):
    """The first parameter of a QueryDict whose name or value cannot reach SQL, as
    (name, problem), or None."""
    for name, values in query.lists():
        for text in [name, *values]:
            problem = unstorable_character(text)
            if problem is not None:
                return name, problem
    return None


class ModelIdsField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose values must be ids (parse_id) before any
    query: Django checks each value with an exact lookup, which bears a huge
    number, then queries them all with `pk__in`, which overflows on SQLite."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value:
                if parse_id(str(pk)) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)
