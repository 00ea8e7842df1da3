"""The sample Prometheus configuration and its alerts (deploy/prometheus/) name only series that
``/metrics`` really exposes, with label values it really gives: an alert on a misspelt series
would never fire."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from followup.models import Clinic, SafetyDrill

FOLDER = Path(settings.BASE_DIR) / "deploy" / "prometheus"
TOKEN = "prometheus-scrapes-with-this-token"
# What an expression may name besides our series: PromQL's own words and Prometheus's ``up``.
PROMQL = {
    "up",
    "increase",
    "rate",
    "sum",
    "max",
    "min",
    "by",
    "without",
    "absent",
    "and",
    "or",
    "time",
}
_SELECTOR = re.compile(r"(?P<name>[A-Za-z_:][A-Za-z0-9_:]*)\s*(?:\{(?P<labels>[^}]*)\})?")
_MATCHER = re.compile(r'(?P<label>\w+)\s*=\s*"(?P<value>[^"]*)"')


def rules() -> list[dict]:
    document = yaml.safe_load((FOLDER / "alerts.yml").read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


@pytest.fixture
def exposed(clinic: Clinic, settings: object, tmp_path: Path) -> dict[str, list[dict[str, str]]]:
    """Every sample name ``/metrics`` gives, with the label sets it gives it with (a clinic that
    has run a safety drill, so the drill's series are there too)."""
    now = timezone.now()
    SafetyDrill.objects.create(
        clinic=clinic, started_at=now, finished_at=now, status=SafetyDrill.Status.FAILED
    )
    settings.METRICS_TOKEN = TOKEN
    settings.CELERY_BROKER_URL = "filesystem://localhost//"
    settings.BROKER_DIR = tmp_path
    (tmp_path / "queue").mkdir()
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    samples: dict[str, list[dict[str, str]]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample.labels)
    return samples


def test_every_alert_has_a_name_an_expression_a_severity_and_a_summary() -> None:
    names = [rule["alert"] for rule in rules()]

    assert len(names) == len(set(names))
    assert {
        "FollowupNoDispatcherTick",
        "FollowupPageFailed",
        "FollowupCriticalFlagUnacknowledged",
        "FollowupSafetyDrillFailed",
    } <= set(names)
    for rule in rules():
        assert isinstance(rule["expr"], str), rule["alert"]
        assert rule["expr"].strip(), rule["alert"]
        assert rule["labels"]["severity"] in {"page", "warning"}, rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]


def test_the_three_safety_alerts_watch_the_right_thresholds() -> None:
    by_name = {rule["alert"]: rule["expr"] for rule in rules()}

    assert by_name["FollowupNoDispatcherTick"] == "followup_seconds_since_last_tick > 120"
    assert by_name["FollowupCriticalFlagUnacknowledged"] == (
        "followup_oldest_open_critical_flag_age_seconds > 600"
    )
    assert 'followup_pages_total{outcome="failed"}' in by_name["FollowupPageFailed"]


def test_every_alert_names_only_series_and_labels_that_metrics_exposes(
    exposed: dict[str, list[dict[str, str]]],
) -> None:
    for rule in rules():
        # Durations ([10m]) and numbers are no names.
        expr = re.sub(r"\[[^\]]*\]", "", rule["expr"])
        named = False
        for match in _SELECTOR.finditer(expr):
            name = match["name"]
            if name in PROMQL:
                continue
            named = True
            assert name in exposed, f"{rule['alert']}: /metrics has no {name}"
            wanted = dict(_MATCHER.findall(match["labels"] or ""))
            assert any(wanted.items() <= labels.items() for labels in exposed[name]), (
                f"{rule['alert']}: /metrics has no {name} with {wanted}"
            )
        assert named or "up{" in expr, rule["alert"]


def test_the_sample_configuration_scrapes_metrics_with_a_bearer_token_and_loads_the_alerts() -> (
    None
):
    config = yaml.safe_load((FOLDER / "prometheus.yml").read_text())

    assert config["rule_files"] == ["alerts.yml"]
    (job,) = config["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    assert job["authorization"]["type"] == "Bearer"
    assert job["job_name"] == "followup"
    # The unreachable alert watches this job.
    assert any(f'job="{job["job_name"]}"' in rule["expr"] for rule in rules())


def test_promtool_accepts_the_alerts_where_it_is_installed() -> None:
    """promtool is not in CI's image; where it is, it has the last word on the rules' syntax.
    Everywhere, the file is a list of rule groups as Prometheus reads it."""
    document = yaml.safe_load((FOLDER / "alerts.yml").read_text())
    assert set(document) == {"groups"}
    assert all(set(group) == {"name", "rules"} for group in document["groups"])
    if promtool := shutil.which("promtool"):
        result = subprocess.run(
            [promtool, "check", "rules", str(FOLDER / "alerts.yml")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
