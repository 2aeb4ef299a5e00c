"""Wrapper overhead on a small root: `tfctl plan dev` against `terraform plan` on the same
initialized fixture root (null provider, moto S3/DynamoDB backend on loopback).

    python bench/plan.py            (BENCH_RUNS=15 by default)
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from _common import describe, precompile, runs_from_env, time_command, time_interleaved

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.harness import FIXTURES, find_terraform_binary, start_moto, write_null_mirror  # noqa: E402


def main() -> None:
    runs = runs_from_env(15)
    tfctl = shutil.which("tfctl")
    if tfctl is None:
        raise SystemExit("tfctl is not installed in this environment (pip install -e .)")
    precompile()
    moto = start_moto()
    work = Path(tempfile.mkdtemp(prefix="tfctl-bench-"))
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
        time_command([tfctl, "apply", "dev", "--auto-approve"], runs=1, warmup=0, cwd=root, env=env)
        workdir = root / "terraform" / "environments" / "dev"
        tf_env = dict(env, TF_IN_AUTOMATION="1", TF_INPUT="0")
        argv = [env["TFCTL_TERRAFORM_BIN"], "plan", "-input=false", "-no-color", "-lock-timeout=2m"]
        time_command(argv, runs=2, warmup=0, cwd=workdir, env=tf_env)  # warm caches
        plain, wrapped = time_interleaved(
            [(argv, workdir, tf_env), ([tfctl, "plan", "dev"], root, env)], runs=runs
        )
        print(describe("terraform plan (no changes)", plain))
        print(describe("tfctl plan dev (no changes)", wrapped))
        ratio = statistics.median(wrapped) / statistics.median(plain)
        print(f"tfctl plan / terraform plan: {ratio:.2f}x (target <= 1.10x)")
    finally:
        moto.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
