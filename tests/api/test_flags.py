"""Flags, the on-call rota and the escalation policy through the API (SPEC §6)."""

import pytest
from rest_framework.test import APIClient

from followup.clinical.rules import Trigger
from followup.models import AuditEvent, Clinician, Flag, OnCallShift, Patient
from followup.services.flags import flag_raise

SI = Trigger("suicidal_ideation", "critical", {"instrument": "phq9", "item": 9, "value": 2})
ANXIETY = Trigger("severe_anxiety", "high", {"instrument": "gad7", "total": 17})
WORSE = Trigger("reliable_deterioration", "moderate", {"instrument": "phq9", "change": 7})


@pytest.fixture
def flags(pat: Patient) -> list[Flag]:
    return [flag_raise(patient=pat, trigger=t)[0] for t in (WORSE, ANXIETY, SI)]


def test_open_flags_come_most_urgent_first(as_bob: APIClient, flags: list[Flag]) -> None:
    body = as_bob.get("/api/v1/flags/", {"status": "open"}).json()

    assert [f["reason"] for f in body["results"]] == [
        "suicidal_ideation",
        "severe_anxiety",
        "reliable_deterioration",
    ]
    first = body["results"][0]
    assert set(first) >= {
        "id",
        "code",
        "patient",
        "response",
        "reason",
        "priority",
        "status",
        "created_at",
        "acknowledged_at",
        "acknowledged_by",
        "resolved_at",
        "escalation_level",
    }
    critical = as_bob.get("/api/v1/flags/", {"priority": "critical"}).json()
    assert critical["count"] == 1


def test_a_flag_shows_its_timeline_and_the_view_is_audited(
    as_bob: APIClient, bob: Clinician, flags: list[Flag]
) -> None:
    body = as_bob.get(f"/api/v1/flags/{flags[2].pk}/").json()

    assert [event["kind"] for event in body["timeline"]] == ["raised"]
    assert body["evidence"][0]["item"] == 9
    assert AuditEvent.objects.filter(action="flag.view", actor=bob).exists()


def test_acknowledge_then_resolve_with_a_note(
    as_bob: APIClient, bob: Clinician, flags: list[Flag]
) -> None:
    flag = flags[2]

    acked = as_bob.post(f"/api/v1/flags/{flag.pk}/acknowledge/")
    no_note = as_bob.post(f"/api/v1/flags/{flag.pk}/resolve/", {"note": "  "}, format="json")
    resolved = as_bob.post(
        f"/api/v1/flags/{flag.pk}/resolve/",
        {"note": "Called the patient; safety plan reviewed."},
        format="json",
    )

    assert acked.status_code == 200
    assert acked.json()["status"] == "acknowledged"
    assert acked.json()["acknowledged_by"] == bob.pk
    assert no_note.status_code == 400
    assert list(no_note.json()["extra"]["fields"]) == ["note"]
    assert resolved.json()["status"] == "resolved"
    timeline = as_bob.get(f"/api/v1/flags/{flag.pk}/").json()["timeline"]
    assert [e["kind"] for e in timeline][-2:] == ["acknowledged", "resolved"]
    assert [e["actor"] for e in timeline][-2:] == [bob.pk, bob.pk]
    actions = set(AuditEvent.objects.filter(actor=bob).values_list("action", flat=True))
    assert {"flag.acknowledge", "flag.resolve"} <= actions


def test_another_clinic_gets_404_for_flags(as_mallory: APIClient, flags: list[Flag]) -> None:
    flag = flags[0]

    assert as_mallory.get(f"/api/v1/flags/{flag.pk}/").status_code == 404
    assert as_mallory.post(f"/api/v1/flags/{flag.pk}/acknowledge/").status_code == 404
    assert as_mallory.get("/api/v1/flags/").json()["count"] == 0
    flag.refresh_from_db()
    assert flag.status == "open"


def test_an_admin_adds_a_shift_and_a_clinician_cannot(
    as_alice: APIClient, as_bob: APIClient, bob: Clinician, mallory: Clinician
) -> None:
    shift = {
        "clinician": bob.pk,
        "starts_at": "2026-11-26T08:00:00-06:00",
        "ends_at": "2026-11-26T20:00:00-06:00",
        "level": 1,
    }

    created = as_alice.post("/api/v1/on-call/shifts/", shift, format="json")
    refused = as_bob.post("/api/v1/on-call/shifts/", shift, format="json")
    backwards = as_alice.post(
        "/api/v1/on-call/shifts/", {**shift, "ends_at": shift["starts_at"]}, format="json"
    )
    outsider = as_alice.post(
        "/api/v1/on-call/shifts/", {**shift, "clinician": mallory.pk}, format="json"
    )

    assert created.status_code == 201
    assert created.json()["starts_at"] == "2026-11-26T14:00:00Z"
    assert refused.status_code == 403
    assert backwards.status_code == 400
    assert outsider.status_code == 400
    assert OnCallShift.objects.count() == 1
    assert as_bob.get("/api/v1/on-call/shifts/").json()["count"] == 1


def test_the_policy_is_read_by_all_changed_by_admins_and_snapshotted_on_flags(
    as_alice: APIClient, as_bob: APIClient, pat: Patient
) -> None:
    default = as_bob.get("/api/v1/escalation-policy/").json()
    flag, _ = flag_raise(patient=pat, trigger=SI)
    policy = {
        "levels": [{"level": 1, "timeout_seconds": 120, "channels": ["sms"]}],
        "repeat_every_seconds": 120,
        "fallback_phones": ["312 555 0199"],
    }

    refused = as_bob.put("/api/v1/escalation-policy/", policy, format="json")
    changed = as_alice.put("/api/v1/escalation-policy/", policy, format="json")
    bad = as_alice.put(
        "/api/v1/escalation-policy/",
        {**policy, "levels": [{"level": 2, "timeout_seconds": 60, "channels": ["fax"]}]},
        format="json",
    )

    assert default["levels"][0] == {
        "level": 1,
        "timeout_seconds": 300,
        "channels": ["sms", "voice"],
    }
    assert default["repeat_every_seconds"] == 300
    assert refused.status_code == 403
    assert changed.status_code == 200
    assert changed.json()["fallback_phones"] == ["+13125550199"]
    assert bad.status_code == 400
    flag.refresh_from_db()
    assert len(flag.policy_snapshot["levels"]) == 3  # the running escalation keeps its policy
    assert flag.policy_snapshot["levels"][0]["timeout_seconds"] == 300


def test_resolving_twice_is_a_conflict(as_bob: APIClient, flags: list[Flag]) -> None:
    path = f"/api/v1/flags/{flags[0].pk}/resolve/"
    as_bob.post(path, {"note": "Reviewed."}, format="json")

    again = as_bob.post(path, {"note": "Again."}, format="json")

    assert again.status_code == 409
    assert Flag.objects.get(pk=flags[0].pk).resolution_note == "Reviewed."


def test_shift_times_need_an_offset(as_alice: APIClient, bob: Clinician) -> None:
    response = as_alice.post(
        "/api/v1/on-call/shifts/",
        {
            "clinician": bob.pk,
            "starts_at": "2026-11-26T08:00:00",
            "ends_at": "2026-11-26T20:00:00Z",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "naive"
