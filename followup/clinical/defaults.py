"""Defaults from SPEC §2 and CLINICAL.md, in one place."""

CLINIC_TIMEZONE = "America/New_York"
CRISIS_LINE = "the 988 Suicide & Crisis Lifeline (call or text 988)"
EMERGENCY_LINE = "call 911 or go to the nearest emergency room"

# +24 h, +7 d, +14 d, +28 d after each session, PHQ-9 then GAD-7 (CLINICAL.md, schedule).
PLAN_OFFSETS_HOURS = (24, 7 * 24, 14 * 24, 28 * 24)
PLAN_INSTRUMENTS = ("phq9", "gad7")


def plan_steps() -> list[dict]:
    return [
        {"offset_hours": hours, "instruments": list(PLAN_INSTRUMENTS)}
        for hours in PLAN_OFFSETS_HOURS
    ]


def escalation_levels() -> list[dict]:
    """Critical flags: level 1 then level 2 after 5 minutes each, then level 3 (clinic admins and
    fallback phones), which repeats every 5 minutes until someone acknowledges."""
    return [
        {"level": 1, "timeout_seconds": 300, "channels": ["sms", "voice"]},
        {"level": 2, "timeout_seconds": 300, "channels": ["sms", "voice"]},
        {"level": 3, "timeout_seconds": 300, "channels": ["sms", "voice"]},
    ]
