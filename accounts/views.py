from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import throttles
from .forms import DeleteAccountForm, EmailForm, SignupForm


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    # The form has to say "A user with that username already exists", which tells a
    # stranger the name is in use. Counting every attempt per address makes asking
    # that about many names slow (settings.ACCOUNT_THROTTLES); nothing else on the
    # page (the e-mail field included) says whether an account exists.
    if request.method == "POST":
        if throttles.is_throttled(request, "signup"):
            return throttles.refuse(request, "signup")
        throttles.count(request, "signup")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # Named, because axes adds a second backend that only watches log-ins.
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})


class LoginView(auth_views.LoginView):
    """Django's log-in, with failures also counted per address across usernames
    (axes counts them per username and address)."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if throttles.is_throttled(request, "login"):
            return throttles.refuse(request, "login")
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttles.count(self.request, "login")
        return super().form_invalid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, where a wrong current password counts against the
    user's "password" throttle, as it does on the delete-account page."""

    template_name = "accounts/password_change.html"

    def post(self, request, *args, **kwargs):
        if throttles.is_throttled(request, "password"):
            return throttles.refuse(request, "password")
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if form.has_error("old_password", "password_incorrect"):
            throttles.count(self.request, "password")
        return super().form_invalid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail, throttled per address; without EMAIL_URL, a page
    that says who can reset the password instead."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"

    def dispatch(self, request, *args, **kwargs):
        if not settings.PASSWORD_RESET_BY_EMAIL:
            return render(request, "accounts/password_reset_unavailable.html")
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if throttles.is_throttled(request, "password_reset"):
            return throttles.refuse(request, "password_reset")
        throttles.count(request, "password_reset")
        return super().post(request, *args, **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    form = EmailForm(
        request.user, request.POST or None, initial={"email": request.user.email}
    )
    if request.method == "POST":
        if throttles.is_throttled(request, "password"):
            return throttles.refuse(request, "password")
        if form.is_valid():
            form.save()
            messages.success(request, "Your e-mail address is saved.")
            return redirect("account")
        if form.has_error("password", "password_incorrect"):
            throttles.count(request, "password")
    context = {"form": form, "reset_by_email": settings.PASSWORD_RESET_BY_EMAIL}
    return render(request, "accounts/account.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST":
        if throttles.is_throttled(request, "password"):
            return throttles.refuse(request, "password")
        if form.is_valid():
            form.save()
            logout(request)
            messages.success(
                request, "Your account and everything in it have been deleted."
            )
            return redirect("login")
        if form.has_error("password", "password_incorrect"):
            throttles.count(request, "password")
    return render(request, "accounts/delete_account.html", {"form": form})


def locked_out(request, original_response=None, credentials=None):
    """What django-axes shows instead of the log-in form once a pair is locked."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "accounts/locked_out.html", context, status=429)
