"""Variable validation proven with the real terraform binary (>= 1.11, as the roots require).

Variables need no provider, so each case copies one `variables.tf` alone into a temporary root and
runs `terraform plan -input=false -no-color` with values from var files: bad values must fail with
the intended message, good values must plan cleanly. Several bad variables share one run.
The environments' policies live in the platform module, whose inputs have the roots' variable
names: an environment's terraform.tfvars is planned against the root's variables.tf (declarations
only) and against the platform module's (every validation).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.harness import terraform_version

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
TERRAFORM = REPO / "terraform"
STRONG = "Str0ng!Passw0rd-x"
SECRET_NAME = re.compile(r"(password|token)$")
TAGS = {"project": "salla-analytics", "environment": "dev", "owner": "data", "cost_center": "cc-1"}
ENV_SECRETS = {
    "clickhouse_admin_password": STRONG,
    "qstash_token": "qstash-test-token",
    "clickhouse_app_user_password": STRONG,
    "clickhouse_cdc_user_password": STRONG,
}


@pytest.fixture(scope="module")
def terraform(terraform_bin: Path) -> Path:
    """terraform_bin, checked to be new enough for ephemeral variables and write-only attributes."""
    version = terraform_version(terraform_bin)
    assert version is not None and version >= (1, 11, 0), (
        f"the roots need Terraform >= 1.11; {terraform_bin} is {version}"
    )
    return terraform_bin


def plan_variables(
    terraform_bin: Path,
    tmp_path: Path,
    variables_tf: Path,
    values: dict[str, Any],
    *,
    var_files: tuple[Path, ...] = (),
    out: Path | None = None,
) -> tuple[int, str]:
    """Plan a root holding only `variables_tf`; return (exit code, whitespace-normalised output).

    Secret values travel as TF_VAR_ variables, as tfctl sends them: Terraform quotes the source
    line of a var file in its diagnostics, which would print them.
    """
    root = tmp_path / "root"
    root.mkdir(exist_ok=True)
    shutil.copy(variables_tf, root / "variables.tf")
    secrets = {k: v for k, v in values.items() if SECRET_NAME.search(k) and isinstance(v, str)}
    overrides = tmp_path / "values.tfvars.json"
    overrides.write_text(json.dumps({k: v for k, v in values.items() if k not in secrets}))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_VAR_", "TF_CLI_ARGS"))}
    env.update(
        TF_IN_AUTOMATION="1", TF_DATA_DIR=str(tmp_path / ".terraform"), CHECKPOINT_DISABLE="1"
    )
    env.update({f"TF_VAR_{name}": value for name, value in secrets.items()})
    argv = [str(terraform_bin), "plan", "-input=false", "-no-color", "-lock=false"]
    argv += [f"-var-file={path}" for path in (*var_files, overrides)]
    if out is not None:
        argv.append(f"-out={out}")
    proc = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, timeout=60)
    return proc.returncode, " ".join((proc.stdout + proc.stderr).split())


def assert_rejected(output: str, *messages: str) -> None:
    for message in messages:
        assert message in output, f"missing {message!r} in:\n{output}"


def assert_plans_cleanly(code: int, output: str) -> None:
    assert code == 0, output
    assert "No changes." in output


# --- data_warehouse ---

WAREHOUSE = TERRAFORM / "modules" / "data_warehouse" / "variables.tf"
WAREHOUSE_GOOD = {
    "service_name": "salla-analytics-dev",
    "admin_password": STRONG,
    "ip_allow_list": ["203.0.113.0/24", "198.51.100.7/32"],
    "backup_period_in_hours": 12,
    "backup_retention_period_in_hours": 168,
    "tags": TAGS,
}


def test_warehouse_accepts_good_values(terraform: Path, tmp_path: Path) -> None:
    values = {**WAREHOUSE_GOOD, "backup_start_time": "02:00"}
    assert_plans_cleanly(*plan_variables(terraform, tmp_path, WAREHOUSE, values))


def test_warehouse_rejects_each_bad_value_with_its_message(terraform: Path, tmp_path: Path) -> None:
    bad = {
        "service_name": "Salla_Analytics",
        "cloud_provider": "digitalocean",
        "ip_allow_list": ["203.0.113.0/24", "10.0.0.300/8"],
        "admin_password": "weakpass",
        "backup_period_in_hours": 7,
        "backup_retention_period_in_hours": 100,
        "backup_start_time": "02:30",
        "idle_timeout_minutes": 2,
        "admin_password_version": 1.5,
        "min_replica_memory_gb": 32,
        "tags": {"project": "p", "environment": "dev", "owner": "o"},
    }
    code, output = plan_variables(terraform, tmp_path, WAREHOUSE, bad)
    assert code == 1
    assert_rejected(
        output,
        "The service_name must be 3-50 characters of lowercase letters",
        "The cloud_provider must be one of aws, gcp or azure.",
        "Every ip_allow_list entry must be a CIDR range",
        "The admin_password must have at least 12 characters",
        "The backup_period_in_hours must be one of 6, 8, 12, 16, 20, 24, 36 or 48.",
        "The backup_retention_period_in_hours must be one of 24, 48, 72,",
        "The backup_start_time must be null or a whole UTC hour in HH:00 form",
        "The idle_timeout_minutes must be a whole number of at least 5.",
        "The admin_password_version must be a whole number of at least 1.",
        "The max_replica_memory_gb must not be less than min_replica_memory_gb.",
        "The tags must contain the keys project, environment, owner and cost_center.",
    )
    # min_replica_memory_gb is a good value: the cross-variable rule fails on max_replica_memory_gb.
    assert output.count("Error: Invalid value for variable") == len(bad)
    assert "weakpass" not in output


def test_module_inputs_take_their_defaults_for_null(terraform: Path, tmp_path: Path) -> None:
    """nullable = false: an explicit null is the default, not a crash inside a validation."""
    values = {
        **WAREHOUSE_GOOD,
        "ip_allow_list": None,
        "backup_period_in_hours": None,
        "admin_password_version": None,
        "idle_scaling": None,
    }
    assert_plans_cleanly(*plan_variables(terraform, tmp_path, WAREHOUSE, values))


@pytest.mark.parametrize(
    "password",
    ["Sh0rt!pass", "alllowercase1!", "ALLUPPERCASE1!", "NoDigitsHere!!", "NoSpecial1234abc"],
)
def test_warehouse_rejects_weak_passwords(terraform: Path, tmp_path: Path, password: str) -> None:
    code, output = plan_variables(
        terraform, tmp_path, WAREHOUSE, {**WAREHOUSE_GOOD, "admin_password": password}
    )
    assert code == 1
    assert_rejected(output, "The admin_password must have at least 12 characters")
    assert output.count("Error: Invalid value for variable") == 1
    assert password not in output


# --- serverless_cache, async_messaging, database_access ---

CACHE = TERRAFORM / "modules" / "serverless_cache" / "variables.tf"
MESSAGING = TERRAFORM / "modules" / "async_messaging" / "variables.tf"
ACCESS = TERRAFORM / "modules" / "database_access" / "variables.tf"


def test_cache_accepts_good_values(terraform: Path, tmp_path: Path) -> None:
    values = {
        "database_name": "salla-cache-dev",
        "read_regions": ["eu-west-1"],
        "ip_allow_list": ["203.0.113.0/24"],
        "budget": 50,
    }
    assert_plans_cleanly(*plan_variables(terraform, tmp_path, CACHE, values))


def test_cache_rejects_plaintext_bad_cidr_and_bad_names(terraform: Path, tmp_path: Path) -> None:
    bad = {
        "database_name": "Salla Cache",
        "primary_region": "virginia",
        "tls_enabled": False,
        "ip_allow_list": ["not-a-cidr"],
        "budget": 0,
    }
    code, output = plan_variables(terraform, tmp_path, CACHE, bad)
    assert code == 1
    assert_rejected(
        output,
        "The database_name must be 3-60 characters",
        "The primary_region must be an Upstash region name",
        "The tls_enabled must be true: TLS is mandatory for the cache.",
        "Every ip_allow_list entry must be a CIDR range",
        "The budget must be a whole, positive number of USD.",
    )


def test_messaging_accepts_good_topics(terraform: Path, tmp_path: Path) -> None:
    values = {
        "topics": {"cdc-dev": ["https://ingest.example.com/cdc"], "orders_v1.dlq": ["https://a.b"]},
        "qstash_token": "token",
    }
    assert_plans_cleanly(*plan_variables(terraform, tmp_path, MESSAGING, values))


def test_messaging_rejects_bad_topics_and_empty_token(terraform: Path, tmp_path: Path) -> None:
    bad = {
        "topics": {"CDC Dev": ["http://ingest.example.com/cdc"], "empty": []},
        "qstash_token": "  ",
    }
    code, output = plan_variables(terraform, tmp_path, MESSAGING, bad)
    assert code == 1
    assert_rejected(
        output,
        "Every topic name must use only lowercase letters, digits, hyphens, underscores and dots",
        "Every topic must have at least one subscriber URL.",
        "Every subscriber URL must start with https:// followed by a host.",
        "The qstash_token must not be empty",
    )


def test_messaging_rejects_an_empty_topic_map(terraform: Path, tmp_path: Path) -> None:
    code, output = plan_variables(
        terraform, tmp_path, MESSAGING, {"topics": {}, "qstash_token": "t"}
    )
    assert code == 1
    assert_rejected(output, "The topics map must name at least one topic.")


def test_database_access_validates_passwords_and_privileges(
    terraform: Path, tmp_path: Path
) -> None:
    good = {
        "app_user_password": STRONG,
        "cdc_user_password": STRONG,
        "cdc_user_password_version": 7,
    }
    assert_plans_cleanly(*plan_variables(terraform, tmp_path, ACCESS, good))
    bad = {
        "app_user_password": "password",
        "cdc_user_password": "Password1",
        "writer_privileges": ["ALL"],
        "database_name": "Analytics-DB",
        "app_user_password_version": 0,
        "cdc_user_password_version": 2**31,
    }
    code, output = plan_variables(terraform, tmp_path, ACCESS, bad)
    assert code == 1
    assert_rejected(
        output,
        "The app_user_password must have at least 12 characters",
        "The cdc_user_password must have at least 12 characters",
        "ALL cannot be granted on ClickHouse Cloud.",
        "The database_name must be a lowercase identifier",
        "The app_user_password_version must be a whole number from 1 to 2147483647.",
        "The cdc_user_password_version must be a whole number from 1 to 2147483647.",
    )


# --- environments ---


PLATFORM = TERRAFORM / "modules" / "platform" / "variables.tf"


def env_paths(name: str) -> tuple[Path, Path]:
    """The platform module's variables (the policy) and the environment's terraform.tfvars."""
    env = TERRAFORM / "environments" / name
    return PLATFORM, env / "terraform.tfvars"


def root_paths(name: str) -> tuple[Path, Path]:
    env = TERRAFORM / "environments" / name
    return env / "variables.tf", env / "terraform.tfvars"


@pytest.mark.parametrize("name", ["dev", "prod"])
@pytest.mark.parametrize("paths", [env_paths, root_paths], ids=["platform", "root"])
def test_environment_tfvars_pass_validation(
    terraform: Path, tmp_path: Path, name: str, paths: Any
) -> None:
    variables, tfvars = paths(name)
    result = plan_variables(terraform, tmp_path, variables, ENV_SECRETS, var_files=(tfvars,))
    assert_plans_cleanly(*result)


def test_each_environment_reads_only_its_own_allow_list(terraform: Path, tmp_path: Path) -> None:
    variables, tfvars = env_paths("dev")
    values = {**ENV_SECRETS, "production_allow_list": ["203.0.113.0/24"]}
    code, output = plan_variables(terraform, tmp_path, variables, values, var_files=(tfvars,))
    assert code == 1
    assert_rejected(output, "The production_allow_list must be left out in dev")
    variables, tfvars = env_paths("prod")
    values = {**ENV_SECRETS, "ip_allow_list": ["203.0.113.0/24"]}
    code, output = plan_variables(terraform, tmp_path, variables, values, var_files=(tfvars,))
    assert code == 1
    assert_rejected(output, "The ip_allow_list must be set in dev and left out in prod")


def test_prod_without_an_allow_list_is_refused(terraform: Path, tmp_path: Path) -> None:
    variables, tfvars = env_paths("prod")
    values = {**ENV_SECRETS, "production_allow_list": None}
    code, output = plan_variables(terraform, tmp_path, variables, values, var_files=(tfvars,))
    assert code == 1
    assert_rejected(output, "The production_allow_list must not be empty")


def test_environment_name_is_known_and_matches_its_tag(terraform: Path, tmp_path: Path) -> None:
    variables, tfvars = env_paths("dev")
    unknown: dict[str, Any] = {**ENV_SECRETS, "environment": "staging"}
    code, output = plan_variables(terraform, tmp_path, variables, unknown, var_files=(tfvars,))
    assert code == 1
    assert_rejected(output, "The environment must be dev or prod")
    mismatched: dict[str, Any] = {**ENV_SECRETS, "tags": {**TAGS, "environment": "prod"}}
    code, output = plan_variables(terraform, tmp_path, variables, mismatched, var_files=(tfvars,))
    assert code == 1
    assert_rejected(output, "The environment tag must equal the environment variable.")


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_root_defaults_are_the_platform_defaults(
    terraform: Path, tmp_path: Path, name: str
) -> None:
    """A root passes null for what tfvars leaves out; the platform module's default applies."""
    variables, tfvars = env_paths(name)
    values = {**ENV_SECRETS, "backup_period_in_hours": None, "cache_read_regions": None}
    values |= {f"{n}_version": None for n in ENV_SECRETS if n.endswith("password")}
    assert_plans_cleanly(
        *plan_variables(terraform, tmp_path, variables, values, var_files=(tfvars,))
    )


