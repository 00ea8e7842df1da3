"""The flag queue ``/dashboard/`` and each flag's page ``/dashboard/flags/<id>/``.

The queue lists the clinic's unresolved flags and refreshes its rows itself: ``queue.js`` polls
``queue_rows`` every 3 seconds with the ``X-Followup-Poll`` header (not activity, for the idle
sign-out) and the version it shows; an unchanged queue is answered with an empty 204.
Acknowledge and resolve are POST forms that work without JavaScript (redirect back with a
message) and with htmx (the fresh rows, and the message swapped in beside them).
"""

from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from followup.errors import DomainError
from followup.models import Flag
from followup.services import flags as flag_services
from followup.services.audit import audit_record
from followup.web.dashboard.auth import POLL_HEADER, ClinicianRequest, clinician_required, local_url
from followup.web.dashboard.presenters import flag_detail, flag_queue, queue_markup

# The browser's poll sends the version of the rows it shows; the same version gets a 204.
VERSION_HEADER = "X-Followup-Queue-Version"
# On a changed poll's answer that carries only the changed rows (queue.js merges them).
DELTA_HEADER = "X-Followup-Queue-Delta"
NOTE_MAX_LENGTH = 5000


class ResolveForm(forms.Form):
    note = forms.CharField(
        label="What was done? (required)",
        max_length=NOTE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "aria-required": "true"}),
        error_messages={
            "required": "A note is required: say what was done.",
            "max_length": f"Keep the note under {NOTE_MAX_LENGTH:,} characters.",
        },
    )


def _zone(request: ClinicianRequest) -> ZoneInfo:
    """Times show in the clinic's zone, which the page says."""
    try:
        return ZoneInfo(request.user.clinic.timezone)
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def _render(
    request: ClinicianRequest, template: str, context: dict, *, status: int = 200
) -> HttpResponse:
    zone = _zone(request)
    with timezone.override(zone):
        return render(
            request, template, {"zone": zone.key, "nav": "queue", **context}, status=status
        )


def csrf_input(request: HttpRequest) -> str:
    """The CSRF field of the rows' forms, made once for all of them."""
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# The queue ---------------------------------------------------------------------------------


def _queue(request: ClinicianRequest) -> flag_queue.Queue:
    return flag_queue.queue_unresolved(
        clinic=request.user.clinic, now=timezone.now(), limit=flag_queue.QUEUE_LIMIT
    )


def _audit_shown(request: ClinicianRequest, queue: flag_queue.Queue) -> None:
    """The rows name patients: who was shown which, each time rows are sent (the page, and a
    poll only when something changed; an unchanged poll shows nothing new)."""
    audit_record(
        actor=request.user,
        action="flag.queue_view",
        detail={
            "flags": [row.id for row in queue.rows],
            "patients": sorted({row.patient_id for row in queue.rows if row.patient_id}),
            "poll": bool(request.META.get(POLL_HEADER)),
        },
    )


def _rows_context(request: ClinicianRequest, queue: flag_queue.Queue) -> dict:
    """What the rows' template needs: each row's markup (see ``presenters.queue_markup``)."""
    rows = queue_markup.shown_rows(queue, _zone(request))
    html = queue_markup.rows_html(
        rows, csrf_input=csrf_input(request), queue_url=reverse("dashboard-queue")
    )
    return {"queue": queue, "rows": list(zip(rows, html, strict=True))}


@require_GET
@clinician_required
def queue_page(request: ClinicianRequest) -> HttpResponse:
    queue = _queue(request)
    _audit_shown(request, queue)
    return _render(request, "dashboard/queue.html", _rows_context(request, queue))


@require_GET
@clinician_required
def queue_rows(request: ClinicianRequest) -> HttpResponse:
    """The rows alone, for the poll: a 204 after one query when nothing the rows show has
    changed; else only the changed rows when the browser says which it has, else all."""
    version, queue = flag_queue.queue_if_changed(
        clinic_id=request.user.clinic_id,
        seen=request.headers.get(VERSION_HEADER, ""),
        now=timezone.now(),
        limit=flag_queue.QUEUE_LIMIT,
    )
    if queue is None:
        response = HttpResponse(status=204)
    else:
        _audit_shown(request, queue)
        context = _rows_context(request, queue)
        known = queue_markup.rows_known(request.headers.get(queue_markup.ROWS_HEADER))
        if known and queue.rows:
            context["changed"] = [
                html for row, html in context["rows"] if known.get(row.row.id) != row.version
            ]
            response = _render(request, "dashboard/_queue_delta.html", context)
            response[DELTA_HEADER] = "1"
        else:
            response = _render(request, "dashboard/_queue_rows.html", context)
    response[VERSION_HEADER] = version
    return response


