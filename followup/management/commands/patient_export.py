import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from followup.models import Clinic, Patient
from followup.selectors.patient_data import clinic_records, patient_record
from followup.services.audit import audit_record


class Command(BaseCommand):
    help = (
        "Print a patient's whole record as JSON: the patient, sessions, check-ins, responses, "
        "flags with their events, and messages both ways. With --clinic, a clinic's export "
        "as JSON Lines: the clinic (settings, accounts, rota) first, then one line per "
        "patient. Each export is an audit event."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("patient_id", nargs="?", type=int, help="The patient's id.")
        parser.add_argument("--clinic", type=int, help="Export a whole clinic by its id.")

    def handle(self, *args: Any, **options: Any) -> None:
        if (options["patient_id"] is None) == (options["clinic"] is None):
            raise CommandError("Give a patient id, or --clinic <clinic id> (one of the two).")
        if options["clinic"] is not None:
            self._clinic(options["clinic"])
            return
        patient = Patient.objects.filter(pk=options["patient_id"]).first()
        if patient is None:
            raise CommandError(f"No patient with id {options['patient_id']}.")
        record = patient_record(patient)
        audit_record(actor=None, action="patient.export", obj=patient)
        self.stdout.write(json.dumps(record, cls=DjangoJSONEncoder, indent=2, sort_keys=True))

    def _clinic(self, clinic_id: int) -> None:
        clinic = Clinic.objects.filter(pk=clinic_id).first()
        if clinic is None:
            raise CommandError(f"No clinic with id {clinic_id}.")
        patients = 0
        for record in clinic_records(clinic):
            if "patient" in record:
                patients += 1
                audit_record(actor=None, action="patient.export", obj=record_patient(record))
            self.stdout.write(json.dumps(record, cls=DjangoJSONEncoder, sort_keys=True))
        audit_record(
            actor=None,
            action="clinic.export",
            obj=clinic,
            clinic=clinic,
            detail={"patients": patients},
        )


def record_patient(record: dict) -> Patient:
    """The exported patient, by id and clinic alone (no query) for its audit event."""
    row = record["patient"]
    return Patient(pk=row["id"], clinic_id=row["clinic"])
