"""What a failed message means for the thing it was sent for."""

from django.db import transaction
from django.utils import timezone

from followup.models import CheckIn, OutboundMessage

# Messages whose failure leaves a check-in with no way to reach the patient.
OPENING_PURPOSES = ("question", "web_link")


def message_failed(*, message_id: int) -> None:
    """A message failed for good: a check-in whose opening message failed is undeliverable, and
    shows so on the dashboard."""
    message = OutboundMessage.objects.filter(pk=message_id).first()
    if message is None:
        return
    if message.purpose == "page" and message.flag_id:
        from followup.escalation import escalate_now

        escalate_now(message.flag_id)
        return
    if message.check_in_id is None or message.purpose not in OPENING_PURPOSES:
        return
    with transaction.atomic():
        check_in = CheckIn.objects.select_for_update().get(pk=message.check_in_id)
        if check_in.status == CheckIn.Status.SENT and not check_in.responses.exists():
            check_in.status = CheckIn.Status.UNDELIVERABLE
            check_in.undeliverable_reason = f"send_failed:{message.error_code or 'error'}"[:32]
            check_in.updated_at = timezone.now()
            check_in.save(update_fields=["status", "undeliverable_reason", "updated_at"])
