"""The HTTP side of the fake: a threading server on loopback whose handler reads a request,
lets the fake decide, and writes the JSON answer on a keep-alive connection."""

import contextlib
import json
import socket
import sys
import threading
import uuid
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from testkit.twilio_server.server import FakeTwilio

MAX_REQUEST_BYTES = 1 << 20


class Handler(BaseHTTPRequestHandler):
    """Reads one HTTP request, lets the fake decide, writes the JSON answer (keep-alive)."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # Headers and body go out in separate writes.
    server_version = "FakeTwilio/1.0"
    sys_version = ""
    server: "Server"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: benchmarks send thousands of requests."""

    def _serve(self) -> None:
        """Answer any method; the fake routes on method and path."""
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BYTES:
            self.send_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        reply = self.server.fake.dispatch(
            self.command, self.path, self.headers.get("Authorization"), body
        )
        if reply is None:  # The fake is stopping: drop the connection unanswered.
            self.close_connection = True
            return
        data = json.dumps(reply.payload).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Twilio-Request-Id", "RQ" + uuid.uuid4().hex)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


class Server(ThreadingHTTPServer):
    """A threading HTTP server that can cut its open keep-alive connections on stop."""

    daemon_threads = True
    block_on_close = True
    request_queue_size = 128

    def __init__(self, fake: "FakeTwilio") -> None:
        self.fake = fake
        self.connections_accepted = 0
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), Handler)

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse DNS lookup of the host."""
        TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def process_request(self, request: Any, client_address: Any) -> None:
        """Remember the connection so stop() can end it, then serve it in a thread."""
        with self._open_lock:
            self._open.add(request)
            self.connections_accepted += 1
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        """Forget a connection once its handler is done with it."""
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Shut every open connection so handlers blocked on idle keep-alive sockets return."""
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that went away (timeouts, stop); report anything else."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)
