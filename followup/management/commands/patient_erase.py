import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from followup.models import Clinic, Patient
from followup.services.erasure import clinic_offboard, patient_erase


class Command(BaseCommand):
    help = (
        "Erase a patient's identifying data (names, phone number, message bodies and numbers, "
        "notes), keeping their de-identified scores under their id; an audit event records it. "
        "With --clinic, offboard a clinic: erase every patient and deactivate every account. "
        "Export first (patient_export): erasure cannot be undone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("patient_id", nargs="?", type=int, help="The patient's id.")
        parser.add_argument("--clinic", type=int, help="Offboard a whole clinic by its id.")
        parser.add_argument(
            "--yes",
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if (options["patient_id"] is None) == (options["clinic"] is None):
            raise CommandError("Give a patient id, or --clinic <clinic id> (one of the two).")
        if options["clinic"] is not None:
            clinic = Clinic.objects.filter(pk=options["clinic"]).first()
            if clinic is None:
                raise CommandError(f"No clinic with id {options['clinic']}.")
            what = f"every patient of clinic #{clinic.pk} and deactivate its accounts"
            self._confirm(options["interactive"], what)
            counts = clinic_offboard(clinic=clinic)
            self.stdout.write(
                f"Clinic #{clinic.pk} offboarded: {counts['patients_erased']} patients erased, "
                f"{counts['accounts_deactivated']} accounts deactivated."
            )
            return
        patient = Patient.objects.filter(pk=options["patient_id"]).first()
        if patient is None:
            raise CommandError(f"No patient with id {options['patient_id']}.")
        self._confirm(options["interactive"], f"patient #{patient.pk}")
        patient_erase(patient=patient)
        self.stdout.write(f"Patient #{patient.pk} erased; their scores are kept.")

    def _confirm(self, interactive: bool, what: str) -> None:
        if not interactive:
            return
        if not sys.stdin.isatty():
            raise CommandError("Nobody to confirm: pass --yes to erase without asking.")
        answer = input(f"Erase {what}? This cannot be undone. Type 'erase' to go on: ")
        if answer.strip().lower() != "erase":
            raise CommandError("Nothing erased.")
