"""The story library: the list with search and filters, history, and the trash."""

from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models.functions import Lower
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from interviewprep.params import parse_id, parse_ids
from themes.models import Section, Theme

from ..models import (
    LIST_FIELDS,
    REVISIONS_KEPT,
    TEXT_FIELDS,
    Revision,
    StaleVersion,
    Story,
    StoryTheme,
)
from . import get_story

# The story the user just moved to the trash, so the list can offer to undo it.
UNDO_KEY = "stories:trashed"
MARKDOWN_FIELDS = {*Section.values, "reflection"}
# Stories per page of the list: enough to scan a whole bank of compact rows at once,
# while the page stays small (under 15 KB gzipped) whatever the size of the bank.
PER_PAGE = 50
# Versions per page of a story's history.
HISTORY_PER_PAGE = 20


class JinjaWidget:
    """A widget rendered by Jinja2 (templates/jinja2/stories/) from Django's widget
    context: the stock widgets render through Django's template engine, each option
    of a select through a template of its own, which made this form's fields 1.5 ms
    of CPU on every list page (a bare page costs about that)."""

    jinja_template = ""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        template = get_template(self.jinja_template, using="jinja2")
        return mark_safe(template.render(context))


class Select(JinjaWidget, forms.Select):
    jinja_template = "stories/_select.html"


class TextInput(JinjaWidget, forms.TextInput):
    jinja_template = "stories/_input.html"


class LibraryFilterForm(forms.Form):
    ACTIVE, ALL = "", "all"
    STATUS_CHOICES = [
        (ACTIVE, "Draft and ready"),
        *Story.Status.choices,
        (ALL, "All, including retired"),
    ]
    SORT_CHOICES = [
        ("updated", "Last edited"),
        ("title", "Title"),
        # The database's own ranking (StoryQuerySet.search); without a search,
        # last edited.
        ("match", "Best match"),
    ]

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    theme = forms.ChoiceField(required=False, widget=Select)
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False, widget=Select)
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False, widget=Select)

    def __init__(self, data, user):
        """The theme filter offers the user's themes, in their order, from one
        query. A tag link may name any theme they can see (one they hid, one of
        another playbook), so such a theme is accepted and offered too."""
        super().__init__(data)
        visible = Theme.objects.listed_for(user)
        # The theme's pk by slug, for filter().
        self.themes = {theme.slug: theme.pk for theme in visible}
        asked = self.data.get("theme", "")
        self.fields["theme"].choices = [
            ("", "All themes"),
            *(
                (theme.slug, str(theme))
                for theme in visible
                if (theme.place is not None and not theme.hidden) or theme.slug == asked
            ),
        ]

    def filter(self, stories):
        """Apply whichever filters are valid; an invalid one is ignored (and shown)."""
        self.is_valid()
        data = self.cleaned_data
        if data.get("q"):
            stories = stories.search(data["q"])
        if data.get("theme"):
            stories = stories.filter(themes=self.themes[data["theme"]])
        status = data.get("status", self.ACTIVE)
        if status == self.ACTIVE:
            stories = stories.exclude(status=Story.Status.RETIRED)
        elif status != self.ALL:
            stories = stories.filter(status=status)
        if data.get("sort") == "title":
            return stories.order_by(Lower("title"), "pk")
        if data.get("sort") == "match" and data.get("q"):
            return stories.order_by("-search_rank", "-updated", "-pk")
        return stories.order_by("-updated", "-pk")

    @property
    def is_filtered(self):
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("q") or data.get("theme") or data.get("status"))


@dataclass
class PageLink:
    number: int | None  # None for a gap ("…")
    url: str = ""  # empty for the current page and gaps


def _page_links(request, page):
    """The pager's links around the current page: the first and last, two either
    side of the current one, gaps elided. Each URL keeps the other query parameters,
    as {% querystring %} would; made here rather than by a tag per link, and with as
    much work for 1,000 pages as for 5."""
    params = request.GET.copy()

    def url(number):
        params["page"] = number
        return f"?{params.urlencode()}"

    links = []
    for number in page.paginator.get_elided_page_range(
        page.number, on_each_side=2, on_ends=1
    ):
        if number == page.paginator.ELLIPSIS:
            links.append(PageLink(None))
        else:
            links.append(PageLink(number, "" if number == page.number else url(number)))
    return {
        "links": links,
        "previous": url(page.previous_page_number()) if page.has_previous() else "",
        "next": url(page.next_page_number()) if page.has_next() else "",
    }


