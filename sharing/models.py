"""What a user wants kept out of what they share: companies, names, secret terms."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from stories.models import OwnedQuerySet, Story

from . import scrub

# One entry per line; each list stays small enough to read and to scrub with.
LIST_MAX_LINES = 200
LINE_MAX = 200
DESCRIPTION_MAX = 100


def parse_lines(text):
    """The entries of a list field, in order, blanks and repeats dropped."""
    seen, lines = set(), []
    for line in (text or "").splitlines():
        line = " ".join(line.split())
        if line and line.casefold() not in seen:
            seen.add(line.casefold())
            lines.append(line)
    return lines


def parse_terms(text, default):
    """{term: replacement} from lines of "term" or "term = replacement"."""
    terms = {}
    for line in parse_lines(text):
        term, _, replacement = line.partition("=")
        term, replacement = term.strip(), replacement.strip()
        if term and term.casefold() not in {t.casefold() for t in terms}:
            terms[term] = replacement or default
    return terms


class ShareRules(models.Model):
    """The user's lists for the "Scrub for sharing" option of the exports."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="share_rules"
    )
    companies = models.TextField(
        blank=True,
        help_text="One per line. Write “Acme = a large e-commerce company” to choose "
        "what stands in for it.",
    )
    default_company = models.CharField(
        "What stands in for a company",
        max_length=DESCRIPTION_MAX,
        default=scrub.DEFAULT_COMPANY,
        help_text="For your stories' companies and listed ones without their own.",
    )
    names = models.TextField(
        "People's names",
        blank=True,
        help_text="One per line; each becomes “Colleague A”, “Colleague B”…",
    )
    secrets = models.TextField(
        "Secret terms",
        blank=True,
        help_text="Project code names, customer names: one per line, "
        "“Falcon = an internal project” to choose what stands in for it.",
    )

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["owner"]
        verbose_name_plural = "share rules"

    def __str__(self):
        return f"Share rules of {self.owner}"

    def get_absolute_url(self):
        return reverse("sharing:rules")

    @classmethod
    def for_user(cls, user):
        """The user's rules, unsaved defaults if they have none yet."""
        found = cls.objects.filter(owner=user).first()
        if found is None:
            return cls(owner=user)
        found.owner = user  # rules() needs it: no query to fetch it again
        return found

    def rules(self, keep=()):
        """The scrub's Rules: the listed companies and every company the user's
        stories name (one query, whatever their number), names, secrets."""
        default = self.default_company or scrub.DEFAULT_COMPANY
        companies = {
            company: default
            for company in Story.objects.for_user(self.owner)
            .exclude(company="")
            .order_by()  # the default ordering would make DISTINCT a row per story
            .values_list("company", flat=True)
            .distinct()
        }
        companies.update(parse_terms(self.companies, default))
        return scrub.Rules(
            companies=companies,
            names=tuple(parse_lines(self.names)),
            secrets=parse_terms(self.secrets, scrub.DEFAULT_SECRET),
            keep=frozenset(keep),
        )

    def add_names(self, names):
        listed = parse_lines(self.names)
        self.names = "\n".join(parse_lines("\n".join([*listed, *names])))
        self.save()
