"""A check-in moved out of the patient's quiet hours keeps the due time its plan gave it, so the
API and the patient page can say why it went out later (its ``status_reason``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0014_external_ids"),
    ]

    operations = [
        migrations.AddField(
            model_name="checkin",
            name="deferred_from",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
