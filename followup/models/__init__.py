"""The domain model. Every table the product keeps, with its integrity rules in the database."""

from followup.models.audit import AuditEvent
from followup.models.checkins import CheckIn, Response
from followup.models.clinics import Clinic, Clinician, Digest, EscalationPolicy, FollowUpPlan
from followup.models.credentials import IntegrationKey
from followup.models.drills import SafetyDrill
from followup.models.escalation import EscalationStep, OnCallShift
from followup.models.flags import Flag, FlagEvent
from followup.models.idempotency import IdempotencyKey
from followup.models.messages import InboundMessage, OutboundMessage
from followup.models.patients import Patient, TreatmentSession

__all__ = [
    "AuditEvent",
    "CheckIn",
    "Clinic",
    "Clinician",
    "Digest",
    "EscalationPolicy",
    "EscalationStep",
    "Flag",
    "FlagEvent",
    "FollowUpPlan",
    "IdempotencyKey",
    "InboundMessage",
    "IntegrationKey",
    "OnCallShift",
    "OutboundMessage",
    "Patient",
    "Response",
    "SafetyDrill",
    "TreatmentSession",
]
