"""Flags in the order a clinician must see them: the API's list and the dashboard's queue."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from followup.clinical import rules
from followup.models import Flag

# Most urgent first, then oldest (SPEC §2 step 7); the order is the flag rules' own.
PRIORITY_RANK: dict[str, int] = {
    Flag.Priority(priority): rank for rank, priority in enumerate(rules.PRIORITIES)
}
PRIORITY_OF_RANK = {rank: priority for priority, rank in PRIORITY_RANK.items()}


def urgency() -> Case:
    """A flag's priority as its rank, 0 the most urgent: to order flags by in the database."""
    return Case(
        *(When(priority=p, then=Value(n)) for p, n in PRIORITY_RANK.items()),
        default=Value(len(PRIORITY_RANK)),
        output_field=IntegerField(),
    )


def flags_by_urgency(flags: QuerySet[Flag]) -> QuerySet[Flag]:
    """``flags`` most urgent first, then oldest, then by id (index ``flag_queue``)."""
    return flags.annotate(urgency=urgency()).order_by("urgency", "created_at", "id")
