"""Crisis first, whatever the backlog: the webhook itself raises the flag of a text that must page
(crisis language, a reply to PHQ-9 item 9 that is not clearly 0), so its pages and crisis message
are committed with the message and sent on the ``pages`` queue, before any routine answer that
was waiting. The full handling of the same text afterwards stores the answer and asks on, and
raises, pages and tells the patient nothing a second time."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from config.celery import app
from followup.models import (
    CheckIn,
    Clinician,
    Flag,
    InboundMessage,
    OnCallShift,
    OutboundMessage,
    Patient,
    Response,
)
from followup.services.dispatch import checkins_dispatch_due
from tests.support.flags import make_patient
from tests.support.sms import NOW, bodies, sign_and_post, text

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.time_machine(NOW, tick=False)]
HOUR = dt.timedelta(hours=1)
BACKLOG = 500
# The item-9 cases prove the same ordering with a shorter queue ahead of them.
SHORT_BACKLOG = 50
CRISIS = "i dont want to be alive anymore, I want to kill myself"


@pytest.fixture
def check_in(
    twilio: object, celery_inline: list, as_alice: APIClient, pat: Patient, bob: Clinician
) -> CheckIn:
    """Bob on call; Pat's +24 h check-in sent now, its first question waiting."""
    OnCallShift.objects.create(
        clinic=bob.clinic,
        clinician=bob,
        level=1,
        starts_at=NOW - 48 * HOUR,
        ends_at=NOW + 30 * 24 * HOUR,
    )
    response = as_alice.post(
        "/api/v1/sessions/",
        {"patient": pat.pk, "occurred_at": (NOW - 25 * HOUR).isoformat(), "treatment": "other"},
        format="json",
    )
    assert response.status_code == 201
    checkins_dispatch_due()
    return CheckIn.objects.get(pk=response.json()["check_ins"][0]["id"])


@pytest.fixture
def at_item_9(twilio: object, pat: Patient, check_in: CheckIn) -> CheckIn:
    for _ in range(8):
        text(twilio, pat, "0")
    assert "9/16 Thoughts that you would be better off dead" in bodies(twilio, pat)[-1]
    return check_in


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple, str | None]]:
    """From here on, enqueued tasks wait in this list (name, args, queue), as in a busy broker,
    until ``drain`` runs them in order."""
    waiting: list[tuple[str, tuple, str | None]] = []

    def send_task(name: str, args: tuple = (), **options: object) -> None:
        waiting.append((name, tuple(args), options.get("queue")))

    monkeypatch.setattr(app, "send_task", send_task)
    return waiting


def drain(waiting: list[tuple[str, tuple, str | None]]) -> None:
    """A worker catching up: every waiting task runs, and whatever those enqueue."""
    for _ in range(20 * BACKLOG):
        if not waiting:
            return
        name, args, _ = waiting.pop(0)
        app.tasks[name].apply(args=args, throw=True)
    raise AssertionError("the queue never drained")


def routine_backlog(twilio: object, clinic: object, size: int = BACKLOG) -> list[int]:
    """``size`` routine answers from other patients, stored by the webhook, not yet handled."""
    others = [make_patient(clinic, n) for n in range(1, 6)]
    for i in range(size):
        text(twilio, others[i % len(others)], "1")
    stored = list(InboundMessage.objects.exclude(from_number="+13125550123").values_list("pk"))
    assert len(stored) == size
    return [pk for (pk,) in stored]


def handle_tasks(waiting: list, pk: int) -> list[str | None]:
    return [
        queue
        for name, args, queue in waiting
        if name == "followup.handle_inbound" and args == (pk,)
    ]


def urgent_sends(waiting: list) -> set[str]:
    return {
        OutboundMessage.objects.get(pk=pk).purpose
        for name, args, queue in waiting
        if name == "followup.send_messages" and queue == "pages"
        for pk in args[0]
    }


def test_crisis_text_pages_from_the_webhook_before_a_backlog_of_routine_answers(
    twilio: object, check_in: CheckIn, pat: Patient, bob: Clinician, queued: list
) -> None:
    backlog = routine_backlog(twilio, pat.clinic)
    assert {queue for name, _, queue in queued if name == "followup.handle_inbound"} == {None}

    text(twilio, pat, CRISIS)

    message = InboundMessage.objects.get(from_number=pat.phone, body=CRISIS)
    # Committed by the webhook: the flag, its page and the crisis message, nothing handled yet.
    flag = Flag.objects.get(patient=pat)
    assert flag.reason == "crisis_language"
    assert flag.priority == "critical"
    assert [(e["inbound"], e["at_intake"]) for e in flag.evidence] == [(message.pk, True)]
    pages = OutboundMessage.objects.filter(flag=flag, purpose="page")
    assert pages.filter(to=bob.phone).exists()
    crisis = OutboundMessage.objects.filter(patient=pat, purpose="crisis")
    assert crisis.count() == 1
    assert (
        InboundMessage.objects.filter(
            pk__in=[*backlog, message.pk], status=InboundMessage.Status.RECEIVED
        ).count()
        == BACKLOG + 1
    )
    # The webhook sent the page and the crisis message before it answered, and queued them on
    # the urgent queue too (a worker sends them if the webhook could not); the text's own
    # handling is routine work.
    assert len(twilio.messages_to(bob.phone)) == 1
    assert [c.params["To"] for c in twilio.calls] == [bob.phone]
    assert "you are not alone" in bodies(twilio, pat)[-1]
    assert pages.filter(status="sent").count() == pages.count()
    assert urgent_sends(queued) >= {"page", "crisis"}
    assert handle_tasks(queued, message.pk) == [None]
    page_count = pages.count()

    drain(queued)

    message.refresh_from_db()
    assert message.status == InboundMessage.Status.HANDLED
    assert Flag.objects.filter(patient=pat).count() == 1
    flag.refresh_from_db()
    assert len(flag.evidence) == 1
    assert pages.count() == page_count
    assert crisis.count() == 1
    assert len(twilio.messages_to(bob.phone)) == 1  # one page by SMS (and one call)
    # Still answered as today: the question is asked again, after the crisis message.
    sent = bodies(twilio, pat)
    assert "you are not alone" in sent[-2]
    assert sent[-1] == (
        "Please reply with one number: 0 Not at all, 1 Several days, 2 More than half the "
        "days, 3 Nearly every day. Reply LINK for a web form, HELP for help."
    )


