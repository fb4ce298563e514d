"""The HTTPS path of our own network backend, against a real TLS server on loopback (trustme's test CA)."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import trustme

from auditor.http import FetchError, HttpClient, HttpSettings


class _Hello(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = f"hello {self.headers.get('Host')}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def tls_server(ca: trustme.CA) -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


async def test_https_with_a_trusted_ca(ca: trustme.CA, tls_server: int, tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    async with HttpClient(HttpSettings(ca_file=str(bundle), max_retries=0)) as http:
        response = await http.get(f"https://localhost:{tls_server}/", cache=False)
        again = await http.get(f"https://localhost:{tls_server}/again", cache=False)  # kept-alive TLS
    assert response.status == 200 and response.text == f"hello localhost:{tls_server}"
    assert again.status == 200


async def test_https_with_an_untrusted_certificate_is_refused(tls_server: int) -> None:
    async with HttpClient(HttpSettings(max_retries=0)) as http:
        with pytest.raises(FetchError) as info:
            await http.get(f"https://localhost:{tls_server}/", cache=False)
    assert info.value.reason == "connect_error"
    assert "CERTIFICATE_VERIFY_FAILED" in info.value.detail
