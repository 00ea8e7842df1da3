"""Credentials for machines: a clinic's integration keys (EHRs and other systems).

Clinicians' own API tokens are django-rest-knox's ``AuthToken`` rows (hashed, expiring); a key
here belongs to the clinic, not to a person, and only its hash is kept.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from followup.models.clinics import Clinic

# Every key starts with this, so a key pasted in the wrong place is recognised (secret
# scanners, the API's authentication) and never taken for a clinician's token.
KEY_PREFIX = "fuk_"
# The key's first characters, kept in clear to find its row in one indexed query; the rest of
# the key (over 180 random bits) is known only by its hash.
LOOKUP_LENGTH = 16


class IntegrationKey(models.Model):
    """A clinic's key for its EHR: a name, a scope (read, or read and write) and an expiry.

    Made by a clinic admin in the dashboard (or by ``createclinic``); the key itself is shown
    once, when it is made, and stored as its SHA-256 (a random 256-bit key needs no slow hash).
    """

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        READ_WRITE = "read-write", "Read and write"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="integration_keys")
    # The API acts as this admin for the key (api/authentication.py).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=16, choices=Scope.choices)
    lookup = models.CharField(max_length=LOOKUP_LENGTH, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=["read", "read-write"]), name="integration_key_scope_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_scope_display()})"

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.READ_WRITE
