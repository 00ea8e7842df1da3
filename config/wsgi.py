import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from followup.checks import refuse_to_start_when_misconfigured
from followup.clinical.crisis_language import semantic

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# With DEBUG off: no http PUBLIC_BASE_URL, weak SECRET_KEY or console SMS backend.
refuse_to_start_when_misconfigured()

# Load the URL configuration now, then move everything loaded so far out of the garbage
# collector's reach: a full collection over it cost the dashboard ~60 ms on one request in ten
# (bench/dashboard_render.py). Forked gunicorn workers share these pages, too.
get_resolver().url_patterns  # noqa: B018 - imported for its side effect
# The crisis reader too, so no crisis text waits for it to load (intake reads every free text).
semantic.warm()
gc.freeze()
