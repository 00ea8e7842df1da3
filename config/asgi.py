import os

from django.core.asgi import get_asgi_application

from followup.checks import refuse_to_start_when_misconfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()
refuse_to_start_when_misconfigured()
