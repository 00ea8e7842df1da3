from celery import shared_task

from followup.job_names import Job
from followup.services.conversation import inbound_handle
from followup.services.escalations import escalation_step_run
from followup.services.messages import (
    message_console_deliver,
    message_send,
    messages_send,
    messages_send_together,
)


@shared_task(name=Job.SEND_MESSAGE)
def send_message(message_id: int) -> str:
    """Send one outbound ledger row. At most once per claim: the row is claimed with a
    conditional update before the provider is called, so a duplicate or re-delivered task finds
    it claimed or sent and does nothing. Failures are retried through the row's due time."""
    return message_send(message_id)


@shared_task(name=Job.SEND_MESSAGES)
def send_messages(message_ids: list[int]) -> dict:
    """Send outbound ledger rows queued together (a dispatcher sweep), the provider's round
    trips concurrently. Each row at most once per claim, as ``send_message``."""
    return dict(messages_send(message_ids))


@shared_task(name=Job.HANDLE_INBOUND)
def handle_inbound(inbound_id: int) -> str:
    """Handle a stored inbound SMS. At least once and idempotent by the message's status (the
    MessageSid is unique, and a handled message is never handled again). The replies it queues
    (the next question) are sent by this task once the handling has committed; a reply it could
    not send is a pending row the sweep sends."""
    with messages_send_together(here=True):
        return inbound_handle(inbound_id)


@shared_task(name=Job.ESCALATE)
def escalate(step_id: int) -> int:
    """Run one escalation step (a page of one flag at one level and round). At most once: the
    step row is claimed under a lock and marked done in the same transaction."""
    return escalation_step_run(step_id)


@shared_task(name=Job.CONSOLE_DELIVERY)
def console_delivery(message_id: int) -> str:
    """Development only (console SMS backend): report a sent message delivered (a call
    answered and completed), as Twilio's status callbacks would. At least once and idempotent:
    statuses only move forward, so a repeat changes nothing."""
    return message_console_deliver(message_id=message_id)
