"""Gunicorn's access log masks check-in tokens and phone numbers in the request line, the path,
the query and the Referer, as the application's own logs do."""

import datetime as dt
from types import SimpleNamespace

from gunicorn.config import Config

from config.gunicorn import MaskedLogger


def test_the_access_log_line_carries_no_token_and_no_number() -> None:
    logger = MaskedLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/c/MTIz:1tQ0:secretPart?x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": "/c/MTIz:1tQ0:secretPart",
        "QUERY_STRING": "From=%2B13125550123",
        "HTTP_REFERER": "https://clinic.example/c/MTIz:1tQ0:secretPart",
        "REMOTE_ADDR": "10.0.0.2",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])

    atoms = logger.atoms(response, request, environ, dt.timedelta(milliseconds=5))

    line = " ".join(str(value) for value in atoms.values())
    assert "secretPart" not in line
    assert "3125550123" not in line
    assert atoms["U"] == "/c/[masked]"
    assert atoms["s"] == "200"