@pytest.mark.parametrize(("reply", "value"), [("2", 2), ("every day", 3), ("yes", None)])
def test_item_9_reply_not_clearly_0_pages_from_the_webhook(
    twilio: object,
    at_item_9: CheckIn,
    pat: Patient,
    bob: Clinician,
    queued: list,
    reply: str,
    value: int | None,
) -> None:
    backlog = routine_backlog(twilio, pat.clinic, SHORT_BACKLOG)

    text(twilio, pat, reply)

    message = InboundMessage.objects.get(from_number=pat.phone, body=reply)
    flag = Flag.objects.get(patient=pat)
    assert flag.reason == "suicidal_ideation"
    (evidence,) = flag.evidence
    assert evidence["inbound"] == message.pk
    assert evidence["at_intake"] is True
    assert evidence["check_in"] == at_item_9.pk
    assert evidence["item"] == 9
    pages = OutboundMessage.objects.filter(flag=flag, purpose="page")
    assert pages.filter(to=bob.phone).exists()
    crisis = OutboundMessage.objects.filter(patient=pat, purpose="crisis")
    assert crisis.count() == 1
    assert not InboundMessage.objects.filter(
        pk__in=[*backlog, message.pk], status=InboundMessage.Status.HANDLED
    ).exists()
    assert urgent_sends(queued) >= {"page", "crisis"}
    assert handle_tasks(queued, message.pk) == [None]
    page_count = pages.count()

    drain(queued)

    assert Flag.objects.filter(patient=pat).count() == 1
    flag.refresh_from_db()
    assert len(flag.evidence) == 1
    assert pages.count() == page_count
    assert crisis.count() == 1
    at_item_9.refresh_from_db()
    item_9 = Response.objects.get(check_in=at_item_9, instrument="phq9").answers[8]
    if value is not None:
        # The answer is stored and the check-in moves on.
        assert item_9 == value
        assert "10/16" in bodies(twilio, pat)[-1]
    else:
        # The exact option is asked for; the check-in stays on item 9.
        assert item_9 is None
        assert (at_item_9.current_instrument, at_item_9.current_item) == ("phq9", 9)
        assert "please reply to question 9/16" in bodies(twilio, pat)[-1]


@pytest.mark.parametrize(("reply", "queue"), [("2", "pages"), ("0", None)])
def test_a_late_reply_to_item_9_is_handled_first_unless_it_is_a_clear_0(
    twilio: object, at_item_9: CheckIn, pat: Patient, queued: list, reply: str, queue: str | None
) -> None:
    """The check-in closed while item 9 waited: a reply now may be its late answer, which only
    the full handling can judge, on the urgent queue; a clear 0 is routine."""
    CheckIn.objects.filter(pk=at_item_9.pk).update(
        status="expired", expires_at=NOW - HOUR, current_instrument="", current_item=None
    )

    text(twilio, pat, reply)

    message = InboundMessage.objects.filter(from_number=pat.phone).latest("pk")
    assert message.body == reply
    assert handle_tasks(queued, message.pk) == [queue]


def test_a_routine_answer_raises_nothing_at_intake_and_is_routine_work(
    twilio: object, check_in: CheckIn, pat: Patient, queued: list
) -> None:
    with CaptureQueriesContext(connection) as webhook:
        text(twilio, pat, "1")

    message = InboundMessage.objects.get(from_number=pat.phone, body="1")
    assert not Flag.objects.filter(patient=pat).exists()
    assert not OutboundMessage.objects.filter(purpose__in=["page", "crisis"]).exists()
    assert handle_tasks(queued, message.pk) == [None]
    assert [name for name, _, _ in queued] == ["followup.handle_inbound"]
    # The webhook's whole cost in the database: the insert, and one read that rules item 9 out.
    assert [q["sql"].split()[0] for q in webhook.captured_queries] == ["INSERT", "SELECT"]


def test_crisis_language_from_an_unknown_number_is_handled_on_the_urgent_queue(
    twilio: object, check_in: CheckIn, queued: list
) -> None:
    for sid, body in (("SMstranger1", "hello is this the clinic"), ("SMstranger2", CRISIS)):
        params = {"MessageSid": sid, "From": "+13125559999", "To": "+13125550100", "Body": body}
        assert sign_and_post(Client(), "/twilio/sms/", params, twilio.auth_token).status_code == 200

    # Which clinic, and the crisis resources once a day, are the full handling's to judge
    # (``strangers``): it goes first in line; the greeting is routine work.
    routine, crisis = InboundMessage.objects.order_by("pk")
    assert handle_tasks(queued, routine.pk) == [None]
    assert handle_tasks(queued, crisis.pk) == ["pages"]

    drain(queued)

    flag = Flag.objects.get(sender="+13125559999")
    assert flag.reason == "crisis_language"
    assert OutboundMessage.objects.filter(flag=flag, purpose="page").exists()
