from django.core.exceptions import ValidationError


class DistinctCharactersValidator:
    """Refuses passwords made of a few characters repeated (aaaaaaaaaaaa, abcabcabcabc),
    which pass the length check and are not on the common-password list."""

    def __init__(self, min_distinct=5):
        self.min_distinct = min_distinct

    def validate(self, password, user=None):
        if len(set(password)) < self.min_distinct:
            raise ValidationError(
                "This password repeats too few characters: it must use at least "
                "%(min_distinct)d different ones.",
                code="password_too_repetitive",
                params={"min_distinct": self.min_distinct},
            )

    def get_help_text(self):
        return (
            f"Your password must use at least {self.min_distinct} different characters."
        )
