"""The provider process Terraform launches: go-plugin handshake, mutual TLS, tfplugin5/6 over gRPC.

Terraform offers the plugin protocols it speaks in PLUGIN_PROTOCOL_VERSIONS (1.x: "5,6" in either
order); each provider answers with the one its real SDK speaks (the schema document's "protocol").
Terraform (go-plugin, AutoMTLS) sends its client certificate in PLUGIN_CLIENT_CERT and expects one
line on stdout, `1|6|tcp|127.0.0.1:PORT|grpc|<base64 DER server cert, no padding>`. grpcio cannot
verify Terraform's ECDSA P-521 client certificate, so TLS is terminated here with Python's ssl
(OpenSSL) and the bytes are relayed to an insecure gRPC server on a unix socket in a private
directory. Imports of grpc and protobuf happen inside `serve()` so the launcher stays light.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import signal
import socket
import ssl
import sys
import tempfile
import threading
from pathlib import Path

from tfctl.sandbox.tls import TLS_DIR, write_server_certificate

MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE"
MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
PROTOCOL_VERSION = "5"  # when a schema document names none
_PARENT_POLL_SECONDS = 0.5
_FIRST_TERRAFORM = {"5": "0.12", "6": "0.15.4"}


class HandshakeError(RuntimeError):
    """The process was not started by Terraform, or Terraform cannot speak its protocol."""


def check_handshake_environment(
    environ: dict[str, str] | os._Environ[str], protocol: str = PROTOCOL_VERSION
) -> None:
    """Refuse to run outside Terraform, and without `protocol` among the offered versions."""
    if environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        raise HandshakeError(
            "This binary is a Terraform provider plugin for the tfctl sandbox; "
            "it is started by terraform, not run directly."
        )
    # Absent only from go-plugin clients older than version negotiation; treated as offering 5.
    offered = [v.strip() for v in environ.get("PLUGIN_PROTOCOL_VERSIONS", "5").split(",")]
    if protocol not in offered:
        first = _FIRST_TERRAFORM.get(protocol, "1.0")
        raise HandshakeError(
            f"terraform offers plugin protocol versions {','.join(offered)}; this sandbox "
            f"provider speaks only {protocol} (use terraform {first} or later)"
        )


def provider_protocol(provider: str) -> str:
    """The plugin protocol the real provider speaks, from its schema document."""
    from tfctl.sandbox.emulator import SCHEMA_DIR

    document = json.loads((SCHEMA_DIR / f"{provider}.json").read_text())
    return str(document.get("protocol", PROTOCOL_VERSION))


def handshake_line(port: int, cert_der: bytes | None, protocol: str = PROTOCOL_VERSION) -> str:
    """go-plugin's handshake: core version 1, app protocol, TCP address, grpc, certificate."""
    line = f"1|{protocol}|tcp|127.0.0.1:{port}|grpc"
    if cert_der is not None:
        # go-plugin decodes with base64.RawStdEncoding: padding makes the handshake fail.
        line += "|" + base64.b64encode(cert_der).decode().rstrip("=")
    return line + "\n"


def server_certificate(sandbox_dir: Path | None) -> tuple[Path, Path, bool]:
    """Paths of the server certificate and key, made now unless the sandbox install cached them.

    The third item is True when the files are temporary and must be removed by the caller.
    """
    if sandbox_dir is not None:
        cert, key = sandbox_dir / TLS_DIR / "server.pem", sandbox_dir / TLS_DIR / "server.key"
        if cert.is_file() and key.is_file():
            return cert, key, False
    tmp = Path(tempfile.mkdtemp(prefix="tfctl-sandbox-tls-"))
    write_server_certificate(tmp)
    return tmp / "server.pem", tmp / "server.key", True


def tls_context(cert: Path, key: Path, client_cert_pem: str) -> ssl.SSLContext:
    """Server side of go-plugin's AutoMTLS: only Terraform's own client certificate is accepted."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(cadata=client_cert_pem)
    context.set_alpn_protocols(["h2"])
    return context


async def _relay(listener: socket.socket, context: ssl.SSLContext | None, target: str) -> None:
    loop = asyncio.get_running_loop()
    # A rejected client certificate is Terraform's business to report, not ours to print.
    loop.set_exception_handler(lambda _loop, _ctx: None)

    async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, ssl.SSLError, OSError):
            pass
        finally:
            writer.close()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_unix_connection(target)
        except OSError:
            writer.close()
            return
        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))

    server = await asyncio.start_server(handle, sock=listener, ssl=context)
    async with server:
        await server.serve_forever()


def serve(provider: str, sandbox_dir: str | None = None) -> None:
    """Entry point of a provider launcher: serve one provider until Terraform shuts it down."""
    try:
        protocol = provider_protocol(provider)
        check_handshake_environment(os.environ, protocol)
    except HandshakeError as err:
        sys.stderr.write(f"{err}\n")
        raise SystemExit(1) from None
    # Terraform stops providers with the Stop RPC and Shutdown; Ctrl-C is its to handle.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    base = Path(sandbox_dir) if sandbox_dir else None
    private_dir = Path(tempfile.mkdtemp(prefix="tfctl-provider-"))  # mkdtemp makes it 0700
    cleanup: list[Path] = [private_dir]
    try:
        _serve(provider, protocol, base, private_dir, cleanup)
    finally:
        for path in cleanup:
            shutil.rmtree(path, ignore_errors=True)
    os._exit(0)  # grpc's worker threads would otherwise delay the exit Terraform waits for


def _serve(
    provider: str, protocol: str, base: Path | None, private_dir: Path, cleanup: list[Path]
) -> None:
    from tfctl.sandbox.cloud import Cloud
    from tfctl.sandbox.emulator import ProviderEmulator, load_schema_document
    from tfctl.sandbox.grpc_service import build_server

    cloud = Cloud.in_dir(base if base is not None else private_dir)
    emulator = ProviderEmulator(provider, load_schema_document(provider), cloud, os.environ)
    shutdown = threading.Event()
    socket_path = str(private_dir / "grpc.sock")
    server = build_server(emulator, f"unix:{socket_path}", shutdown.set)
    server.start()

    client_cert = os.environ.get("PLUGIN_CLIENT_CERT")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    cert_der = None
    context = None
    if client_cert:
        cert_path, key_path, temporary = server_certificate(base)
        if temporary:
            cleanup.append(cert_path.parent)
        context = tls_context(cert_path, key_path, client_cert)
        cert_der = ssl.PEM_cert_to_DER_cert(cert_path.read_text())
    relay = threading.Thread(
        target=asyncio.run, args=(_relay(listener, context, socket_path),), daemon=True
    )
    relay.start()

    out = os.fdopen(os.dup(1), "w")
    out.write(handshake_line(port, cert_der, protocol))
    out.flush()
    out.close()
    # Nothing else may reach Terraform's handshake pipe.
    os.dup2(2, 1)
    parent = os.getppid()
    while not shutdown.wait(_PARENT_POLL_SECONDS):
        if os.getppid() != parent:  # terraform died without Shutdown
            break
    server.stop(grace=0.5).wait(1)
