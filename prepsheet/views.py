"""The prep sheet builder, its three downloads, and the user's own questions and notes."""

from urllib.parse import urlencode, urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from jobs.scope import themes_in_view
from sharing.forms import KeepField
from themes.models import Playbook, QuestionToAsk, Theme, by_playbook

from . import sheet as prepsheet
from .models import OWN_TEXT_MAX, OwnNote, OwnQuestion
from .scrubbing import review_context, reviewed_first, scrubbed

# Stories the builder's live preview shows; the downloads hold every one. The preview
# is swapped in on every change and should stay under 10 KB (tests/test_prep_sheet.py
# pins it): each story adds about 1.2 KB even with its sections cut short, beside
# about 4.5 KB of links, questions and notes. The benchmark's bank gives 8.2 KB with
# three, 9.5 KB with four (too close: drafts or longer stories pass 10), 10.7 with five.
PREVIEW_STORIES = 3


class FetchedChoices(ModelChoiceIterator):
    """The field's `objects`, read once by the form, as its choices."""

    def __iter__(self):
        for obj in self.field.objects:
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.objects)

    def __bool__(self):
        return bool(self.field.objects)


class FetchedMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField over a list the form has read, not a queryset.

    Django's field queries its queryset to validate the values, again to render the
    boxes, and once more for the defaults: three times each for the themes, the
    questions to ask and the user's own questions, about 0.3 ms of CPU each. Here
    the form reads each once; a value names one of them exactly (its pk or
    `to_field_name`, as text), or the field is invalid.
    """

    iterator = FetchedChoices

    def __init__(self, model, **kwargs):
        super().__init__(model.objects.none(), **kwargs)
        self.objects = []

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        try:
            wanted = {str(v) for v in value}
        except TypeError:
            raise ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        found = [obj for obj in self.objects if str(getattr(obj, key)) in wanted]
        known = {str(getattr(obj, key)) for obj in found}
        for val in value:
            if str(val) not in known:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": val},
                )
        return found


class QuestionChoice(FetchedMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.text


class PrepSheetForm(forms.Form):
    """The sheet's options, read from the query string.

    An unticked checkbox sends nothing, so "no parameters" and "everything unticked"
    would look alike; the hidden `built` field tells a submitted form from a first
    visit, which gets the defaults: every theme, ready stories, full, every question.
    """

    built = forms.BooleanField(required=False, widget=forms.HiddenInput)
    themes = FetchedMultipleChoiceField(
        Theme,
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Themes",
    )
    drafts = forms.BooleanField(required=False, label="Include drafts")
    pick = forms.ChoiceField(
        choices=[
            (
                "best",
                "Your strongest for each theme, as many as its target "
                "(ready first, then by readiness score)",
            ),
            ("all", "Every story on the chosen themes"),
        ],
        widget=forms.RadioSelect,
        label="Stories",
    )
    layout = forms.ChoiceField(
        choices=[
            ("full", "Full: every STAR section"),
            ("compact", "Compact: title, summary, key numbers, questions answered"),
        ],
        widget=forms.RadioSelect,
        label="Layout",
    )
    paper = forms.ChoiceField(
        choices=[("a4", "A4"), ("letter", "US Letter")],
        widget=forms.RadioSelect,
        required=False,
        label="Paper for the PDF",
    )
    ask = QuestionChoice(
        QuestionToAsk,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Questions to ask from the playbook",
    )
    own = QuestionChoice(
        OwnQuestion,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Your own questions to ask",
    )
    negotiation = forms.BooleanField(
        required=False, label="Include the negotiation notes (and your own)"
    )
    followups = forms.BooleanField(
        required=False, label="Include follow-up questions (and your answers)"
    )
    # Share safely (sharing.scrub): applied to the built sheet, see _sheet().
    scrub = forms.BooleanField(required=False, label="Scrub for sharing")
    keep = KeepField(required=False)

    def __init__(self, data, user, themes):
        """`themes`: the themes in view (jobs.scope), in the user's order."""
        themes = list(themes)
        self.own_questions = list(OwnQuestion.objects.for_user(user))
        # The playbooks shown to the user: another playbook's question named in the
        # query string is not a choice. Their ids are read once, for the questions
        # and the negotiation notes: the rule's subquery took the ORM 2 ms to build,
        # each time (QuestionToAsk.objects.for_user).
        self.playbooks = list(
            Playbook.objects.shown_to(user).values_list("pk", flat=True)
        )
        ask = list(
            QuestionToAsk.objects.filter(
                category__playbook__in=self.playbooks
            ).select_related("category__playbook")
        )
        if not data.get("built"):
            data = {
                "built": "1",
                "themes": [t.slug for t in themes],
                "pick": "best",
                "layout": "full",
                "paper": "a4",
                "ask": [q.pk for q in ask],
                "own": [q.pk for q in self.own_questions],
                "negotiation": "on",
            }
        super().__init__(data)
        self.fields["own"].objects = self.own_questions
        self.fields["ask"].objects = ask
        self.fields["themes"].objects = themes

    def options(self):
        """The chosen options; a field with a malformed value is left empty.

        Another user's own question is not among the choices, so naming one in the
        query string leaves it out rather than showing it.
        """
        self.is_valid()
        data = self.cleaned_data
        return prepsheet.Options(
            themes=list(data.get("themes", ())),
            include_drafts=data.get("drafts", False),
            compact=data.get("layout") == "compact",
            questions_to_ask=list(data.get("ask", ())),
            own_questions=list(data.get("own", ())),
            negotiation=data.get("negotiation", False),
            followups=data.get("followups", False),
            # A link from before the choice existed meant every story.
            best_per_theme=data.get("pick") == "best",
            playbooks=self.playbooks,
        )

    def ask_groups(self):
        """The questions' checkboxes as [(playbook, [box])], one pair a playbook, to
        show under each playbook's title once there are several."""
        return by_playbook(
            self["ask"], lambda box: box.data["value"].instance.category.playbook
        )

    def query(self):
        """The options as a query string, for the download links."""
        return (
            self.data.urlencode()
            if hasattr(self.data, "urlencode")
            else urlencode(self.data, doseq=True)
        )


