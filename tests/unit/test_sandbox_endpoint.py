"""The sandbox's liveness check of its moto server: one HTTP request over a socket."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from tfctl.sandbox.endpoint import _answers


@contextmanager
def serving(status: int) -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status if self.path == "/moto-api/" else 404)
            self.end_headers()
            self.wfile.write(b"x" * 1000)  # more than the check reads

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_server_that_answers_its_api_page_is_up() -> None:
    with serving(200) as url:
        assert _answers(url)


def test_an_error_status_or_no_server_is_down() -> None:
    with serving(500) as url:
        assert not _answers(url)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free = sock.getsockname()[1]
    assert not _answers(f"http://127.0.0.1:{free}")


def test_a_server_that_is_not_http_is_down() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        def garbage() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.recv(1024)
                connection.sendall(b"SSH-2.0-OpenSSH\r\n")

        thread = threading.Thread(target=garbage, daemon=True)
        thread.start()
        assert not _answers(f"http://127.0.0.1:{port}")
        thread.join(timeout=5)