@pytest.mark.parametrize(
    ("allow_list", "message"),
    [
        ([], "The production_allow_list must not be empty"),
        (["203.0.113.0/24", "0.0.0.0/0"], "must not contain a /0 range"),
        (["10.1.0.0/0"], "must not contain a /0 range"),
        (["203.0.113.0/33"], "Every production_allow_list entry must be a CIDR range"),
    ],
)
def test_prod_rejects_an_empty_or_open_allow_list(
    terraform: Path, tmp_path: Path, allow_list: list[str], message: str
) -> None:
    variables, tfvars = env_paths("prod")
    values = {**ENV_SECRETS, "production_allow_list": allow_list}
    code, output = plan_variables(terraform, tmp_path, variables, values, var_files=(tfvars,))
    assert code == 1
    assert_rejected(output, message)


def test_prod_rejects_short_retention_and_missing_tags(terraform: Path, tmp_path: Path) -> None:
    variables, tfvars = env_paths("prod")
    values = {
        **ENV_SECRETS,
        "backup_retention_period_in_hours": 48,
        "tags": {"project": "p", "environment": "prod", "cost_center": "c"},
    }
    code, output = plan_variables(terraform, tmp_path, variables, values, var_files=(tfvars,))
    assert code == 1
    assert_rejected(
        output,
        "The prod backup_retention_period_in_hours must be one of 168, 336, 504, 672 or 720",
        "The tags must contain the keys project, environment, owner and cost_center.",
    )


