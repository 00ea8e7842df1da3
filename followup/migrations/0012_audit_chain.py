"""The audit log becomes a hash chain, append-only on PostgreSQL.

Rows written before are chained in the order they were written (by id), with the hashes
``followup.services.audit`` computes; then the triggers that refuse UPDATE and DELETE and that link
each new row are installed (PostgreSQL only; pgtrigger skips other databases).
"""

import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

BATCH = 2000


def chain_existing_rows(apps: object, schema_editor: object) -> None:
    from followup.models.audit import GENESIS_HASH
    from followup.services.audit import content_hash, link_hash

    AuditEvent = apps.get_model("followup", "AuditEvent")
    prev, batch = GENESIS_HASH, []
    rows = AuditEvent.objects.order_by("id").iterator(chunk_size=BATCH)
    for seq, event in enumerate(rows, start=1):
        event.seq, event.prev_hash = seq, prev
        event.content_hash = content_hash(event)
        event.hash = prev = link_hash(prev, event.content_hash)
        batch.append(event)
        if len(batch) >= BATCH:
            AuditEvent.objects.bulk_update(batch, ["seq", "prev_hash", "content_hash", "hash"])
            batch = []
    AuditEvent.objects.bulk_update(batch, ["seq", "prev_hash", "content_hash", "hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0011_api_credentials"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="content_hash",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="content_hash",
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(editable=False, max_length=64),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="auditevent",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="b835bd714ac2517f18fcf6aff9f005f04cc36a7e",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_audit_append_only_265fe",
                    table="followup_auditevent",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="auditevent",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_chain_link",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    declare="DECLARE last_seq bigint; last_hash varchar(64);",
                    func="\n    PERFORM pg_advisory_xact_lock('followup_auditevent'::regclass::oid::bigint);\n    SELECT seq, hash INTO last_seq, last_hash FROM followup_auditevent ORDER BY seq DESC LIMIT 1;\n    NEW.seq := COALESCE(last_seq, 0) + 1;\n    NEW.prev_hash := COALESCE(last_hash, repeat('0', 64));\n    NEW.hash := encode(sha256(convert_to(NEW.prev_hash || NEW.content_hash, 'UTF8')), 'hex');\n    RETURN NEW;\n",
                    hash="93729f86d3b7b8f896aa9ae3044602e2e989d57b",
                    operation="INSERT",
                    pgid="pgtrigger_audit_chain_link_ed1a7",
                    table="followup_auditevent",
                    when="BEFORE",
                ),
            ),
        ),
    ]