def _sheet_form(request):
    return PrepSheetForm(request.GET, request.user, themes_in_view(request)[1])


def _sheet(request, limit=None, own_notes=None):
    form = _sheet_form(request)
    options = form.options()
    options.own_notes = own_notes
    sheet = prepsheet.build(request.user, options, limit=limit)
    return form, scrubbed(request.user, form, sheet)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def prep_sheet(request):
    # The page lists the notes to delete them; the sheet shows the same ones.
    own_notes = list(OwnNote.objects.for_user(request.user))
    form, sheet = _sheet(request, limit=PREVIEW_STORIES, own_notes=own_notes)
    template = "prepsheet/prep_sheet.html"
    if request.htmx:
        template += "#preview"
    return render(
        request,
        template,
        {
            "form": form,
            "sheet": sheet,
            "query": form.query(),
            "own_questions": form.own_questions,
            "own_notes": own_notes,
            "own_max": OWN_TEXT_MAX,
            "has_stories": sheet.has_any_story,
        },
    )


def _filename(extension):
    return f"prep-sheet-{timezone.localdate():%Y-%m-%d}.{extension}"


@login_required
@require_GET
@reviewed_first("prepsheet:scrub")
def prep_sheet_markdown(request):
    _, sheet = _sheet(request)
    response = HttpResponse(
        prepsheet.to_markdown(sheet), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("md")}"'
    return response


@login_required
@require_GET
@reviewed_first("prepsheet:scrub")
def prep_sheet_print(request):
    form, sheet = _sheet(request)
    return HttpResponse(prepsheet.to_html(sheet, request, query=form.query()))


@login_required
@require_GET
@reviewed_first("prepsheet:scrub")
def prep_sheet_pdf_wait(request):
    """A page to look at while the PDF is made (up to ten seconds for a long sheet):
    the Refresh header then asks for the PDF, which downloads and leaves this page in
    view. No JavaScript needed; the PDF's own URL works as well."""
    pdf_url = f"{reverse('prepsheet:pdf')}?{request.GET.urlencode()}"
    response = render(
        request,
        "prepsheet/pdf_wait.html",
        {"pdf_url": pdf_url, "query": request.GET.urlencode()},
    )
    response["Refresh"] = f"0; url={pdf_url}"
    return response


