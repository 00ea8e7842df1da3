"""`seed_demo`: the demo clinic that `make run` shows."""

import io

from django.core.management import call_command

from followup.models import CheckIn, Clinician, Flag, Response


def test_seed_demo_fills_a_demo_clinic_once(db: None) -> None:
    out = io.StringIO()

    call_command("seed_demo", stdout=out)
    counts = (CheckIn.objects.count(), Response.objects.count(), Flag.objects.count())
    call_command("seed_demo", stdout=io.StringIO())

    assert (CheckIn.objects.count(), Response.objects.count(), Flag.objects.count()) == counts
    assert Response.objects.filter(complete=True).count() >= 20
    assert Flag.objects.filter(reason="suicidal_ideation", priority="critical").exists()
    assert "Demo login: demo / demo" in out.getvalue()
    assert "/api/v1/docs/" in out.getvalue()
    demo = Clinician.objects.get(username="demo")
    assert demo.check_password("demo")
    assert demo.is_clinic_admin