# One flag ----------------------------------------------------------------------------------


def _own_flag(request: ClinicianRequest, flag_id: int) -> Flag:
    try:
        return flag_detail.flag_for_clinic(clinic=request.user.clinic, flag_id=flag_id)
    except Flag.DoesNotExist:
        raise Http404("No such flag.") from None


def _flag_response(
    request: ClinicianRequest,
    flag: Flag,
    *,
    form: ResolveForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The flag's page. It shows patient data, so every showing is an audit event."""
    audit_record(actor=request.user, action="flag.view", obj=flag, patient=flag.patient)
    timeline, hidden = flag_detail.flag_timeline(flag)
    return _render(
        request,
        "dashboard/flag.html",
        {
            "flag": flag,
            "evidence": flag_detail.flag_evidence(flag),
            "paged": flag_queue.paged_by_flag([flag.pk]).get(flag.pk, ()),
            "timeline": timeline,
            "hidden_events": hidden,
            "age": flag_queue.age_text(timezone.now() - flag.created_at),
            "form": form or ResolveForm(),
            "error": error,
            "here": reverse("dashboard-flag", args=[flag.pk]),
        },
        status=status,
    )


@require_GET
@clinician_required
def flag_page(request: ClinicianRequest, flag_id: int) -> HttpResponse:
    return _flag_response(request, _own_flag(request, flag_id))


# Acknowledge and resolve -------------------------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    """Where to go back to: a local dashboard address, else the queue."""
    target = request.POST.get("next", "")
    return local_url(request, target if target.startswith("/dashboard/") else "")


def _done(request: ClinicianRequest, notice: str, *, level: int = messages.SUCCESS) -> HttpResponse:
    target = _next_url(request)
    if _is_htmx(request) and target == reverse("dashboard-queue"):
        # The queue's own form: the fresh rows, and the notice beside them (out of band).
        context = _rows_context(request, _queue(request))
        context.update(notice=notice, notice_tag=messages.DEFAULT_TAGS[level])
        return _render(request, "dashboard/_queue_rows.html", context)
    messages.add_message(request, level, notice)
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


def _failed(
    request: ClinicianRequest, flag: Flag, message: str, *, status: int, form: ResolveForm | None
) -> HttpResponse:
    """htmx: the message as text with a 4xx (queue.js shows it by the form). Otherwise: the
    flag's page again, with the error by its form and the note as typed."""
    if _is_htmx(request):
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    fresh = _own_flag(request, flag.pk)
    return _flag_response(request, fresh, form=form, error=message, status=status)


@require_POST
@clinician_required
def flag_acknowledge(request: ClinicianRequest, flag_id: int) -> HttpResponse:
    flag = _own_flag(request, flag_id)
    started = timezone.now()
    flag = flag_services.flag_acknowledge(flag=flag, actor=request.user, via="dashboard")
    if flag.status == Flag.Status.RESOLVED:
        return _done(request, f"Flag {flag.code} is already resolved.", level=messages.INFO)
    assert flag.acknowledged_at is not None  # acknowledged, now or before
    mine = flag.acknowledged_by_id == request.user.pk and flag.acknowledged_at >= started
    if mine:
        return _done(request, f"Flag {flag.code} acknowledged. Paging has stopped.")
    with timezone.override(_zone(request)):
        when = timezone.localtime(flag.acknowledged_at).strftime("%H:%M")
    names = flag_detail.clinician_names([flag.acknowledged_by_id])
    who = (
        names.get(flag.acknowledged_by_id, "someone else")
        if flag.acknowledged_by_id
        else "someone else"
    )
    return _done(
        request,
        f"Flag {flag.code} was already acknowledged by {who} at {when}. Nothing changed.",
        level=messages.INFO,
    )


@require_POST
@clinician_required
def flag_resolve(request: ClinicianRequest, flag_id: int) -> HttpResponse:
    flag = _own_flag(request, flag_id)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _failed(request, flag, str(form.errors["note"][0]), status=400, form=form)
    try:
        flag = flag_services.flag_resolve(
            flag=flag, actor=request.user, note=form.cleaned_data["note"]
        )
    except DomainError as exc:
        return _failed(request, flag, exc.message, status=exc.status, form=form)
    return _done(request, f"Flag {flag.code} resolved. Paging has stopped.")
