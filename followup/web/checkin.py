"""``/c/<token>``: the patient's web check-in. GET never uses the token up (link previews open
it); POST submits the whole form, or, from ``checkin.js`` (``autosave``), keeps the answers
chosen so far."""

from typing import Any, cast

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from followup.clinical.instruments import PFIZER_NOTICE, get_instrument
from followup.errors import DomainError, Gone, NotFound
from followup.models import CheckIn, Clinic
from followup.services.paging import crisis_wording
from followup.services.web_checkin import (
    answers_so_far,
    checkin_for_token,
    checkin_save_partial_web,
    checkin_submit_web,
)

# The field ``checkin.js`` adds when it saves the answers as they are chosen.
AUTOSAVE = "autosave"


def _form(check_in: CheckIn, posted: dict[str, str] | None) -> list[dict]:
    """The instruments as the template shows them, with the answers to pre-select."""
    so_far = answers_so_far(check_in)
    sections = []
    for code in check_in.instruments:
        instrument = get_instrument(code)
        items = []
        for item in instrument.items:
            name = f"{code}_{item.number}"
            value = posted.get(name) if posted is not None else so_far[code][item.number - 1]
            items.append(
                {
                    "number": item.number,
                    "text": item.text,
                    "name": name,
                    "value": "" if value is None else str(value),
                }
            )
        difficulty_name = f"{code}_difficulty"
        sections.append(
            {
                "code": code,
                "name": instrument.name,
                "stem": instrument.stem,
                "items": items,
                "options": instrument.options,
                "difficulty": {
                    "text": instrument.difficulty.text,
                    "name": difficulty_name,
                    "options": instrument.difficulty.options,
                    "value": (posted or {}).get(difficulty_name, ""),
                },
            }
        )
    return sections


def _gone(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(
        request,
        "followup/checkin_gone.html",
        {"message": exc.message, "code": exc.code},
        status=exc.status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def check_in_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        check_in = checkin_for_token(token)
    except (NotFound, Gone) as exc:
        return _gone(request, exc)
    clinic = check_in.patient.clinic
    context = {
        "expires_at": check_in.expires_at,
        "timezone": check_in.patient.timezone,
        "notice": PFIZER_NOTICE,
        **crisis_context(clinic),
    }
    if request.method == "GET":
        return render(
            request,
            "followup/checkin_form.html",
            {**context, "sections": _form(check_in, None), "errors": {}},
        )
    # A form's fields, one string each (the stubs allow lists).
    posted = cast(
        dict[str, str],
        {
            key: value
            for key, value in request.POST.items()
            if key not in ("csrfmiddlewaretoken", AUTOSAVE)
        },
    )
    # As posted, per instrument a list of items and its difficulty: the service validates them.
    answers: dict[str, Any] = {}
    for code in check_in.instruments:
        count = get_instrument(code).item_count
        answers[code] = [_int(posted.get(f"{code}_{n}")) for n in range(1, count + 1)]
        answers[f"{code}_difficulty"] = _int(posted.get(f"{code}_difficulty"))
    if request.POST.get(AUTOSAVE):
        return _autosave(request, token, answers)
    missing = [
        f"{code}_{n}"
        for code in check_in.instruments
        for n, value in enumerate(answers[code], start=1)
        if value is None
    ]
    if missing:
        # Keep what was answered: item 9 counts the moment it is given, complete or not.
        partial = checkin_save_partial_web(token=token, answers=answers)
        return render(
            request,
            "followup/checkin_form.html",
            {
                **context,
                "sections": _form(check_in, posted),
                "errors": dict.fromkeys(missing, "Please choose an answer."),
                "error_summary": f"Please answer every question: {len(missing)} still "
                f"{'needs' if len(missing) == 1 else 'need'} an answer.",
                **_crisis_box(clinic, partial.crisis, clinician_told=partial.clinician_told),
            },
            status=400,
        )
    try:
        submitted = checkin_submit_web(token=token, answers=answers)
    except Gone as exc:
        return _gone(request, exc)
    except DomainError as exc:
        errors = {_form_field(exc): exc.message}
        return render(
            request,
            "followup/checkin_form.html",
            {
                **context,
                "sections": _form(check_in, posted),
                "errors": errors,
                "error_summary": _summary(exc),
            },
            status=400,
        )
    return render(
        request,
        "followup/checkin_done.html",
        {
            **context,
            **_crisis_box(clinic, submitted.crisis, clinician_told=submitted.clinician_told),
        },
    )


def _autosave(request: HttpRequest, token: str, answers: dict[str, Any]) -> JsonResponse:
    """``checkin.js`` posts the form each time an answer is chosen: the answers are kept as
    partial responses (never submitted, never scored), so item 9 raises its flag without the
    Send button. When it has, the reply carries the crisis box to show at once, rendered from
    the same template as the page's, saying the clinician is told only when a page went out."""
    try:
        saved = checkin_save_partial_web(token=token, answers=answers)
    except (NotFound, Gone) as exc:
        return JsonResponse({"code": exc.code, "message": exc.message}, status=exc.status)
    body: dict[str, object] = {"saved": True, "crisis": saved.crisis}
    if saved.crisis:
        clinic = saved.check_in.patient.clinic
        body["crisis_html"] = render_to_string(
            "followup/_crisis_box.html",
            _crisis_box(clinic, saved.crisis, clinician_told=saved.clinician_told),
            request=request,
        )
    return JsonResponse(body)


def crisis_context(clinic: Clinic) -> dict[str, str]:
    """The clinic's name and the crisis resources the form's footer names."""
    return {
        "clinic": clinic.name,
        "crisis_line": clinic.crisis_line,
        "emergency_line": clinic.emergency_line,
    }


def _crisis_box(clinic: Clinic, crisis: bool, *, clinician_told: bool) -> dict[str, object]:
    """What ``_crisis_box.html`` shows, when there is a crisis: the crisis message's own words
    (``sms/crisis.txt``), saying the clinician is told only when a page really went out."""
    if not crisis:
        return {"crisis": False}
    return {
        "crisis": True,
        "crisis_text": crisis_wording(clinic, clinician_told=clinician_told, web=True, html=True),
    }


def _int(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        return -1  # refused by validation with a clear message


def _form_field(exc: DomainError) -> str:
    """``answers.phq9[2]`` → the form's ``phq9_3``."""
    field = (exc.field or "").removeprefix("answers.")
    if "[" in field:
        code, index = field.rstrip("]").split("[")
        return f"{code}_{int(index) + 1}"
    return field


def _summary(exc: DomainError) -> str:
    return exc.message
