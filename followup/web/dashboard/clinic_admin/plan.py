"""The follow-up plan: the check-in at enrolment, check-in steps after each session, reminder
and expiry."""

from typing import Any

from django import forms
from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from followup.clinical.instruments import INSTRUMENTS
from followup.models import (
    FollowUpPlan,
)
from followup.services.plans import MAX_OFFSET_HOURS, MAX_STEPS, plan_update
from followup.web.dashboard.auth import ClinicianRequest, admin_required
from followup.web.dashboard.clinic_admin._common import (
    TableForm,
    _edit_page,
    _rows,
)


class PlanForm(TableForm):
    group = "steps"
    enrolment_check_in = forms.BooleanField(
        label="Send a baseline check-in (PHQ-9 and GAD-7) as soon as a patient is enrolled",
        required=False,
        help_text="It goes out at once (outside quiet hours), before the first session, so that "
        "response and remission are measured from how the patient was before treatment. If a "
        "session is recorded before it goes out, it is cancelled: answers given after treatment "
        "are no baseline. Without it, the first score after the first session is the baseline.",
        widget=forms.CheckboxInput(attrs={"aria-describedby": "enrolment-hint"}),
    )
    reminder_after_hours = forms.IntegerField(
        label="Reminder after (hours)",
        help_text="One reminder if the check-in is not finished by then (never in quiet hours).",
    )
    expire_after_hours = forms.IntegerField(
        label="Expires after (hours)",
        help_text="How long a patient has to answer once the check-in is sent (at most 336).",
    )

    def __init__(self, *args: Any, rows: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for n in range(1, rows + 1):
            self.fields[f"step_{n}_offset"] = forms.IntegerField(
                label=f"Step {n}: time after the session", required=False, min_value=1
            )
            self.fields[f"step_{n}_unit"] = forms.ChoiceField(
                label=f"Step {n}: unit",
                choices=[("days", "days"), ("hours", "hours")],
                initial="days",
                required=False,
            )
            for code, instrument in INSTRUMENTS.items():
                self.fields[f"step_{n}_{code}"] = forms.BooleanField(
                    label=instrument.name, required=False
                )

    def table(self) -> list[dict]:
        return [
            {
                "number": n,
                "offset": self[f"step_{n}_offset"],
                "unit": self[f"step_{n}_unit"],
                "instruments": [self[f"step_{n}_{code}"] for code in INSTRUMENTS],
            }
            for n in range(1, self.rows + 1)
        ]

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        steps = []
        for n in range(1, self.rows + 1):
            offset = data.get(f"step_{n}_offset")
            chosen = [code for code in INSTRUMENTS if data.get(f"step_{n}_{code}")]
            if f"step_{n}_offset" in self.errors or (offset is None and not chosen):
                continue  # an error shown already, or an empty row: no such step
            hours = (offset or 0) * (1 if data.get(f"step_{n}_unit") == "hours" else 24)
            if offset is None:
                self.add_error(
                    f"step_{n}_offset",
                    "Give the time after the session, or untick the scales to remove this step.",
                )
            elif hours > MAX_OFFSET_HOURS:
                self.add_error(f"step_{n}_offset", "At most 365 days after the session.")
            elif not chosen:
                self.add_error(f"step_{n}_offset", "Tick PHQ-9, GAD-7 or both.")
            else:
                steps.append({"offset_hours": hours, "instruments": chosen})
        data["steps"] = steps
        return data


def _plan_initial(plan: FollowUpPlan) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "enrolment_check_in": plan.enrolment_check_in,
        "reminder_after_hours": plan.reminder_after_hours,
        "expire_after_hours": plan.expire_after_hours,
    }
    for n, step in enumerate(plan.steps, start=1):
        hours = step["offset_hours"]
        in_days = hours % 24 == 0 and hours > 24  # +24 h reads better than +1 days
        initial[f"step_{n}_offset"] = hours // 24 if in_days else hours
        initial[f"step_{n}_unit"] = "days" if in_days else "hours"
        initial.update({f"step_{n}_{code}": True for code in step["instruments"]})
    return initial


@admin_required
@require_http_methods(["GET", "POST"])
def plan_page(request: ClinicianRequest) -> HttpResponse:
    clinic = request.user.clinic
    plan = clinic.follow_up_plan
    rows = _rows(request, min(MAX_STEPS, max(6, len(plan.steps) + 2)), MAX_STEPS)
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, initial=_plan_initial(plan), rows=rows)

    def save(data: dict) -> str:
        plan = plan_update(
            clinic=clinic,
            actor=request.user,
            steps=data["steps"],
            reminder_after_hours=data["reminder_after_hours"],
            expire_after_hours=data["expire_after_hours"],
            enrolment_check_in=data["enrolment_check_in"],
        )
        count = len(plan.steps)
        at_enrolment = (
            "a baseline check-in when a patient is enrolled, then"
            if plan.enrolment_check_in
            else "no check-in at enrolment;"
        )
        return (
            f"Follow-up plan saved: {at_enrolment} {count} check-in{'s' if count != 1 else ''} "
            "after each session. Patients enrolled and sessions recorded from now on follow it."
        )

    return _edit_page(request, form, save, page="plan", audit="follow_up_plan.update")
