"""Input and output shapes of API v1 (SPEC §6). Validation of meaning lives in the services."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import (
    AwareDateTimeField,
    ClinicRelatedField,
    ClinicScopedSerializer,
    StrictBooleanField,
)
from followup.clinical.instruments import INSTRUMENTS
from followup.models import CheckIn, Clinician, Patient, Response, TreatmentSession
from followup.models.patients import Channel
from followup.selectors.patients import latest_scores
from followup.services.patient_import import MAX_IMPORT


class ScoreSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    severity = serializers.CharField()
    submitted_at = serializers.DateTimeField()


class LatestScoresSerializer(serializers.Serializer):
    phq9 = ScoreSerializer(allow_null=True)
    gad7 = ScoreSerializer(allow_null=True)


class PatientSerializer(serializers.ModelSerializer):
    latest_scores = serializers.SerializerMethodField()

    class Meta:
        model = Patient
        fields = [
            "id",
            "first_name",
            "last_name",
            "phone",
            "timezone",
            "channel",
            "language",
            "sms_consent",
            "sms_consent_at",
            "opted_out",
            "opted_out_at",
            "external_id",
            "latest_scores",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(LatestScoresSerializer)
    def get_latest_scores(self, patient: Patient) -> dict:
        return LatestScoresSerializer(latest_scores(patient)).data


class NewPatientSerializer(PatientSerializer):
    """A patient just enrolled: no answers yet, so no scores to look up."""

    def get_latest_scores(self, patient: Patient) -> dict:
        return LatestScoresSerializer(dict.fromkeys(INSTRUMENTS)).data


class PatientInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=32, help_text="Mobile number, E.164 preferred.")
    timezone = serializers.CharField(max_length=64, help_text="IANA zone, e.g. America/Chicago.")
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.SMS)
    language = serializers.ChoiceField(choices=Patient.Language.choices, default="en")
    sms_consent = serializers.BooleanField(
        default=False, help_text="`true` is required for the `sms` channel."
    )
    external_id = serializers.CharField(
        max_length=64,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="The EHR's id (MRN), unique per clinic. A create with one the clinic already "
        "has returns that patient, unchanged, with 200.",
    )


STATUS_REASON_HELP = (
    "Why it will not go out, or went out later than planned; null when there is nothing to "
    "explain. `no_sms_consent`, `opted_out`, `send_failed:<Twilio error code>` (undeliverable); "
    "`superseded`, `treatment_started`, `by_clinician`, `erased` (cancelled); `quiet_hours`: "
    "moved out of the patient's quiet hours to `due_at`, from `deferred_from`."
)


class CheckInBriefSerializer(serializers.ModelSerializer):
    status_reason = serializers.CharField(
        read_only=True, allow_null=True, help_text=STATUS_REASON_HELP
    )

    class Meta:
        model = CheckIn
        fields = ["id", "due_at", "instruments", "status", "status_reason", "deferred_from"]
        read_only_fields = fields
        extra_kwargs = {"deferred_from": {"help_text": "The planned due time, when it was moved."}}


# A session without its check-ins, for when they are at hand already. (No docstring: the
# schema would give it to ``Session`` too.)
class SessionFieldsSerializer(serializers.ModelSerializer):
    class Meta:
        model = TreatmentSession
        fields = ["id", "patient", "occurred_at", "treatment", "external_id", "created_at"]
        read_only_fields = fields


class SessionSerializer(SessionFieldsSerializer):
    check_ins = CheckInBriefSerializer(many=True, read_only=True)

    class Meta(SessionFieldsSerializer.Meta):
        fields = [*SessionFieldsSerializer.Meta.fields, "check_ins"]
        read_only_fields = fields


class SessionInputSerializer(ClinicScopedSerializer):
    patient = ClinicRelatedField(
        model=Patient, rows=lambda clinic: Patient.objects.filter(clinic=clinic)
    )
    occurred_at = AwareDateTimeField()
    treatment = serializers.ChoiceField(choices=TreatmentSession.Treatment.choices)
    external_id = serializers.CharField(
        max_length=64,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="The EHR's id of the visit, unique per patient. A create with one the patient "
        "already has returns that session, unchanged, with 200.",
    )


class ImportSessionSerializer(serializers.Serializer):
    occurred_at = AwareDateTimeField()
    treatment = serializers.ChoiceField(choices=TreatmentSession.Treatment.choices)
    external_id = serializers.CharField(
        max_length=64,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="The EHR's id of the visit, unique per patient.",
    )


class ImportPatientSerializer(PatientInputSerializer):
    session = ImportSessionSerializer(
        required=False, help_text="The patient's session, if one is to be recorded with it."
    )


class PatientImportSerializer(serializers.Serializer):
    # ``many=True`` makes a ListSerializer, which takes max_length; the stubs know only the child.
    patients = ImportPatientSerializer(many=True, allow_empty=False, max_length=MAX_IMPORT)  # type: ignore[call-arg]


class ImportedPatientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    session = serializers.IntegerField(allow_null=True, help_text="The session's id, if any.")


class PatientImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    patients = ImportedPatientSerializer(many=True, help_text="In the order of the request.")


class CheckInSerializer(serializers.ModelSerializer):
    status_reason = serializers.CharField(
        read_only=True, allow_null=True, help_text=STATUS_REASON_HELP
    )

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "patient",
            "session",
            "due_at",
            "instruments",
            "status",
            "channel",
            "sent_at",
            "completed_at",
            "expires_at",
            "cancelled_at",
            "status_reason",
            "deferred_from",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "deferred_from": {"help_text": "The planned due time, when it was moved."},
            "session": {
                "help_text": "The session whose plan made it; null for the check-in at "
                "enrolment, the pre-treatment baseline."
            },
        }


class ResponseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Response
        fields = [
            "id",
            "patient",
            "check_in",
            "instrument",
            "answers",
            "difficulty",
            "total",
            "severity",
            "complete",
            "prorated",
            "submitted_at",
            "channel",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "prorated": {
                "help_text": "The total is prorated: a partial response (at most two PHQ-9 "
                "items or one GAD-7 item missing) whose check-in closed, scored as the mean of "
                "its answered items times the item count, rounded half up."
            }
        }


class ClinicianSerializer(serializers.ModelSerializer):
    class Meta:
        model = Clinician
        fields = ["id", "username", "first_name", "last_name", "email", "phone", "role"]
        read_only_fields = fields


class ClinicianInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    first_name = serializers.CharField(max_length=150, required=False, default="")
    last_name = serializers.CharField(max_length=150, required=False, default="")
    email = serializers.EmailField(required=False, default="")
    phone = serializers.CharField(max_length=32, required=False, default="", allow_blank=True)
    role = serializers.ChoiceField(choices=Clinician.Role.choices, default="clinician")


class PlanStepSerializer(serializers.Serializer):
    offset_hours = serializers.IntegerField(min_value=1)
    instruments = serializers.ListField(child=serializers.CharField(), allow_empty=False)


class FollowUpPlanSerializer(serializers.Serializer):
    steps = PlanStepSerializer(many=True, allow_empty=False)
    enrolment_check_in = StrictBooleanField(
        required=False,
        help_text="Send a PHQ-9 and GAD-7 check-in as soon as a patient is enrolled: the "
        "pre-treatment baseline that response and remission are measured from. A session "
        "recorded before it is sent cancels it. Left out of a PUT, it keeps its value.",
    )
    reminder_after_hours = serializers.IntegerField(min_value=1)
    expire_after_hours = serializers.IntegerField(min_value=1)
    updated_at = serializers.DateTimeField(read_only=True)


class OptionSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
    loinc = serializers.CharField()


class ItemSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    text = serializers.CharField()
    loinc = serializers.CharField()


class DifficultySerializer(serializers.Serializer):
    text = serializers.CharField()
    loinc = serializers.CharField()
    options = OptionSerializer(many=True)


class BandSerializer(serializers.Serializer):
    low = serializers.IntegerField()
    high = serializers.IntegerField()
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label


class InstrumentSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    stem = serializers.CharField()
    panel_loinc = serializers.CharField()
    total_loinc = serializers.CharField()
    max_total = serializers.IntegerField()
    items = ItemSerializer(many=True)
    options = OptionSerializer(many=True)
    difficulty = DifficultySerializer()
    bands = BandSerializer(many=True)
