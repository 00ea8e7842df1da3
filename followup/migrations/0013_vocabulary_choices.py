"""Flag timeline event kinds and outbound message purposes become choices: the values every row
already holds, now named once (``FlagEvent.Kind``, ``OutboundMessage.Purpose``). No data changes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0012_audit_chain"),
    ]

    operations = [
        migrations.AlterField(
            model_name="flagevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("raised", "Raised"),
                    ("trigger_added", "Triggered again"),
                    ("reopened", "Re-opened"),
                    ("paged", "Paged"),
                    ("escalated", "Escalated"),
                    ("escalated_early", "Escalated early (a page failed)"),
                    ("rota_gap", "Rota gap"),
                    ("page_sent", "Page sent"),
                    ("page_delivered", "Page delivered"),
                    ("page_undelivered", "Page undelivered"),
                    ("page_failed", "Page failed"),
                    ("page_cancelled", "Page cancelled"),
                    ("acknowledged", "Acknowledged"),
                    ("resolved", "Resolved"),
                    ("crisis_message", "Crisis message sent"),
                    ("crisis_message_not_sent", "Crisis message not sent"),
                    ("item_9_clarified", "Item 9 clarified"),
                ],
                max_length=32,
            ),
        ),
        migrations.AlterField(
            model_name="outboundmessage",
            name="purpose",
            field=models.CharField(
                choices=[
                    ("page", "Page to a clinician"),
                    ("ack_reply", "Reply to an ACK"),
                    ("crisis", "Crisis message"),
                    ("question", "Question"),
                    ("reprompt", "Re-prompt"),
                    ("item9_exact", "Item 9: the exact option"),
                    ("thanks", "Thanks"),
                    ("reminder", "Reminder"),
                    ("web_link", "Web link"),
                    ("link", "Web link on request (LINK)"),
                    ("no_check_in", "No check-in open"),
                    ("check_in_closed", "Check-in closed"),
                    ("unread", "Message received"),
                    ("unread_in_check_in", "Message received during a check-in"),
                    ("stop_confirmation", "STOP confirmation"),
                    ("start", "START confirmation"),
                    ("help", "HELP reply"),
                ],
                max_length=32,
            ),
        ),
    ]
