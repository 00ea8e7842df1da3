"""Signing clinicians in and out of the dashboard: password, then a TOTP code (django-otp),
failed attempts counted by django-axes, and a sign-out after a spell without activity.

A clinician is signed in (``auth.login``) only once both factors are checked; until then the
session holds only the id of the clinician who gave the right password, for five minutes.
"""

import base64
import datetime as dt
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from followup.models import Clinician
from followup.services import accounts
from followup.services.audit import audit_record
from followup.text import storable

if TYPE_CHECKING:  # a type for the checker only
    from followup.models.clinics import ClinicMember

PENDING_KEY = "followup_pending_clinician"
PENDING_SECONDS = 5 * 60
ACTIVITY_KEY = "followup_last_activity"
# The queue's own refreshes carry this header; they are not a person's activity.
POLL_HEADER = "HTTP_X_FOLLOWUP_POLL"

View = Callable[..., HttpResponse]


class ClinicianRequest(HttpRequest):
    """A request that ``clinician_required`` let through: its user is a signed-in clinician of a
    clinic. For the type checker only; Django builds the request."""

    user: "ClinicMember"


# Who may see what ---------------------------------------------------------------------------


def second_factor_satisfied(request: HttpRequest) -> bool:
    """The signed-in clinician has passed the second factor as the dashboard requires it."""
    # Asked only of a signed-in user (the admin's staff, the dashboard's clinicians).
    return accounts.second_factor_satisfied(cast(Clinician, request.user))


def _to_login(request: HttpRequest) -> HttpResponse:
    login = reverse("dashboard-login")
    target = request.get_full_path() if request.method == "GET" else reverse("dashboard-queue")
    if request.headers.get("HX-Request"):
        # htmx follows this header with a full page load; the queue never shows stale rows.
        response = HttpResponse(status=401)
        response["HX-Redirect"] = f"{login}?{urlencode({'next': target})}"
        return response
    return redirect(f"{login}?{urlencode({'next': target})}")


