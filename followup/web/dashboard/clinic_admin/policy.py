"""The escalation policy: levels, timeouts, channels, repeats and fallback phones."""

from decimal import Decimal
from typing import Any

from django import forms
from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from followup.clinical.phones import normalize_phone
from followup.errors import ValidationError
from followup.models import (
    EscalationPolicy,
)
from followup.services.rota import (
    policy_update,
)
from followup.web.dashboard.auth import ClinicianRequest, admin_required
from followup.web.dashboard.clinic_admin._common import (
    MAX_LEVELS,
    TableForm,
    _edit_page,
    _rows,
)


def _minutes(seconds: int) -> str:
    return f"{seconds / 60:g}"  # 300 -> "5", 450 -> "7.5"


class PolicyForm(TableForm):
    group = "levels"  # where errors about the levels as a whole are shown
    repeat_minutes = forms.DecimalField(
        label="Repeat the last level every (minutes)",
        min_value=1,
        max_value=1440,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    fallback_phones = forms.CharField(
        label="Fallback phone numbers",
        required=False,
        help_text="One mobile number per line, e.g. +13125550100. Paged with the clinic's "
        "admins at the last level, and whenever a level has nobody on call.",
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, rows: int, region: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows, self.region = rows, region
        for n in range(1, rows + 1):
            self.fields[f"level_{n}_minutes"] = forms.DecimalField(
                label=f"Level {n}: minutes before the next level",
                required=False,
                min_value=Decimal("0.5"),
                max_value=1440,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            )
            self.fields[f"level_{n}_sms"] = forms.BooleanField(label="SMS", required=False)
            self.fields[f"level_{n}_voice"] = forms.BooleanField(label="Voice call", required=False)

    def table(self) -> list[dict]:
        return [
            {key: self[f"level_{n}_{key}"] for key in ("minutes", "sms", "voice")} | {"number": n}
            for n in range(1, self.rows + 1)
        ]

    def clean_fallback_phones(self) -> list[str]:
        numbers, problems = [], []
        for line in self.cleaned_data["fallback_phones"].splitlines():
            if not line.strip():
                continue
            try:
                number = normalize_phone(line, region=self.region, field="fallback_phones")
            except ValidationError as error:
                problems.append(error.message)
            else:
                numbers.append(number)
        if problems:
            raise forms.ValidationError(problems)
        return list(dict.fromkeys(numbers))

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        levels = []
        for n in range(1, self.rows + 1):
            minutes = data.get(f"level_{n}_minutes")
            channels = [c for c in ("sms", "voice") if data.get(f"level_{n}_{c}")]
            if f"level_{n}_minutes" in self.errors or (minutes is None and not channels):
                continue  # an error shown already, or an empty row: that level is removed
            if minutes is None:
                self.add_error(
                    f"level_{n}_minutes",
                    "Give the minutes before the next level, or untick SMS and voice call to "
                    "remove this level.",
                )
            elif not channels:
                self.add_error(f"level_{n}_minutes", "Tick SMS, voice call or both.")
            else:
                timeout = int((minutes * 60).to_integral_value())
                levels.append({"timeout_seconds": timeout, "channels": channels})
        if not levels and not self.errors:
            raise forms.ValidationError("Keep at least one level: someone must be paged.")
        # Empty rows go; the levels below them move up.
        data["levels"] = [{"level": i, **lvl} for i, lvl in enumerate(levels, start=1)]
        return data


def _policy_initial(policy: EscalationPolicy) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "repeat_minutes": _minutes(policy.repeat_every_seconds),
        "fallback_phones": "\n".join(policy.fallback_phones),
    }
    for level in policy.levels:
        n = level["level"]
        initial[f"level_{n}_minutes"] = _minutes(level["timeout_seconds"])
        initial.update({f"level_{n}_{channel}": True for channel in level["channels"]})
    return initial


@admin_required
@require_http_methods(["GET", "POST"])
def policy_page(request: ClinicianRequest) -> HttpResponse:
    clinic = request.user.clinic
    policy = clinic.escalation_policy
    rows = _rows(request, min(MAX_LEVELS, max(5, len(policy.levels) + 1)), MAX_LEVELS)
    data = request.POST if request.method == "POST" else None
    form = PolicyForm(data, initial=_policy_initial(policy), rows=rows, region=clinic.country)

    def save(data: dict) -> str:
        policy = policy_update(
            clinic=clinic,
            actor=request.user,
            levels=data["levels"],
            repeat_every_seconds=int((data["repeat_minutes"] * 60).to_integral_value()),
            fallback_phones=data["fallback_phones"],
        )
        count = len(policy.levels)
        return (
            f"Escalation policy saved: {count} level{'s' if count != 1 else ''}. Flags raised "
            "from now on follow it; open flags keep the policy they were raised under."
        )

    return _edit_page(request, form, save, page="policy", audit="escalation_policy.update")


# Follow-up plan ----------------------------------------------------------------------------
