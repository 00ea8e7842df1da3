from typing import Any

from django.core.management.base import BaseCommand, CommandError

from followup.services.audit import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Walk the audit log's hash chain from its first row. Says the chain is intact with its "
        "number of rows, or names the first broken link and exits with status 1."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        if report.broken is not None:
            broken = report.broken
            raise CommandError(
                f"Audit chain broken at row #{broken.seq} (audit event id {broken.event_id}): "
                f"{broken.reason}. {report.rows - 1} rows before it are intact."
            )
        self.stdout.write(f"Audit chain intact: {report.rows} rows.")
