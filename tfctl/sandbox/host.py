"""One long-lived process serving every emulated provider, for TF_REATTACH_PROVIDERS.

A launch from the filesystem mirror costs a Python start-up per provider per terraform command;
with the providers already running, Terraform attaches to their unix sockets instead ("unmanaged"
providers, plain gRPC, no TLS: the sockets live in a 0700 directory). `Test: true` tells
go-plugin the process outlives each terraform run; `ProtocolVersion` is the plugin protocol the
real provider speaks (6 for the framework providers, 5 for the SDKv2 one).

Run as `python -m tfctl.sandbox.host SANDBOX_DIR`; it writes `providers.json` (the value of
TF_REATTACH_PROVIDERS) into SANDBOX_DIR and serves until SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

REATTACH_FILE = "providers.json"


def start_host(sandbox_dir: Path, environ: dict[str, str] | None = None) -> tuple[str, list[Any]]:
    """Start a gRPC server per provider in this process; return (TF_REATTACH_PROVIDERS, servers)."""
    from tfctl.sandbox.cloud import Cloud
    from tfctl.sandbox.emulator import ProviderEmulator, load_schema_document
    from tfctl.sandbox.grpc_service import build_server
    from tfctl.sandbox.install import FAKE_CREDENTIALS, emulated_providers

    env = {**FAKE_CREDENTIALS, **(environ if environ is not None else dict(os.environ))}
    # Unix socket paths are limited to ~108 bytes, so they live in a short private temp dir.
    socket_dir = Path(tempfile.mkdtemp(prefix="tfctl-sbx-"))
    cloud = Cloud.in_dir(sandbox_dir)
    reattach: dict[str, Any] = {}
    servers = []
    for provider in emulated_providers():
        emulator = ProviderEmulator(provider.name, load_schema_document(provider.name), cloud, env)
        path = socket_dir / f"{provider.name}.sock"
        server = build_server(emulator, f"unix:{path}", lambda: None)
        server.start()
        servers.append(server)
        reattach[provider.address] = {
            "Protocol": "grpc",
            "ProtocolVersion": emulator.protocol,
            "Pid": os.getpid(),
            "Test": True,
            "Addr": {"Network": "unix", "String": str(path)},
        }
    return json.dumps(reattach, sort_keys=True), servers


def main(argv: list[str] | None = None) -> None:
    """Serve every provider until SIGTERM; write the reattach document for clients to read."""
    args = sys.argv[1:] if argv is None else argv
    sandbox_dir = Path(args[0])
    reattach, servers = start_host(sandbox_dir)
    target = sandbox_dir / REATTACH_FILE
    tmp = target.with_suffix(".tmp")
    tmp.write_text(reattach)
    os.replace(tmp, target)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    for server in servers:
        server.stop(grace=0.5)
    for address in json.loads(reattach).values():
        socket_path = Path(address["Addr"]["String"])
        socket_path.unlink(missing_ok=True)
        if not any(socket_path.parent.iterdir()):
            socket_path.parent.rmdir()
    target.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
