"""No secret leaves tfctl: real Terraform 1.0.3, the null provider, a moto backend.

Secret inputs come from the environment, sensitive outputs are a string, a map and a connection
string whose password holds `@:/%`; a provisioner prints the secrets in clear, base64 and URL
forms. Every stream, the log file and every file left behind are searched for each secret in each
form: zero hits. `--reveal` still shows a value to the user who asks.
"""

from __future__ import annotations

import base64
import json
import secrets as random_secrets
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.conftest import FixtureProject, MotoServer, make_fixture_project

pytestmark = pytest.mark.integration

ENV_DIR = Path("terraform") / "environments" / "dev"


def encodings(secret: str) -> dict[str, str]:
    return {
        "raw": secret,
        "url": urllib.parse.quote(secret, safe=""),
        "url_plus": urllib.parse.quote_plus(secret),
        "json": json.dumps(secret)[1:-1],
        # Go's encoding/json, which terraform uses, also escapes <, > and &
        "json_go": json.dumps(secret)[1:-1].replace("&", "\\u0026").replace("<", "\\u003c"),
        "base64": base64.b64encode(secret.encode()).decode(),
    }


class Secrets:
    def __init__(self) -> None:
        # URL-special characters, a space and a plus: every encoding differs from the raw value
        self.db_password = f"Pw@:/%{random_secrets.token_hex(4)}+ &x"
        self.api_token = f"tok_{random_secrets.token_urlsafe(18)}"

    @property
    def values(self) -> dict[str, str]:
        return {"db_password": self.db_password, "api_token": self.api_token}

    def needles(self) -> dict[str, bytes]:
        return {
            f"{name}/{kind}": form.encode()
            for name, value in self.values.items()
            for kind, form in encodings(value).items()
        }


def leaks(text: str | bytes, needles: dict[str, bytes]) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    return [label for label, needle in needles.items() if needle in data]


@pytest.fixture
def project(
    tmp_path: Path, moto_server: MotoServer, terraform_bin: Path, terraform_cli_config: Path
) -> tuple[FixtureProject, Secrets]:
    secrets = Secrets()
    fixture = make_fixture_project(
        "secrets",
        tmp_path,
        moto=moto_server,
        terraform_bin=terraform_bin,
        cli_config=terraform_cli_config,
    )
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    fixture.env.update(
        {
            "TF_VAR_db_password": secrets.db_password,
            "API_TOKEN": secrets.api_token,  # the upper-case fallback for TF_VAR_api_token
            "TMPDIR": str(scratch),
            "TFCTL_LOG_FILE": str(tmp_path / "tfctl.log"),
        }
    )
    return fixture, secrets


