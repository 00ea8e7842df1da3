"""The audit log: append-only at the database, hash-chained, verified by ``audit_verify``, and
recording the caller's address through the configured proxies only."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.throttling import ScopedRateThrottle

from followup.models import AuditEvent, Clinician, Patient
from followup.services.audit import audit_event, audit_record, audit_record_many
from tests.support.cast import PASSWORD
from tests.support.concurrency import at_once

TABLE = AuditEvent._meta.db_table


def verify() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def tamper(sql: str, params: list) -> None:
    """What someone with the database owner's rights could do: switch the guards off, change
    the table, switch them on again. (Foreign keys are checked first: ALTER TABLE waits for no
    deferred check.)"""
    raw("SET CONSTRAINTS ALL IMMEDIATE")
    raw(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
    raw(sql, params)
    raw(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")


# Append-only ------------------------------------------------------------------------------


@pytest.mark.postgresql
@pytest.mark.parametrize(
    "change",
    [
        lambda e: AuditEvent.objects.filter(pk=e.pk).update(action="nothing.happened"),
        lambda e: AuditEvent.objects.filter(pk=e.pk).delete(),
        lambda e: e.save(),
        lambda e: raw(f"UPDATE {TABLE} SET detail = '{{}}' WHERE id = %s", [e.pk]),  # noqa: S608
        lambda e: raw(f"DELETE FROM {TABLE} WHERE id = %s", [e.pk]),  # noqa: S608
    ],
    ids=["orm-update", "orm-delete", "orm-save", "sql-update", "sql-delete"],
)
def test_the_database_refuses_to_change_or_remove_an_audit_row(
    alice: Clinician, pat: Patient, change: object
) -> None:
    event = audit_record(actor=alice, action="patient.view", obj=pat)

    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        change(event)

    assert AuditEvent.objects.filter(pk=event.pk, action="patient.view").exists()


# The chain --------------------------------------------------------------------------------


def test_audit_verify_says_an_intact_chain_is_intact_with_its_rows(
    alice: Clinician, pat: Patient
) -> None:
    audit_record(actor=alice, action="patient.view", obj=pat, detail={"page": 1, "b": [2, 1]})
    audit_record_many([audit_event(actor=alice, action="patient.list") for _ in range(5)])

    rows = AuditEvent.objects.count()
    assert verify().strip() == f"Audit chain intact: {rows} rows."
    chain = list(AuditEvent.objects.order_by("seq").values_list("seq", "prev_hash", "hash"))
    assert [seq for seq, _, _ in chain] == list(range(1, rows + 1))
    assert all(
        prev == before for (_, prev, _), (_, _, before) in zip(chain[1:], chain[:-1], strict=True)
    )


@pytest.mark.postgresql
def test_audit_verify_names_the_first_tampered_row(alice: Clinician, pat: Patient) -> None:
    events = [audit_record(actor=alice, action="patient.view", obj=pat) for _ in range(4)]
    target = AuditEvent.objects.get(pk=events[1].pk)
    assert "intact" in verify()

    tamper(f"UPDATE {TABLE} SET action = 'patient.nothing' WHERE id = %s", [target.pk])  # noqa: S608
    tamper(f"UPDATE {TABLE} SET detail = '{{\"x\": 1}}' WHERE id = %s", [events[3].pk])  # noqa: S608

    with pytest.raises(CommandError) as failure:
        verify()

    assert f"broken at row #{target.seq} (audit event id {target.pk})" in str(failure.value)
    assert "content does not match" in str(failure.value)


@pytest.mark.postgresql
def test_audit_verify_finds_a_removed_row(alice: Clinician, pat: Patient) -> None:
    events = [audit_record(actor=alice, action="patient.view", obj=pat) for _ in range(3)]
    after = AuditEvent.objects.get(pk=events[2].pk)

    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [events[1].pk])  # noqa: S608

    with pytest.raises(CommandError, match=f"broken at row #{after.seq} "):
        verify()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain(alice: Clinician, pat: Patient) -> None:
    def write() -> None:
        for n in range(10):
            if n % 3:
                audit_record(actor=alice, action="patient.view", obj=pat)
            else:  # a change and its audit rows in one transaction, as the services write them
                with transaction.atomic():
                    Patient.objects.filter(pk=pat.pk).update(updated_at=timezone.now())
                    audit_record_many(
                        [audit_event(actor=alice, action="patient.update") for _ in range(3)]
                    )

    at_once(6, write)

    rows = AuditEvent.objects.count()
    assert verify().strip() == f"Audit chain intact: {rows} rows."
    prevs = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(prevs) == len(set(prevs))  # no two rows follow the same row: no fork


# The caller's address ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "recorded"),
    [
        (0, "203.0.113.50", "10.0.0.2"),  # no proxy trusted: the header is ignored
        (1, "203.0.113.50", "203.0.113.50"),
        (1, "6.6.6.6, 203.0.113.50", "203.0.113.50"),  # the client's own entry is not trusted
        (2, "6.6.6.6, 203.0.113.50, 10.0.0.9", "203.0.113.50"),
        (2, "203.0.113.50", "10.0.0.2"),  # fewer entries than proxies: who connected
        (1, "not-an-address", "10.0.0.2"),
    ],
)
def test_the_address_comes_through_the_trusted_proxies_only(
    settings: object, as_bob: object, pat: Patient, proxies: int, forwarded: str, recorded: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies

    as_bob.get(
        f"/api/v1/patients/{pat.pk}/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded
    )

    assert AuditEvent.objects.get(action="patient.view").ip_address == recorded


def _fail_sign_ins(client: Client, forwarded: str, times: int) -> int:
    status = 0
    for _ in range(times):
        status = client.post(
            "/dashboard/login/",
            {"username": "bob", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code
    return status


def test_the_lockout_counts_by_the_same_address(settings: object, bob: Clinician) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client()

    assert _fail_sign_ins(client, "203.0.113.50", 6) == 429
    other = client.post(
        "/dashboard/login/",
        {"username": "bob", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )

    assert other.status_code == 302  # another person behind the same proxy is not locked out
    failed = AuditEvent.objects.filter(action="clinician.sign_in_failed")
    assert set(failed.values_list("ip_address", flat=True)) == {"203.0.113.50"}


def test_without_trusted_proxies_a_forged_header_does_not_escape_the_lockout(
    bob: Clinician,
) -> None:
    client = Client()
    for n in range(6):
        _fail_sign_ins(client, f"203.0.113.{n}", 1)

    locked = client.post(
        "/dashboard/login/",
        {"username": "bob", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )

    assert locked.status_code == 429


def test_the_apis_throttles_count_by_the_same_address() -> None:
    """DRF keys its throttles (the token endpoint's) by ``NUM_PROXIES``, set from the same
    setting: a forged X-Forwarded-For is not a new caller."""
    request = Request(
        APIRequestFactory().post(
            "/api/v1/auth/token/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9"
        )
    )

    assert ScopedRateThrottle().get_ident(request) == "10.0.0.2"
