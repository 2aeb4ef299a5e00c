"""Many environments at once: `tfctl plan --all` over two environments against `tfctl plan ENV`
for each alone, on the `basic` fixture root (null provider, moto S3/DynamoDB on loopback).

Target: planning both takes at most 1.25x the time of the slower one alone.

    python bench/multi_env.py       (BENCH_RUNS=7 by default)
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from _common import describe, runs_from_env, time_command

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.harness import FIXTURES, find_terraform_binary, start_moto, write_null_mirror  # noqa: E402


def main() -> None:
    runs = runs_from_env(7)
    moto = start_moto()
    work = Path(tempfile.mkdtemp(prefix="tfctl-bench-multi-"))
    try:
        import boto3

        root = work / "basic"
        shutil.copytree(FIXTURES / "roots" / "basic", root)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_", "TFCTL_"))}
        env.update(
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",
            AWS_DEFAULT_REGION="us-east-1",
            AWS_ENDPOINT_URL=moto.endpoint,
            TF_CLI_CONFIG_FILE=str(write_null_mirror(work)),
            TFCTL_TERRAFORM_BIN=str(find_terraform_binary()),
            TFCTL_STATE_BUCKET="bench-state",
            TFCTL_LOCK_TABLE="bench-locks",
            TFCTL_PLUGIN_CACHE_DIR=str(work / "plugins"),
            XDG_CACHE_HOME=str(work / "cache"),
            TFCTL_ROOT=str(root),
        )
        session = boto3.Session(
            aws_access_key_id="bench", aws_secret_access_key="bench", region_name="us-east-1"
        )
        session.client("s3", endpoint_url=moto.endpoint).create_bucket(Bucket="bench-state")
        session.client("dynamodb", endpoint_url=moto.endpoint).create_table(
            TableName="bench-locks",
            KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        tfctl = [sys.executable, "-m", "tfctl"]
        for name in ("dev", "prod"):
            time_command([*tfctl, "init", name], runs=1, warmup=0, cwd=root, env=env)
        dev = time_command([*tfctl, "plan", "dev"], runs=runs, cwd=root, env=env)
        prod = time_command([*tfctl, "plan", "prod"], runs=runs, cwd=root, env=env)
        both = time_command([*tfctl, "plan", "--all"], runs=runs, cwd=root, env=env)
        serial = time_command(
            [*tfctl, "plan", "--all", "--parallel", "1"], runs=runs, cwd=root, env=env
        )
        print(describe("tfctl plan dev", dev))
        print(describe("tfctl plan prod", prod))
        print(describe("tfctl plan --all (2 envs, parallel)", both))
        print(describe("tfctl plan --all --parallel 1", serial))
        slower = max(statistics.median(dev), statistics.median(prod))
        ratio = statistics.median(both) / slower
        print(f"plan --all / slower single plan: {ratio:.2f}x (target <= 1.25x)")
        print(f"cores: {os.cpu_count()}")
    finally:
        moto.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
