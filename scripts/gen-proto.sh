#!/usr/bin/env bash
# Regenerate the sandbox's protocol 5/6 Python modules from tfctl/sandbox/proto/*.proto.
# Needs grpcio-tools in the venv (pip install grpcio-tools); the generated files are committed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python="${PYTHON:-.venv/bin/python}"
for proto in tfctl/sandbox/proto/tfplugin5.proto tfctl/sandbox/proto/tfplugin6.proto; do
  # Paths relative to the repository root make the generated _grpc modules import
  # tfctl.sandbox.proto.tfpluginN_pb2 rather than a top-level tfpluginN_pb2.
  "$python" -m grpc_tools.protoc -I . --python_out=. --grpc_python_out=. "$proto"
done
