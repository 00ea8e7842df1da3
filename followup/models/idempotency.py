"""The first answer to a write sent with an ``Idempotency-Key`` header, kept to replay it.

An EHR that retries a write it is unsure of (a timeout, a dropped connection) sends the same key
with the same body and gets the first answer again, with nothing written twice (SPEC §6).
"""

from django.db import models

from followup.models.clinics import Clinic


class IdempotencyKey(models.Model):
    """One key of one caller: claimed in the transaction of the write it guards, so the write
    and its answer are committed together, or neither is."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    # The SHA-256 of the credential that sent the key (a personal token, an integration key, a
    # dashboard user): keys of two callers never meet.
    credential = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    # The SHA-256 of the method, path and body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # The first answer's body as it was sent, byte for byte.
    body = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "credential", "key"], name="idempotency_key_unique"
            ),
        ]
        indexes = [models.Index(fields=["expires_at"], name="idempotency_key_expiry")]

    def __str__(self) -> str:
        return f"Idempotency key #{self.pk}"
