"""Gunicorn's access log, masked like the application's logs (``followup.logs``): a request
line or a Referer can carry a check-in link's token (``/c/<token>``) or a phone number.

Used with ``gunicorn --logger-class config.gunicorn.MaskedLogger`` (Dockerfile, compose).
"""

from typing import Any

from gunicorn.glogging import Logger

from followup.logs import mask_text


class MaskedLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: mask_text(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }
