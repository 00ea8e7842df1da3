"""Examples of the main writes for the OpenAPI schema, by operation id (``api/schema.py`` adds
them). Made-up people and numbers (555 numbers are fictional); tests validate every example
against its operation's schema, so they stay true to the API."""

from drf_spectacular.utils import OpenApiExample

SENT_AT = "2026-11-25T14:30:00Z"

PATIENT_OUT = {
    "id": 42,
    "first_name": "Pat",
    "last_name": "Jones",
    "phone": "+13125550199",
    "timezone": "America/Chicago",
    "channel": "sms",
    "language": "en",
    "sms_consent": True,
    "sms_consent_at": SENT_AT,
    "opted_out": False,
    "opted_out_at": None,
    "external_id": "MRN-00042",
    "latest_scores": {"phq9": None, "gad7": None},
    "created_at": SENT_AT,
    "updated_at": SENT_AT,
}

FLAG_OUT = {
    "id": 7,
    "code": "K7Q2",
    "patient": 42,
    "sender": "",
    "response": 311,
    "reason": "suicidal_ideation",
    "priority": "critical",
    "status": "acknowledged",
    "created_at": "2026-11-26T18:02:11Z",
    "acknowledged_at": "2026-11-26T18:04:40Z",
    "acknowledged_by": 3,
    "resolved_at": None,
    "resolved_by": None,
    "resolution_note": "",
    "escalation_level": 1,
    "drill": False,
}

CRISIS_RESOURCES = {
    "crisis_line": "988",
    "emergency_line": "911",
    "clinic_phone": "+13125550100",
    "message": "If you are in danger now, call 911. You can call or text 988 at any time. "
    "We have told the clinician on call, who will contact you.",
    "clinician_told": True,
}

EXAMPLES: dict[str, list[OpenApiExample]] = {
    "auth_token_create": [
        OpenApiExample(
            "Password and the authenticator's code",
            value={
                "username": "alice",
                "password": "correct horse battery staple",
                "otp": "492039",
            },
            request_only=True,
        ),
        OpenApiExample(
            "A new personal token",
            value={"token": "fup_4f0c9d7e2b...", "expires_at": "2026-12-26T14:30:00Z"},
            response_only=True,
            status_codes=["200"],
        ),
    ],
    "patients_create": [
        OpenApiExample(
            "An SMS patient with their EHR's id",
            value={
                "first_name": "Pat",
                "last_name": "Jones",
                "phone": "+13125550199",
                "timezone": "America/Chicago",
                "channel": "sms",
                "sms_consent": True,
                "external_id": "MRN-00042",
            },
            request_only=True,
        ),
        OpenApiExample(
            "A patient who answers by web link",
            value={
                "first_name": "Sam",
                "last_name": "Lee",
                "phone": "+14155550123",
                "timezone": "America/Los_Angeles",
                "channel": "web",
            },
            request_only=True,
        ),
        OpenApiExample(
            "Enrolled (201), or the patient with that external_id (200)",
            value=PATIENT_OUT,
            response_only=True,
            status_codes=["200", "201"],
        ),
    ],
    "sessions_create": [
        OpenApiExample(
            "An esketamine session",
            value={
                "patient": 42,
                "occurred_at": "2026-11-25T14:30:00-06:00",
                "treatment": "esketamine",
                "external_id": "ENC-20261125-0042",
            },
            request_only=True,
        ),
    ],
    "flags_acknowledge_create": [
        OpenApiExample(
            "Acknowledged: escalation stops",
            value=FLAG_OUT,
            response_only=True,
            status_codes=["200"],
        ),
    ],
    "flags_resolve_create": [
        OpenApiExample(
            "What was done",
            value={"note": "Called the patient; safety plan reviewed, seen tomorrow at 9."},
            request_only=True,
        ),
        OpenApiExample(
            "Resolved",
            value={
                **FLAG_OUT,
                "status": "resolved",
                "resolved_at": "2026-11-26T18:30:05Z",
                "resolved_by": 3,
                "resolution_note": "Called the patient; safety plan reviewed, seen tomorrow at 9.",
            },
            response_only=True,
            status_codes=["200"],
        ),
    ],
    "public_check_ins_responses_create": [
        OpenApiExample(
            "Every item answered",
            value={
                "answers": {
                    "phq9": [1, 1, 2, 1, 0, 1, 1, 0, 0],
                    "phq9_difficulty": 1,
                    "gad7": [1, 0, 1, 1, 0, 1, 0],
                    "gad7_difficulty": 0,
                }
            },
            request_only=True,
        ),
        OpenApiExample(
            "Some items so far",
            value={
                "answers": {
                    "phq9": [1, 1, 2, None, None, None, None, None, None],
                    "phq9_difficulty": None,
                    "gad7": [None, None, None, None, None, None, None],
                    "gad7_difficulty": None,
                }
            },
            request_only=True,
        ),
        OpenApiExample(
            "Scored",
            value={
                "check_in": 118,
                "status": "completed",
                "complete": True,
                "totals": {"phq9": 7, "gad7": 4},
                "severities": {"phq9": "mild", "gad7": "minimal"},
            },
            response_only=True,
            status_codes=["201"],
        ),
        OpenApiExample(
            "Saved so far, with item 9 answered",
            value={
                "check_in": 118,
                "status": "in_progress",
                "complete": False,
                "instruments": ["phq9"],
                "answers": {
                    "phq9": [1, 1, 2, None, None, None, None, None, 2],
                    "gad7": [None, None, None, None, None, None, None],
                },
                "crisis_resources": CRISIS_RESOURCES,
            },
            response_only=True,
            status_codes=["202"],
        ),
    ],
}
