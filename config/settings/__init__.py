"""Settings, read from the environment only (SPEC §5).

Defaults are the embedded ones a newcomer needs (SQLite under ``var/``, a file-system broker);
production sets ``DATABASE_URL``, ``REDIS_URL``, ``SECRET_KEY`` and an https ``PUBLIC_BASE_URL``.

Split by concern: ``base`` (files, secret, hosts, apps, database), ``broker`` (Celery, cache),
``messaging`` (SMS, email), ``api``, ``security`` (sign-in, headers, cookies), ``logs`` and
``metrics``; each reads its own variables and imports what it needs from ``base``.
"""

from config.settings.api import *  # noqa: F403
from config.settings.base import *  # noqa: F403
from config.settings.broker import *  # noqa: F403
from config.settings.logs import *  # noqa: F403
from config.settings.messaging import *  # noqa: F403
from config.settings.metrics import *  # noqa: F403
from config.settings.security import *  # noqa: F403