def clinician_required(view: View) -> View:
    """The signed-in clinician of a clinic, with a second factor where one is required."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return _to_login(request)
        if not user.clinic_id:
            reason = "This account does not belong to a clinic: the dashboard is for clinicians."
            return render(request, "dashboard/forbidden.html", {"reason": reason}, status=403)
        if not second_factor_satisfied(request):
            if accounts.confirmed_device(user) is None:
                return redirect("dashboard-2fa-setup")
            auth.logout(request)
            return _to_login(request)
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def admin_required(view: View) -> View:
    """As ``clinician_required``, and only for the clinic's admins (others get a 403 page)."""

    @functools.wraps(view)
    def wrapped(request: ClinicianRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_clinic_admin:
            return render(
                request,
                "dashboard/forbidden.html",
                {"reason": "Only the clinic's admins can open this page."},
                status=403,
            )
        return view(request, *args, **kwargs)

    return clinician_required(wrapped)


# Sign in ------------------------------------------------------------------------------------


def local_url(request: HttpRequest, target: str) -> str:
    """``target`` if it is an address on this site (never another one: no open redirect),
    else the queue."""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("dashboard-queue")


def _next_url(request: HttpRequest) -> str:
    return local_url(request, request.POST.get("next") or request.GET.get("next") or "")


def _pending_user(request: HttpRequest) -> Clinician | None:
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return None
    started = dt.datetime.fromisoformat(pending["at"])
    if timezone.now() - started > dt.timedelta(seconds=PENDING_SECONDS):
        request.session.pop(PENDING_KEY, None)
        return None
    return Clinician.objects.filter(pk=pending["id"], is_active=True).first()


def _sign_in(request: HttpRequest, user: Clinician, device: TOTPDevice | None) -> None:
    request.session.pop(PENDING_KEY, None)
    auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        otp_login(request, device)
    request.session[ACTIVITY_KEY] = timezone.now().timestamp()
    audit_record(actor=user, action="clinician.sign_in", detail={"second_factor": bool(device)})


def _sign_in_failed(request: HttpRequest, user: Clinician | None, step: str) -> None:
    """A refused sign-in: the account it named (if there is one), the step, and whether the
    lockout refused it; never the password or the code."""
    username = storable(request.POST.get("username", ""))[:150]
    if user is None and username:
        user = Clinician.objects.filter(username__iexact=username).first()
    audit_record(
        actor=user,
        action="clinician.sign_in_failed",
        detail={
            "step": step,
            "username": username if user is None else user.username,
            "locked_out": bool(getattr(request, "axes_locked_out", False)),
        },
    )


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if accounts.confirmed_device(user) is not None:
            request.session.cycle_key()
            request.session[PENDING_KEY] = {"id": user.pk, "at": timezone.now().isoformat()}
            return redirect(
                f"{reverse('dashboard-login-code')}?{urlencode({'next': _next_url(request)})}"
            )
        else:
            _sign_in(request, user, None)
            if settings.DASHBOARD_REQUIRE_SECOND_FACTOR:
                return redirect("dashboard-2fa-setup")
            return redirect(_next_url(request))
    if request.method == "POST":
        _sign_in_failed(request, None, "password")
    return render(
        request,
        "dashboard/login.html",
        {"form": form, "next": _next_url(request), "step": "password"},
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="6-digit code from your authenticator app",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError("The code is 6 digits.")
        return code


def _check_code(form: CodeForm, device: TOTPDevice) -> bool:
    if not form.is_valid():
        return False
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        form.add_error("code", "Too many wrong codes. Wait a minute, then try the newest code.")
        return False
    if not device.verify_token(form.cleaned_data["code"]):
        form.add_error("code", "That code is not right, or it has expired. Try the newest one.")
        return False
    return True


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_code_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    device = accounts.confirmed_device(user) if user else None
    if user is None or device is None:
        messages.info(request, "Sign in again: the code must follow the password within 5 minutes.")
        return redirect("dashboard-login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and _check_code(form, device):
        _sign_in(request, user, device)
        return redirect(_next_url(request))
    if request.method == "POST":
        _sign_in_failed(request, user, "code")
    return render(
        request, "dashboard/login.html", {"form": form, "next": _next_url(request), "step": "code"}
    )


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def second_factor_setup_view(request: HttpRequest) -> HttpResponse:
    """Add an authenticator: scan the code, type the number it shows."""
    user = request.user
    if not user.is_authenticated:
        return _to_login(request)
    if accounts.confirmed_device(user) is not None:
        if not user.is_verified():  # type: ignore[attr-defined]  # django-otp's middleware adds it
            auth.logout(request)
            return _to_login(request)
        messages.info(request, "You already use an authenticator app.")
        return redirect("dashboard-queue")
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and _check_code(form, device):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        audit_record(actor=user, action="clinician.second_factor_added")
        messages.success(request, "Authenticator added. You will need a code at each sign-in.")
        return redirect("dashboard-queue")
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "dashboard/setup_2fa.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=5, dark="#111", light="#fff", omitsize=False),
            "secret": _grouped(base64.b32encode(device.bin_key).decode().rstrip("=")),
            "required": settings.DASHBOARD_REQUIRE_SECOND_FACTOR,
        },
    )


def _grouped(secret: str) -> str:
    """``ABCD EFGH …``: easier to type into an app by hand; apps ignore the spaces."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_POST
@csrf_protect
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(actor=request.user, action="clinician.sign_out")
    auth.logout(request)  # flushes the session: nothing of it is left on the server
    messages.info(request, "You are signed out.")
    return redirect("dashboard-login")


@clinician_required
@require_POST
def keep_alive_view(request: HttpRequest) -> HttpResponse:
    """A person is at the screen (typing a long note, reading a long page): ``dashboard.js``
    says so at most once a minute, which counts as activity for the idle sign-out."""
    return HttpResponse(status=204)


def locked_out(request: HttpRequest, response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes: too many failed sign-ins for this username from this address."""
    message = accounts.lockout_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"message": message, "code": "locked_out", "extra": {}}, status=429)
    return render(request, "dashboard/locked.html", {"message": message}, status=429)


# Idle sign-out ------------------------------------------------------------------------------


class IdleTimeoutMiddleware:
    """Signs a browser session out after ``DASHBOARD_IDLE_TIMEOUT_SECONDS`` without activity.

    The queue's automatic refresh does not count as activity, so a screen left alone signs out
    and stops showing patient data. Token-authenticated API calls have no session and pass.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and ACTIVITY_KEY in request.session:
            now = timezone.now().timestamp()
            idle = now - request.session[ACTIVITY_KEY]
            if idle > settings.DASHBOARD_IDLE_TIMEOUT_SECONDS:
                auth.logout(request)
                messages.info(
                    request,
                    f"You were signed out after {settings.DASHBOARD_IDLE_TIMEOUT_SECONDS // 60} "
                    "minutes without activity.",
                )
            elif POLL_HEADER not in request.META and idle > 30:
                # Written at most every 30 seconds: not a session save per click.
                request.session[ACTIVITY_KEY] = now
        return self.get_response(request)
