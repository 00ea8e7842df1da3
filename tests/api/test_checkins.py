import datetime as dt

from rest_framework.test import APIClient

from followup.models import CheckIn, Patient
from followup.services.sessions import session_record


def test_it_cancels_a_scheduled_check_in(as_bob: APIClient, pat: Patient) -> None:
    _, check_ins = session_record(
        patient=pat, occurred_at=dt.datetime.now(dt.UTC), treatment="iv_ketamine"
    )

    response = as_bob.post(f"/api/v1/check-ins/{check_ins[0].pk}/cancel/")
    again = as_bob.post(f"/api/v1/check-ins/{check_ins[0].pk}/cancel/")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert again.status_code == 200
    assert CheckIn.objects.get(pk=check_ins[0].pk).cancel_reason == "by_clinician"


def test_a_completed_check_in_cannot_be_cancelled(as_bob: APIClient, pat: Patient) -> None:
    _, check_ins = session_record(
        patient=pat, occurred_at=dt.datetime.now(dt.UTC), treatment="iv_ketamine"
    )
    CheckIn.objects.filter(pk=check_ins[0].pk).update(
        status="completed", completed_at=dt.datetime.now(dt.UTC)
    )

    response = as_bob.post(f"/api/v1/check-ins/{check_ins[0].pk}/cancel/")

    assert response.status_code == 409
    assert response.json()["code"] == "not_cancellable"
    assert CheckIn.objects.get(pk=check_ins[0].pk).status == "completed"


def test_it_filters_check_ins_by_status(as_bob: APIClient, pat: Patient) -> None:
    _, check_ins = session_record(
        patient=pat, occurred_at=dt.datetime.now(dt.UTC), treatment="iv_ketamine"
    )
    as_bob.post(f"/api/v1/check-ins/{check_ins[1].pk}/cancel/")

    cancelled = as_bob.get("/api/v1/check-ins/", {"status": "cancelled"}).json()
    scheduled = as_bob.get("/api/v1/check-ins/", {"status": "scheduled"}).json()

    # The check-in at enrolment, cancelled by the session (due first), and the one Bob cancelled.
    at_enrolment = pat.check_ins.get(session=None)
    assert [c["id"] for c in cancelled["results"]] == [at_enrolment.pk, check_ins[1].pk]
    assert scheduled["count"] == 3
