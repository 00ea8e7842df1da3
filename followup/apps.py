from django.apps import AppConfig
from django.core.signals import setting_changed

from followup import checks  # noqa: F401 - registers the system checks
from followup.messaging.transports import get_transport


def _reset_transport(setting: str, **kwargs: object) -> None:
    """A test that changes the SMS settings gets a transport built from them."""
    if setting.startswith(("SMS_BACKEND", "TWILIO_")):
        get_transport.cache_clear()


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = "Follow-up"

    def ready(self) -> None:
        setting_changed.connect(_reset_transport, weak=False)