def test_dev_rejects_long_retention_bad_cidr_and_blank_tag(terraform: Path, tmp_path: Path) -> None:
    """The backup period is the warehouse module's rule alone (test_warehouse_rejects_...)."""
    variables, tfvars = env_paths("dev")
    values = {
        **ENV_SECRETS,
        "backup_retention_period_in_hours": 168,
        "ip_allow_list": ["0.0.0.0/0", "192.168.1.1"],
        "tags": {"project": "p", "environment": "dev", "owner": "o", "cost_center": " "},
    }
    code, output = plan_variables(terraform, tmp_path, variables, values, var_files=(tfvars,))
    assert code == 1
    assert_rejected(
        output,
        "The dev backup_retention_period_in_hours must be 24 or 48",
        "Every ip_allow_list entry must be a CIDR range",
        "Every tag must have a non-empty value.",
    )


@pytest.mark.parametrize("name", ["dev", "prod"])
@pytest.mark.parametrize("paths", [env_paths, root_paths], ids=["platform", "root"])
def test_environment_secrets_have_no_defaults(
    terraform: Path, tmp_path: Path, name: str, paths: Any
) -> None:
    variables, tfvars = paths(name)
    code, output = plan_variables(terraform, tmp_path, variables, {}, var_files=(tfvars,))
    assert code == 1
    missing = set(re.findall(r'No value for required variable .*? variable "(\w+)"', output))
    assert missing == set(ENV_SECRETS)


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_saved_plan_holds_no_write_only_password(
    terraform: Path, tmp_path: Path, name: str
) -> None:
    """Ephemeral variables stay out of a saved plan; the passed-through qstash_token does not."""
    variables, tfvars = root_paths(name)
    secrets = {
        "clickhouse_admin_password": "Adm1n!only-in-memory",
        "clickhouse_app_user_password": "App!only-in-memory-2",
        "clickhouse_cdc_user_password": "Cdc!only-in-memory-3",
        "qstash_token": "qstash-kept-by-design",
    }
    plan = tmp_path / "saved.tfplan"
    code, output = plan_variables(
        terraform, tmp_path, variables, secrets, var_files=(tfvars,), out=plan
    )
    assert code == 0, output
    with zipfile.ZipFile(plan) as archive:
        content = b"".join(archive.read(member) for member in archive.namelist())
    for variable, value in secrets.items():
        assert (value.encode() in content) is (variable == "qstash_token"), variable


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_environment_configuration_loads(terraform: Path, tmp_path: Path, name: str) -> None:
    """`terraform get` + `terraform providers` load every module and constraint without providers.

    backend.tf is left out of the copy: an uninitialised s3 backend would stop `providers`.
    """
    tree = tmp_path / "terraform"
    shutil.copytree(TERRAFORM, tree, ignore=shutil.ignore_patterns(".terraform*", "backend.tf"))
    root = tree / "environments" / name
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_VAR_", "TF_CLI_ARGS"))}
    env.update(TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1")
    for command in (["get"], ["providers"]):
        proc = subprocess.run(
            [str(terraform), *command, "-no-color"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "module.platform" in proc.stdout
    for module in ("data_warehouse", "serverless_cache", "async_messaging", "database_access"):
        assert f"module.{module}" in proc.stdout
    assert "registry.terraform.io/clickhouse/clickhousedbops] >= 1.11.2, < 2.0.0" in proc.stdout


def test_terraform_older_than_1_11_is_refused(terraform_1_0_3: Path, tmp_path: Path) -> None:
    """Terraform 1.0.3 (the version-band lane) must reject the roots before touching providers."""
    old = terraform_1_0_3
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(TERRAFORM / "environments" / "dev" / "versions.tf", root / "versions.tf")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_VAR_", "TF_CLI_ARGS"))}
    env.update(TF_DATA_DIR=str(tmp_path / ".terraform"), CHECKPOINT_DISABLE="1")
    argv = [str(old), "init", "-backend=false", "-input=false", "-no-color"]
    proc = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "Unsupported Terraform Core version" in proc.stdout + proc.stderr
