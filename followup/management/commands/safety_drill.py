from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from followup.models import Clinic
from followup.services.drills import STEPS, drill_run


class Command(BaseCommand):
    help = (
        "Run the safety drill: a synthetic PHQ-9 item-9 answer of the clinic's drill patient "
        "through the real inbound path, then report, step by step with times, that the flag was "
        "raised, the on-call phone paged and the page delivered. Exits with status 1 at the "
        "first failing step. The drill's flag is resolved and its check-in closed afterwards."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clinic", help="The clinic's id or name (needed with several).")
        parser.add_argument(
            "--timeout",
            type=float,
            default=None,
            help="Seconds to wait for each step that depends on another process, Twilio's "
            "delivery receipt included (default SAFETY_DRILL_TIMEOUT_SECONDS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        clinic = _clinic(options.get("clinic"))
        drill = drill_run(clinic=clinic, timeout=options.get("timeout"))
        self.stdout.write(f"Safety drill #{drill.pk} of {clinic.name}, started {_at(drill)}")
        reached = {step["name"] for step in drill.steps}
        for step in drill.steps:
            mark = "PASS" if step["ok"] else "FAIL"
            self.stdout.write(
                f"  {mark} {step['name']:<16} +{step['elapsed_ms']:>6} ms  {step['at']}  "
                f"{step['detail']}"
            )
        for name in STEPS:
            if name not in reached:
                self.stdout.write(f"  SKIP {name:<16} not reached")
        if drill.status != drill.Status.PASSED:
            raise CommandError(f"Safety drill failed: {drill.failure_reason}")
        self.stdout.write(f"Safety drill passed; its flag is resolved ({drill.finished_at}).")


def _at(drill: Any) -> str:
    return drill.started_at.isoformat()


def _clinic(wanted: str | None) -> Clinic:
    clinics = Clinic.objects.all()
    if wanted:
        clinics = (
            clinics.filter(pk=int(wanted)) if wanted.isdigit() else clinics.filter(name=wanted)
        )
    found = list(clinics[:2])
    if not found:
        raise CommandError(f"No clinic {wanted!r}." if wanted else "No clinic yet.")
    if len(found) > 1:
        raise CommandError("Several clinics: name one with --clinic <id or name>.")
    return found[0]