@login_required
@require_GET
@reviewed_first("prepsheet:scrub")
def prep_sheet_pdf(request):
    form, sheet = _sheet(request)
    paper = form.cleaned_data.get("paper") or "a4"
    try:
        pdf = prepsheet.to_pdf(sheet, paper)
    except prepsheet.TooLongForPdf as too_long:
        return _too_long_for_pdf(request, form, too_long)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename("pdf")}"'
    return response


def _too_long_for_pdf(request, form, too_long):
    """Why there is no PDF, and the ways to the sheet that always work."""
    shorter = {}
    for name, value in (("layout", "compact"), ("pick", "best")):
        if form.data.get(name) != value:
            options = QueryDict(form.query(), mutable=True)
            options[name] = value
            shorter[name] = options.urlencode()
    return render(
        request,
        "prepsheet/pdf_too_long.html",
        {
            "too_long": too_long,
            "max_pages": prepsheet.PDF_MAX_PAGES,
            "max_unbroken": prepsheet.PDF_MAX_UNBROKEN_CHARS,
            "query": form.query(),
            "compact_query": shorter.get("layout"),
            "best_query": shorter.get("pick"),
        },
        # The options are understood, but this PDF will not be made.
        status=422,
    )


# Scrub for sharing -------------------------------------------------------------


@login_required
@require_GET
def prep_sheet_scrub(request):
    """Every replacement the scrub makes in the whole sheet, each with a box to leave
    it as written, and the download buttons, which carry those choices."""
    form = _sheet_form(request)
    sheet = prepsheet.build(request.user, form.options())
    context = review_context(request.user, form, sheet, form.query())
    return render(
        request,
        "prepsheet/scrub_review.html",
        {
            **context,
            "what": "Prep sheet",
            "review_url": reverse("prepsheet:scrub"),
            "back_url": f"{reverse('prepsheet:index')}?{context['back_query']}",
            "back_label": "Back to the prep sheet builder",
            "downloads": [
                ("Download Markdown", reverse("prepsheet:markdown"), ""),
                ("Download PDF", reverse("prepsheet:pdf_wait"), ""),
                ("Print view", reverse("prepsheet:print"), ""),
            ],
        },
    )


# The user's own questions and notes --------------------------------------------


class OwnTextForm(forms.Form):
    text = forms.CharField(max_length=OWN_TEXT_MAX, strip=True)


OWN_MODELS = {"question": OwnQuestion, "note": OwnNote}


def _own_model(kind):
    try:
        return OWN_MODELS[kind]
    except KeyError:
        raise Http404 from None


def _back(request, added=None):
    """Back to the builder with the options the user had.

    htmx pushes each change of options into the address bar, so the builder's URL
    in Referer is the freshest; the `options` field the page was rendered with is
    the fallback. Only the query string is used, never the referring host.
    """
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    if referer.path == reverse("prepsheet:index") and referer.query:
        query = referer.query
    else:
        query = request.POST.get("options", "")
    options = QueryDict(query, mutable=True)
    if added is not None and options.get("built"):
        options.appendlist("own", str(added.pk))
    query = options.urlencode()
    return redirect(reverse("prepsheet:index") + (f"?{query}" if query else ""))


@login_required
@require_POST
def own_add(request, kind):
    model = _own_model(kind)
    form = OwnTextForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, f"Write the text first (at most {OWN_TEXT_MAX} characters)."
        )
        return _back(request)
    item = model.objects.create(owner=request.user, text=form.cleaned_data["text"])
    return _back(request, added=item if model is OwnQuestion else None)


@login_required
@require_POST
def own_delete(request, kind, pk):
    model = _own_model(kind)
    get_object_or_404(model, pk=pk, owner=request.user).delete()
    return _back(request)
