from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from followup.errors import DomainError
from followup.models import Clinician, IntegrationKey
from followup.services.clinics import clinic_create, clinician_create
from followup.services.credentials import MAX_KEY_DAYS, integration_key_create


class Command(BaseCommand):
    help = (
        "Create a clinic with its default follow-up plan and escalation policy, and its first "
        "admin. Prints the clinic's first integration key (read-write, valid a year) as the last "
        "line: send it as 'Authorization: Token <key>' or 'Bearer <key>'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The clinic's name, as patients will read it.")
        parser.add_argument("--admin", required=True, help="Username of the clinic's admin.")
        parser.add_argument("--password", required=True, help="The admin's password.")
        parser.add_argument("--timezone", default=None, help="IANA zone, e.g. America/Chicago.")
        parser.add_argument(
            "--phone",
            default="",
            help="The clinic's own number, given to patients in the crisis message, e.g. "
            "+13125550100.",
        )
        parser.add_argument(
            "--email", default="", help="The admin's email address, for the daily digest."
        )
        parser.add_argument(
            "--sms-number",
            default="",
            help="The clinic's own Twilio number: its texts come from it, and replies to it "
            "reach only its patients. Default: the shared TWILIO_FROM_NUMBER.",
        )
        parser.add_argument(
            "--messaging-service",
            default="",
            help="The clinic's own Twilio Messaging Service SID (MG...), instead of a number.",
        )

    def handle(self, *args: Any, **options: str) -> None:
        try:
            with transaction.atomic():
                clinic = clinic_create(
                    name=options["name"],
                    timezone=options["timezone"],
                    phone=options["phone"],
                    sms_number=options["sms_number"],
                    messaging_service_sid=options["messaging_service"],
                )
                admin = clinician_create(
                    clinic=clinic,
                    username=options["admin"],
                    password=options["password"],
                    email=options["email"],
                    role=Clinician.Role.ADMIN,
                )
                key, secret = integration_key_create(
                    clinic=clinic,
                    actor=admin,
                    name="First integration key",
                    scope=IntegrationKey.Scope.READ_WRITE,
                    valid_days=MAX_KEY_DAYS,
                )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Created clinic #{clinic.pk} '{clinic.name}' ({clinic.timezone}).")
        if not clinic.phone:
            self.stdout.write("No clinic phone: the crisis message will give no number to call.")
        if not clinic.has_own_sender:
            self.stdout.write("No sender of its own: texts go out from the shared number.")
        self.stdout.write(f"Admin: {admin.username}.")
        self.stdout.write(
            f"Integration key '{key.name}' (read-write, expires {key.expires_at:%Y-%m-%d}); it is "
            "shown only now, and clinic admins manage keys in the dashboard. API key:"
        )
        self.stdout.write(secret)
