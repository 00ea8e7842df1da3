from django.apps import AppConfig

from followup import checks  # noqa: F401 - registers the system checks


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = "Follow-up"

    def ready(self) -> None:
        from django.core.signals import setting_changed

        from followup.messaging.transports import get_transport

        def _reset_transport(setting: str, **kwargs: object) -> None:
            if setting.startswith(("SMS_BACKEND", "TWILIO_")):
                get_transport.cache_clear()

        setting_changed.connect(_reset_transport, weak=False)

        from followup import paging, safety

        safety.register(paging.on_fired)
