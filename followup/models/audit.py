import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from followup.models.clinics import Clinic
from followup.models.patients import Patient

# The hash a chain's first row follows (also in the trigger below).
GENESIS_HASH = "0" * 64

# PostgreSQL links each new row to the one before it in a trigger, with no extra query, under a
# transaction-scoped advisory lock keyed on the table, so that concurrent writers queue and the
# chain never forks; the lock is held until the writer's transaction ends. Each statement in a
# PL/pgSQL function reads with a fresh snapshot, so the last row is the last committed one (or
# the last one of this statement or transaction).
_LINK = """
    PERFORM pg_advisory_xact_lock('{meta.db_table}'::regclass::oid::bigint);
    SELECT seq, hash INTO last_seq, last_hash FROM {meta.db_table} ORDER BY seq DESC LIMIT 1;
    NEW.seq := COALESCE(last_seq, 0) + 1;
    NEW.prev_hash := COALESCE(last_hash, repeat('0', 64));
    NEW.hash := encode(sha256(convert_to(NEW.prev_hash || NEW.content_hash, 'UTF8')), 'hex');
    RETURN NEW;
"""


class AuditEvent(models.Model):
    """Who saw or changed what, when, and from where. Append-only and hash-chained.

    ``content_hash`` is the SHA-256 of the row's content (``followup.services.audit.content_hash``);
    ``hash`` is the SHA-256 of ``prev_hash`` and ``content_hash``, and ``prev_hash`` is the
    ``hash`` of the row before (by ``seq``). Changing, removing or inserting a row in the middle
    breaks a link that ``manage.py audit_verify`` finds. On PostgreSQL a trigger refuses UPDATE
    and DELETE, and another sets the links.
    """

    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # Set before the row is written: it is part of the hashed content.
    at = models.DateTimeField(default=timezone.now, editable=False)
    detail = models.JSONField(default=dict, blank=True)
    # The chain: its position, and the hashes (set on insert; see above).
    seq = models.BigIntegerField(unique=True, editable=False)
    content_hash = models.CharField(max_length=64, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["patient", "at"], name="audit_patient_at"),
            models.Index(fields=["clinic", "at"], name="audit_clinic_at"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="audit_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            pgtrigger.Trigger(
                name="audit_chain_link",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert,
                declare=[("last_seq", "bigint"), ("last_hash", "varchar(64)")],
                func=pgtrigger.Func(_LINK),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} #{self.object_id}"