def _themes_of(stories):
    """{story pk: [(slug, title, is_lead)] of its themes, in order}: what the rows
    show of them, as plain values (prefetching the themes took three times as long).

    Written in SQL: the ORM spent 0.8 ms of CPU building this query, mostly on its
    50 story ids, more than half a bare page; the database runs it in microseconds."""
    themes = {story.pk: [] for story in stories}
    if not themes:
        return themes
    ids = ", ".join(["%s"] * len(themes))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT st.story_id, t.slug, t.title, st.is_lead
            FROM {StoryTheme._meta.db_table} st
            JOIN {Theme._meta.db_table} t ON t.id = st.theme_id
            WHERE st.story_id IN ({ids})
            ORDER BY t.number""",
            list(themes),
        )
        for story_pk, slug, title, is_lead in cursor.fetchall():
            # SQLite answers 0 or 1.
            themes[story_pk].append((slug, title, bool(is_lead)))
    return themes


def _wants_fragment(request):
    # Boosted links and history restores after a cache miss need the whole page.
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def _next_url(request, default):
    url = request.POST.get("next", "")
    # A path only: redirect() takes "abc" for the name of a URL pattern (a 500).
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


@login_required
@require_GET
@vary_on_headers("HX-Request")
def story_list(request):
    mine = Story.objects.for_user(request.user)
    form = LibraryFilterForm(request.GET, request.user)
    # A page number out of range or malformed shows the nearest page.
    page = Paginator(form.filter(mine.alive()).only(*LIST_FIELDS), PER_PAGE).get_page(
        request.GET.get("page")
    )
    stories = list(page.object_list)
    context = {
        "form": form,
        "stories": stories,
        "row_themes": _themes_of(stories),
        "page_obj": page,
        "pager": _page_links(request, page) if page.has_other_pages() else None,
        # Only asked when nothing matched: is the library empty, or the filter narrow?
        "has_stories": bool(stories) or mine.alive().exists(),
    }
    if _wants_fragment(request):
        context["fragment"] = True
        return render(request, "stories/list.html#results", context)
    undo_pk = request.session.pop(UNDO_KEY, None)
    if undo_pk:
        context["undo"] = mine.trashed().filter(pk=undo_pk).only("title").first()
    context["trash_count"] = mine.trashed().count()
    return render(request, "stories/list.html", context)


@login_required
@require_POST
def delete(request, pk):
    story = get_object_or_404(Story.objects.for_user(request.user), pk=pk)
    if story.deleted_at is None:
        story.move_to_trash()
    if request.htmx:
        response = render(request, "stories/list.html#trashed_row", {"story": story})
        return trigger_client_event(response, "storyChanged")
    request.session[UNDO_KEY] = story.pk
    return redirect(_next_url(request, "stories:list"))


@login_required
@require_POST
def restore(request, pk):
    story = get_object_or_404(Story.objects.for_user(request.user), pk=pk)
    if story.deleted_at is not None:
        story.restore_from_trash()
    if request.htmx:
        story = Story.objects.with_list_data().get(pk=story.pk)
        response = render(
            request, "stories/list.html#story_row", {"story": story, "restored": True}
        )
        return trigger_client_event(response, "storyChanged")
    messages.success(request, f"Restored “{story.title}”, with its themes.")
    return redirect(_next_url(request, "stories:list"))


@login_required
@require_GET
@vary_on_headers("HX-Request")
def trash(request):
    stories = (
        Story.objects.for_user(request.user)
        .trashed()
        .with_list_data()
        .order_by("-deleted_at", "-pk")
    )
    template = "stories/trash.html"
    if _wants_fragment(request):
        template += "#trashed"
    return render(request, template, {"stories": stories})


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def empty_trash(request):
    trashed = Story.objects.for_user(request.user).trashed()
    if request.method == "POST":
        # Only what the confirmation page listed: a story trashed since, in another
        # tab, was never shown to the user and stays in the trash.
        doomed = trashed.filter(pk__in=parse_ids(request.POST.getlist("story")))
        count = doomed.count()
        doomed.delete()
        messages.success(
            request,
            f"Deleted {count} stor{'y' if count == 1 else 'ies'} for good.",
        )
        return redirect("stories:trash")
    stories = trashed.only("title").order_by("-deleted_at", "-pk")
    template = "stories/empty_trash.html"
    if _wants_fragment(request):
        template += "#confirm"
    return render(request, template, {"stories": stories})


@dataclass
class HistoryEntry:
    version: int
    # None for the story's current text.
    revision: Revision | None
    # When this text was saved; None if the save that wrote it is no longer kept.
    saved: datetime | None
    # Labels of the fields this save changed; None for the oldest text kept.
    changed: list[str] | None


def _label(name):
    return capfirst(Story._meta.get_field(name).verbose_name)


def _history(story):
    """The current text and each kept revision, newest first.

    A revision is written when a save replaces the text, so the text of one entry
    was saved when the entry below it was replaced.
    """
    revisions = list(story.revisions.all())
    texts = [story, *revisions]
    entries = []
    for text, older in zip(texts, [*revisions, None], strict=True):
        if older is not None:
            saved = older.created
            changed = [
                _label(name)
                for name in TEXT_FIELDS
                if getattr(text, name) != getattr(older, name)
            ]
        else:
            complete = len(revisions) < REVISIONS_KEPT
            saved, changed = (story.created if complete else None), None
        entries.append(
            HistoryEntry(
                version=text.version,
                revision=text if isinstance(text, Revision) else None,
                saved=saved,
                changed=changed,
            )
        )
    return entries


@login_required
@require_GET
@vary_on_headers("HX-Request")
def history(request, pk):
    story = get_story(request, pk)
    template = "stories/history.html"
    if _wants_fragment(request):
        template += "#entries"
    context = _history_page(request, story, request.GET.get("page"))
    return render(request, template, context)


def _history_page(request, story, number):
    # A page number out of range or malformed shows the nearest page.
    page = Paginator(_history(story), HISTORY_PER_PAGE).get_page(number)
    return {
        "story": story,
        "entries": page.object_list,
        "page_obj": page,
        "pager": _page_links(request, page) if page.has_other_pages() else None,
        "kept": REVISIONS_KEPT,
    }


@login_required
@require_GET
@vary_on_headers("HX-Request")
def revision(request, pk, revision_pk):
    story = get_story(request, pk)
    revision = get_object_or_404(story.revisions, pk=revision_pk)
    entry = next(e for e in _history(story) if e.revision == revision)
    fields = [
        {
            "name": name,
            "label": _label(name),
            "text": getattr(revision, name),
            "markdown": name in MARKDOWN_FIELDS,
            "differs": getattr(revision, name) != getattr(story, name),
        }
        for name in TEXT_FIELDS
    ]
    template = "stories/revision.html"
    if _wants_fragment(request):
        template += "#revision"
    context = {"story": story, "revision": revision, "entry": entry, "fields": fields}
    return render(request, template, context)


@login_required
@require_POST
def restore_revision(request, pk, revision_pk):
    story = get_story(request, pk)
    revision = get_object_or_404(story.revisions, pk=revision_pk)
    based_on = parse_id(request.POST.get("version"))
    if based_on is None:
        return HttpResponseBadRequest("Which version of the story is this based on?")
    changed = False
    if all(getattr(revision, n) == getattr(story, n) for n in TEXT_FIELDS):
        messages.info(request, f"Version {revision.version} is the current text.")
    else:
        try:
            story.restore_revision(revision, based_on=based_on)
        except StaleVersion as stale:
            story = stale.current
            messages.error(
                request,
                f"Nothing was restored: the story was saved elsewhere (it is now "
                f"version {story.version}) after this page was loaded. Nothing is "
                "lost; the history below is up to date, so restore again if you "
                "still want that version.",
            )
        else:
            changed = True
            messages.success(
                request,
                f"Restored version {revision.version}. The text it replaced is kept "
                f"as version {based_on}.",
            )
    if request.htmx:
        # The restored text is the newest version: back to the first page.
        context = _history_page(request, story, 1)
        response = render(request, "stories/history.html#entries", context)
        if changed:
            trigger_client_event(response, "storyChanged")
        return response
    return redirect("stories:history", pk=story.pk)