def test_no_secret_in_any_output_log_or_file(
    project: tuple[FixtureProject, Secrets], tmp_path: Path
) -> None:
    p, secrets = project
    needles = secrets.needles()
    runs: dict[str, subprocess.CompletedProcess[str]] = {}

    def run(label: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        if env:
            result = subprocess.run(
                [sys.executable, "-m", "tfctl", *args],
                cwd=p.root,
                env=p.env | env,
                capture_output=True,
                text=True,
                timeout=180,
                check=False,
            )
        else:
            result = p.tfctl(*args, timeout=180)
        runs[label] = result
        assert result.returncode in (0, 2), f"{label}: {result.stderr}"
        return result

    run("init", "init", "dev")
    run("plan", "plan", "dev")
    json.loads(run("plan --json", "plan", "dev", "--json").stdout)
    apply = run("apply", "apply", "dev", "--auto-approve")
    outputs = json.loads(run("output --json", "output", "dev", "--json").stdout)
    table = run("output", "output", "dev")
    run("output NAME", "output", "dev", "password")
    run("output NAME --json", "output", "dev", "credentials", "--json")
    # terraform's own TRACE log goes through the masker too
    run("plan --debug TF_LOG=TRACE", "--debug", "plan", "dev", TF_LOG="TRACE")
    actions = run("output --json in Actions", "output", "dev", "--json", GITHUB_ACTIONS="true")

    # the provisioner really printed the secrets, and they arrived masked
    assert "token=***" in apply.stdout + apply.stderr
    assert "url=***" in apply.stdout + apply.stderr
    assert outputs["password"] == {"sensitive": True, "type": "string", "value": None} or (
        outputs["password"]["sensitive"] is True and outputs["password"]["value"] in (None, "***")
    )
    assert "(sensitive)" in table.stdout

    # under GitHub Actions the add-mask commands go to stderr; stdout stays one JSON document
    assert json.loads(actions.stdout)["connection_string"]["sensitive"] is True
    add_mask = [line for line in actions.stderr.splitlines() if line.startswith("::add-mask::")]
    assert any(secrets.api_token in line for line in add_mask)
    actions.stderr = "\n".join(
        line for line in actions.stderr.splitlines() if not line.startswith("::add-mask::")
    )

    found = {}
    for label, result in runs.items():
        for stream, text in (("stdout", result.stdout), ("stderr", result.stderr)):
            hits = leaks(text, needles)
            if hits:
                found[f"{label} {stream}"] = hits
    log_file = tmp_path / "tfctl.log"
    assert log_file.is_file() and log_file.stat().st_size > 0
    # every file under the test's directory: project tree, .terraform, plugin cache, TMPDIR, log
    files = [path for path in tmp_path.rglob("*") if path.is_file() and not path.is_symlink()]
    assert len(files) > 3
    for path in files:
        hits = leaks(path.read_bytes(), needles)
        if hits:
            found[str(path.relative_to(tmp_path))] = hits
    assert found == {}
    assert list((tmp_path / "tmp").iterdir()) == []  # nothing left in the temp dir either

    # positive controls: the search does find these values where they legitimately are
    trace = runs["plan --debug TF_LOG=TRACE"].stderr
    assert "[TRACE]" in trace or "[DEBUG]" in trace
    state = p.client("s3").get_object(Bucket=p.bucket, Key="env/dev/terraform.tfstate")
    assert {"db_password/json_go", "api_token/raw"} <= set(leaks(state["Body"].read(), needles))


def test_reveal_shows_the_value_asked_for(project: tuple[FixtureProject, Secrets]) -> None:
    p, secrets = project
    assert p.tfctl("apply", "dev", "--auto-approve", timeout=180).returncode == 0
    shown = p.tfctl("output", "dev", "connection_string", "--reveal")
    assert shown.returncode == 0, shown.stderr
    password = urllib.parse.quote_plus(secrets.db_password)
    assert shown.stdout.strip() == f"postgres://app:{password}@db.internal:5432/app"
    plain = p.tfctl("output", "dev", "password", "--reveal")
    assert plain.stdout.strip() == secrets.db_password


def test_missing_secret_inputs_are_listed_before_terraform_runs(
    project: tuple[FixtureProject, Secrets],
) -> None:
    p, _ = project
    env = {k: v for k, v in p.env.items() if k not in ("TF_VAR_db_password", "API_TOKEN")}
    result = subprocess.run(
        [sys.executable, "-m", "tfctl", "plan", "dev"],
        cwd=p.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "missing credentials" in line]
    assert len(errors) == 1
    assert "TF_VAR_db_password (or DB_PASSWORD)" in errors[0]
    assert "TF_VAR_api_token (or API_TOKEN)" in errors[0]
    assert "Traceback" not in result.stderr
    assert not (p.root / ENV_DIR / ".terraform").exists()  # terraform never ran, not even init


def _descendants(root_pid: int) -> dict[int, list[str]]:
    """argv of every live descendant of root_pid, read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: dict[int, list[str]] = {}
    for pid in parents:
        ancestor = pid
        while ancestor in parents and ancestor != root_pid and ancestor > 1:
            ancestor = parents[ancestor]
        if ancestor == root_pid and pid != root_pid:
            try:
                raw = (Path("/proc") / str(pid) / "cmdline").read_bytes()
            except OSError:
                continue
            found[pid] = [part.decode(errors="replace") for part in raw.split(b"\0") if part]
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
def test_no_secret_in_any_argv_while_terraform_runs(
    project: tuple[FixtureProject, Secrets],
) -> None:
    p, secrets = project
    needles = secrets.needles()
    assert p.tfctl("init", "dev").returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "tfctl", "apply", "dev", "--auto-approve"],
        cwd=p.root,
        env=p.env | {"TF_VAR_sleep_seconds": "3"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: dict[int, list[str]] = {}
    try:
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            seen.update(_descendants(proc.pid))
            time.sleep(0.05)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    commands = [" ".join(argv) for argv in seen.values()]
    assert any("terraform" in c and " apply" in c for c in commands), commands
    assert any("sleep" in c for c in commands), commands  # seen while the provisioner ran
    assert [c for c in commands if leaks(c, needles)] == []
    assert leaks(out + err, needles) == []
