"""The fake Twilio server's own tests: a real ``twilio`` client pointed at it, a webhook receiver
on loopback, and a raw POST to see exact answers."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import requests
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from testkit.twilio_server import FakeTwilio

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-token"
SENDER = "+15005550006"
PATIENT = "+13125550123"


def make_client(
    twilio: FakeTwilio, token: str = AUTH_TOKEN, timeout: float | None = None
) -> Client:
    """A real twilio Client pointed at the fake."""
    client = Client(ACCOUNT_SID, token, http_client=TwilioHttpClient(timeout=timeout))
    client.api.base_url = twilio.base_url
    return client


class Receiver:
    """A tiny webhook endpoint on loopback that records what is posted to it."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, str], dict[str, str]]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                url = f"http://127.0.0.1:{self.server.server_port}{self.path}"
                receiver.posts.append((url, dict(parse_qsl(body)), dict(self.headers)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}
        )

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def raw_post(twilio: FakeTwilio, path: str, body: str, auth: tuple[str, str]) -> tuple[int, dict]:
    """POST without the twilio client, to see the exact status and JSON."""
    response = requests.post(twilio.base_url + path, data=body, auth=auth, timeout=5)
    return response.status_code, response.json()


MESSAGES_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
