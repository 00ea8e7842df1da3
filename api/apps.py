from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # The schema's authentication extensions register themselves on import, which needs the
        # app registry ready: Django's place for that is ready().
        from api import schema  # noqa: F401, PLC0415
