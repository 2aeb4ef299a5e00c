"""Contracts of the handwritten Terraform, read with python-hcl2 (no terraform process).

Module structure, typed and described variables, described outputs, sensitive flags on secrets, no
provider blocks in modules, an empty s3 backend, version pins, credential sources, the tagging and
network policies, module calls that match module inputs, READMEs listing every input and output,
and thin environment roots: identical but for terraform.tfvars, one platform call, no logic.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import hcl2
import pytest

REPO = Path(__file__).resolve().parents[2]
TERRAFORM = REPO / "terraform"
MODULES = sorted(p for p in (TERRAFORM / "modules").iterdir() if p.is_dir())
PLATFORM = TERRAFORM / "modules" / "platform"
ENVIRONMENTS = sorted(p for p in (TERRAFORM / "environments").iterdir() if p.is_dir())
MODULE_FILES = {"main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"}
ENV_FILES = {
    "versions.tf",
    "providers.tf",
    "backend.tf",
    "main.tf",
    "variables.tf",
    "outputs.tf",
    "moved.tf",
    "terraform.tfvars",
}
# The one file in which the two roots may differ: everything else is shared boilerplate.
ENV_DATA_FILE = "terraform.tfvars"
# All a root may compute: a variable or a platform output passed through (the whole reference).
PASS_THROUGH = re.compile(r"\$\{(var\.\w+|module\.platform\.\w+)\}")
# moved.tf, the one exception: where the four modules' state stood before the platform module.
MOVED = re.compile(r"\$\{module\.(platform\.module\.)?(\w+)\}")
PARSER_KEYS = {"__is_block__", "__comments__", "__inline_comments__"}
SECRET_NAME = re.compile(r"password|token|secret|api_key|connection_string|redis_url")
VERSION_NAME = re.compile(r"_version$")  # a write-only value's version is a plain number
REQUIRED_TAG_KEYS = {"project", "environment", "owner", "cost_center"}
VARIABLE_KEY_ORDER = [
    "type",
    "description",
    "default",
    "nullable",
    "sensitive",
    "ephemeral",
    "validation",
]
SECRET_INPUTS = {
    "clickhouse_admin_password",
    "qstash_token",
    "clickhouse_app_user_password",
    "clickhouse_cdc_user_password",
}
# Supplied passwords that reach providers only through write-only arguments: ephemeral inputs.
WRITE_ONLY_INPUTS = SECRET_INPUTS - {"qstash_token"}
TERRAFORM_VERSION = ">= 1.11.0, < 2.0.0"


def unquote(text: Any) -> Any:
    if isinstance(text, str) and len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    return text


def deep_unquote(value: Any) -> Any:
    """python-hcl2 keeps string quotes; strip them from keys and values, recursively."""
    if isinstance(value, dict):
        return {unquote(k): deep_unquote(v) for k, v in value.items()}
    if isinstance(value, list):
        return [deep_unquote(v) for v in value]
    return unquote(value)


@functools.cache
def _parse_cached(path: str) -> str:
    with open(path) as handle:
        return json.dumps(hcl2.load(handle))


def parse(path: Path) -> dict[str, Any]:
    """Parsed HCL of one file (a fresh copy; the parse itself is cached, as lark is slow)."""
    return dict(json.loads(_parse_cached(str(path))))


def parse_dir(directory: Path) -> dict[str, list[Any]]:
    merged: dict[str, list[Any]] = {}
    for path in sorted(directory.glob("*.tf")):
        for key, value in parse(path).items():
            if key not in PARSER_KEYS:
                merged.setdefault(key, []).extend(value)
    return merged


def named_blocks(directory: Path, kind: str) -> dict[str, dict[str, Any]]:
    """`variable`/`output`/`module` blocks of a directory, by unquoted name."""
    return {
        unquote(name): {k: v for k, v in body.items() if k not in PARSER_KEYS}
        for block in parse_dir(directory).get(kind, [])
        for name, body in block.items()
    }


def tfvars(env: Path) -> dict[str, Any]:
    parsed = parse(env / "terraform.tfvars")
    return {k: deep_unquote(v) for k, v in parsed.items() if k not in PARSER_KEYS}


def readme_names(readme: Path, heading: str) -> set[str]:
    """Names in the first column of the table under `## <heading>`."""
    section = re.search(rf"^## {heading}\n(.*?)(?=^## |\Z)", readme.read_text(), re.M | re.S)
    assert section, f"{readme}: no '## {heading}' section"
    return set(re.findall(r"^\| `(\w+)` \|", section.group(1), re.M))


def ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def test_there_are_four_modules_their_composition_and_two_environments() -> None:
    assert ids(MODULES) == [
        "async_messaging",
        "data_warehouse",
        "database_access",
        "platform",
        "serverless_cache",
    ]
    assert ids(ENVIRONMENTS) == ["dev", "prod"]


@pytest.mark.parametrize("module", MODULES, ids=ids(MODULES))
def test_module_has_the_five_standard_files(module: Path) -> None:
    assert {p.name for p in module.iterdir() if p.is_file()} == MODULE_FILES


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=ids(ENVIRONMENTS))
def test_environment_has_its_standard_files(env: Path) -> None:
    assert {p.name for p in env.iterdir() if p.is_file()} == ENV_FILES


@pytest.mark.parametrize("root", MODULES + ENVIRONMENTS, ids=ids(MODULES + ENVIRONMENTS))
def test_variables_are_typed_described_and_ordered(root: Path) -> None:
    variables = named_blocks(root, "variable")
    assert variables
    for name, body in variables.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name), name
        assert body.get("type"), f"{name}: no type"
        assert "any" not in str(body["type"]), f"{name}: imprecise type"
        assert unquote(body.get("description", "")).strip(), f"{name}: no description"
        order = [k for k in body if k in VARIABLE_KEY_ORDER]
        assert order == sorted(order, key=VARIABLE_KEY_ORDER.index), f"{name}: {order}"
        for rule in body.get("validation", []):
            assert unquote(rule["error_message"]).endswith("."), f"{name}: message is a sentence"


@pytest.mark.parametrize("root", MODULES + ENVIRONMENTS, ids=ids(MODULES + ENVIRONMENTS))
def test_outputs_are_described(root: Path) -> None:
    outputs = named_blocks(root, "output")
    assert outputs
    for name, body in outputs.items():
        assert unquote(body.get("description", "")).strip(), f"{name}: no description"


@pytest.mark.parametrize("root", MODULES + ENVIRONMENTS, ids=ids(MODULES + ENVIRONMENTS))
def test_secret_inputs_and_outputs_are_sensitive(root: Path) -> None:
    for kind in ("variable", "output"):
        for name, body in named_blocks(root, kind).items():
            if SECRET_NAME.search(name) and not VERSION_NAME.search(name):
                assert body.get("sensitive") is True, f"{kind} {name} must be sensitive"
            else:
                assert body.get("sensitive") is not True, (
                    f"{kind} {name}: sensitive but not named so"
                )


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=ids(ENVIRONMENTS))
def test_environment_secret_inputs_are_sensitive_without_defaults(env: Path) -> None:
    sensitive = {n for n, b in named_blocks(env, "variable").items() if b.get("sensitive")}
    assert sensitive == SECRET_INPUTS
    for name in sensitive:
        assert "default" not in named_blocks(env, "variable")[name]


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=ids(ENVIRONMENTS))
def test_tfvars_hold_no_secret_and_only_declared_variables(env: Path) -> None:
    values = tfvars(env)
    declared = named_blocks(env, "variable")
    assert set(values) <= set(declared)
    assert not set(values) & SECRET_INPUTS
    required = {n for n, b in declared.items() if "default" not in b} - SECRET_INPUTS
    assert required <= set(values), f"missing: {required - set(values)}"


@pytest.mark.parametrize("module", MODULES, ids=ids(MODULES))
def test_modules_have_no_provider_or_backend_blocks(module: Path) -> None:
    parsed = parse_dir(module)
    assert "provider" not in parsed
    for block in parsed.get("terraform", []):
        assert "backend" not in block


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=ids(ENVIRONMENTS))
def test_backend_is_an_empty_s3_block(env: Path) -> None:
    parsed = parse(env / "backend.tf")
    backends = [b for t in parsed["terraform"] for b in t.get("backend", [])]
    assert len(backends) == 1
    ((name, body),) = backends[0].items()
    assert unquote(name) == "s3"
    assert {k for k in body if k not in PARSER_KEYS} == set()
    others = [p for p in env.glob("*.tf") if p.name != "backend.tf"]
    assert all("backend" not in parse(p).get("terraform", [{}])[0] for p in others)


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=ids(ENVIRONMENTS))
def test_versions_pin_terraform_and_providers(env: Path) -> None:
    (terraform,) = parse(env / "versions.tf")["terraform"]
    assert unquote(terraform["required_version"]) == TERRAFORM_VERSION
    (providers,) = deep_unquote(terraform["required_providers"])
    pins = {
        name: (p["source"], p["version"])
        for name, p in providers.items()
        if name not in PARSER_KEYS
    }
    assert pins == {
        "clickhouse": ("ClickHouse/clickhouse", "~> 3.16"),
        "upstash": ("upstash/upstash", "~> 2.0"),
        "clickhousedbops": ("ClickHouse/clickhousedbops", ">= 1.11.2, < 2.0.0"),
    }


@pytest.mark.parametrize("module", MODULES, ids=ids(MODULES))
def test_module_versions_declare_their_providers(module: Path) -> None:
    (terraform,) = parse(module / "versions.tf")["terraform"]
    assert unquote(terraform["required_version"]) == TERRAFORM_VERSION
    (providers,) = deep_unquote(terraform["required_providers"])
    providers = {k: v for k, v in providers.items() if k not in PARSER_KEYS}
    assert set(providers) == providers_used(module)


def providers_used(module: Path) -> set[str]:
    """Local provider names of a module's resources and of the modules it calls."""
    used = {
        unquote(t).split("_", 1)[0]
        if not unquote(t).startswith("clickhousedbops")
        else "clickhousedbops"
        for block in parse_dir(module).get("resource", [])
        for t in block
    }
    for call in named_blocks(module, "module").values():
        used |= providers_used((module / unquote(call["source"])).resolve())
    return used


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=ids(ENVIRONMENTS))
def test_provider_credentials_come_from_the_environment(env: Path) -> None:
    providers = {
        unquote(name): {k: v for k, v in body.items() if k not in PARSER_KEYS}
        for block in parse(env / "providers.tf")["provider"]
        for name, body in block.items()
    }
    assert providers["clickhouse"] == {}
    assert providers["upstash"] == {}
    dbops = providers["clickhousedbops"]
    assert dbops["host"] == "${module.platform.clickhouse_host}"
    assert dbops["port"] == "${module.platform.clickhouse_port}"
    assert dbops["auth_config"]["password"] == "${var.clickhouse_admin_password}"
    secret_refs = re.findall(r"var\.(\w+)", (env / "providers.tf").read_text())
    assert set(secret_refs) == {"clickhouse_admin_password"}


@pytest.mark.parametrize("env", [*ENVIRONMENTS, PLATFORM], ids=[*ids(ENVIRONMENTS), "platform"])
def test_module_calls_match_module_inputs(env: Path) -> None:
    for name, call in named_blocks(env, "module").items():
        source = unquote(call["source"])
        module_dir = (env / source).resolve()
        assert module_dir.parent == (TERRAFORM / "modules").resolve(), source
        inputs = named_blocks(module_dir, "variable")
        passed = set(call) - {"source", "providers", "depends_on", "count", "for_each"}
        assert passed <= set(inputs), f"{name}: unknown inputs {passed - set(inputs)}"
        required = {n for n, b in inputs.items() if "default" not in b}
        assert required <= passed, f"{name}: missing inputs {required - passed}"


@pytest.mark.parametrize("env", [*ENVIRONMENTS, PLATFORM], ids=[*ids(ENVIRONMENTS), "platform"])
def test_environment_outputs_reference_existing_module_outputs(env: Path) -> None:
    outputs = named_blocks(env, "output")
    assert {"clickhouse_connection_string", "redis_url", "qstash_token"} <= set(outputs)
    modules = named_blocks(env, "module")
    text = "\n".join(p.read_text() for p in env.glob("*.tf"))
    for module_name, output_name in re.findall(r"module\.(\w+)\.(?!module\.)(\w+)", text):
        module_dir = (env / unquote(modules[module_name]["source"])).resolve()
        assert output_name in named_blocks(module_dir, "output"), f"{module_name}.{output_name}"


@pytest.mark.parametrize("module", MODULES, ids=ids(MODULES))
def test_readme_lists_every_input_and_output(module: Path) -> None:
    readme = module / "README.md"
    assert readme_names(readme, "Inputs") == set(named_blocks(module, "variable"))
    assert readme_names(readme, "Outputs") == set(named_blocks(module, "output"))


def test_readme_check_detects_a_missing_entry(tmp_path: Path) -> None:
    module = TERRAFORM / "modules" / "data_warehouse"
    text = (module / "README.md").read_text()
    edited = tmp_path / "README.md"
    edited.write_text(re.sub(r"^\| `cloud_region` \|.*\n", "", text, flags=re.M))
    assert readme_names(edited, "Inputs") != set(named_blocks(module, "variable"))


def test_environment_readme_names_every_secret_input() -> None:
    text = (TERRAFORM / "environments" / "README.md").read_text()
    assert set(re.findall(r"^\| `(\w+)` \|", text, re.M)) >= SECRET_INPUTS


def validation_conditions(root: Path, variable: str) -> str:
    return " ".join(r["condition"] for r in named_blocks(root, "variable")[variable]["validation"])


@pytest.mark.parametrize("root", [PLATFORM, TERRAFORM / "modules" / "data_warehouse"])
def test_tagging_policy_requires_the_cost_allocation_keys(root: Path) -> None:
    condition = validation_conditions(root, "tags")
    assert set(re.findall(r'"(\w+)"', condition)) >= REQUIRED_TAG_KEYS
    assert "setsubtract" in condition


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=ids(ENVIRONMENTS))
def test_environment_tfvars_satisfy_the_tagging_policy(env: Path) -> None:
    tags = tfvars(env)["tags"]
    assert set(tags) >= REQUIRED_TAG_KEYS
    assert tags["environment"] == env.name
    assert tfvars(env)["environment"] == env.name


def test_environments_use_their_names() -> None:
    dev, prod = (
        tfvars(TERRAFORM / "environments" / "dev"),
        tfvars(TERRAFORM / "environments" / "prod"),
    )
    assert dev["clickhouse_service_name"] == "salla-analytics-dev"
    assert prod["clickhouse_service_name"] == "salla-analytics-prod"
    assert dev["cache_database_name"] == "salla-cache-dev"
    assert prod["cache_database_name"] == "salla-cache-prod"
    assert set(dev["topics"]) == {"cdc-dev", "notifications-dev"}
    assert set(prod["topics"]) == {"cdc-prod", "notifications-prod"}
    assert dev["ip_allow_list"] == ["0.0.0.0/0"]


def test_prod_allow_list_is_explicit_and_never_open() -> None:
    dev, prod = (
        tfvars(TERRAFORM / "environments" / "dev"),
        tfvars(TERRAFORM / "environments" / "prod"),
    )
    allow_list = prod["production_allow_list"]
    assert allow_list
    assert not any(cidr.endswith("/0") for cidr in allow_list)
    assert "ip_allow_list" not in prod
    assert "production_allow_list" not in dev
    # The platform module, not the root, picks prod's list and forbids the other one there.
    main = (PLATFORM / "main.tf").read_text()
    assert re.search(
        r'var\.environment == "prod" \? var\.production_allow_list : var\.ip_allow_list', main
    )
    assert "var.environment" in validation_conditions(PLATFORM, "ip_allow_list")
    assert "/0$" in validation_conditions(PLATFORM, "production_allow_list")


def allowed_retention(environment: str) -> set[int]:
    """Retention hours the platform module allows in one environment (its own validation rule)."""
    rules = named_blocks(PLATFORM, "variable")["backup_retention_period_in_hours"]["validation"]
    (condition,) = [r["condition"] for r in rules if f'"{environment}"' in r["condition"]]
    assert condition.startswith(f'${{var.environment != "{environment}" || contains(')
    return set(map(int, re.findall(r"\b\d+\b", condition)))


def test_prod_keeps_backups_longer_than_dev() -> None:
    dev, prod = (
        tfvars(TERRAFORM / "environments" / "dev"),
        tfvars(TERRAFORM / "environments" / "prod"),
    )
    assert dev["backup_retention_period_in_hours"] < prod["backup_retention_period_in_hours"]
    assert dev["backup_retention_period_in_hours"] in allowed_retention("dev")
    assert prod["backup_retention_period_in_hours"] in allowed_retention("prod")
    assert max(allowed_retention("dev")) < min(allowed_retention("prod"))


def resources(module: str, resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        unquote(name): body
        for block in parse_dir(TERRAFORM / "modules" / module)["resource"]
        for name, body in block.get(f'"{resource_type}"', {}).items()
    }


def test_warehouse_sends_the_admin_password_write_only() -> None:
    (body,) = resources("data_warehouse", "clickhouse_service").values()
    assert body["password_wo"] == "${var.admin_password}"
    assert body["password_wo_version"] == "${var.admin_password_version}"
    assert not {"password", "password_hash", "double_sha1_password_hash"} & set(body)


def test_database_users_send_write_only_hashes_in_the_auth_block() -> None:
    users = resources("database_access", "clickhousedbops_user")
    assert set(users) == {"app", "cdc"}
    for name, body in users.items():
        assert not {k for k in body if k.startswith("password")}, name
        ((auth,),) = [body["auth"]]
        ((method,),) = [auth["sha256_hash"]]
        assert set(method) - PARSER_KEYS == {"value_wo", "value_wo_version"}, name
        assert method["value_wo"] == f"${{sha256(var.{name}_user_password)}}"
        assert method["value_wo_version"] == f"${{var.{name}_user_password_version}}"


@pytest.mark.parametrize(
    ("root", "names", "default"),
    [
        (TERRAFORM / "modules" / "data_warehouse", {"admin_password"}, 1),
        (
            TERRAFORM / "modules" / "database_access",
            {"app_user_password", "cdc_user_password"},
            1,
        ),
        (PLATFORM, WRITE_ONLY_INPUTS, 1),
        # A root declares; a null it passes on takes the platform module's default.
        *((env, WRITE_ONLY_INPUTS, None) for env in ENVIRONMENTS),
    ],
    ids=["data_warehouse", "database_access", "platform", *ids(ENVIRONMENTS)],
)
def test_write_only_passwords_are_ephemeral_with_a_version(
    root: Path, names: set[str], default: int | None
) -> None:
    variables = named_blocks(root, "variable")
    assert {n for n, b in variables.items() if b.get("ephemeral") is True} == names
    for name in names:
        version = variables[f"{name}_version"]
        assert version["type"] == "number"
        assert version["default"] == default
        assert "sensitive" not in version


def test_platform_passes_every_password_version() -> None:
    calls = named_blocks(PLATFORM, "module")
    assert calls["data_warehouse"]["admin_password_version"] == (
        "${var.clickhouse_admin_password_version}"
    )
    for who in ("app", "cdc"):
        assert calls["database_access"][f"{who}_user_password_version"] == (
            f"${{var.clickhouse_{who}_user_password_version}}"
        )
    assert (
        named_blocks(PLATFORM, "variable")["clickhouse_admin_password_version"]["nullable"] is False
    )


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=ids(ENVIRONMENTS))
def test_environments_pass_every_password_version(env: Path) -> None:
    (call,) = named_blocks(env, "module").values()
    for name in WRITE_ONLY_INPUTS:
        assert call[f"{name}_version"] == f"${{var.{name}_version}}"
    assert {f"{n}_version" for n in WRITE_ONLY_INPUTS} <= set(tfvars(env))


@pytest.mark.parametrize("root", MODULES + ENVIRONMENTS, ids=ids(MODULES + ENVIRONMENTS))
def test_no_supplied_password_reaches_an_output(root: Path) -> None:
    """An output is written to state: none may be built from a write-only password input."""
    password_inputs = {n for n in named_blocks(root, "variable") if n.endswith("password")}
    for name, body in named_blocks(root, "output").items():
        value = json.dumps(body["value"])
        for variable in password_inputs:
            assert f"var.{variable}" not in value, f"output {name} holds {variable}"


def test_connection_string_names_the_user_but_holds_no_password() -> None:
    outputs = named_blocks(TERRAFORM / "modules" / "data_warehouse", "output")
    value = unquote(outputs["connection_string"]["value"])
    assert value.startswith("https://default@${")
    assert "password" not in value


def test_no_terraform_1_0_workarounds_remain() -> None:
    for path in sorted(TERRAFORM.rglob("*")):
        if path.is_file() and path.suffix in {".tf", ".md", ".tfvars"}:
            assert "1.0.3" not in path.read_text(), path


def test_module_defaults_are_not_nullable() -> None:
    """An explicit null from a caller takes the default instead of breaking a validation."""
    for module in MODULES:
        for name, body in named_blocks(module, "variable").items():
            if "default" in body and body["default"] is not None:
                assert body.get("nullable") is False, f"{module.name}.{name}"


# --- thin roots: dev and prod differ in data only ---


def root_files(env: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(env.iterdir()) if p.is_file()}


def test_roots_are_identical_but_for_their_tfvars() -> None:
    dev, prod = (root_files(env) for env in ENVIRONMENTS)
    assert set(dev) == set(prod) == ENV_FILES
    differing = sorted(name for name in dev if dev[name] != prod[name])
    assert differing == [ENV_DATA_FILE]


def expressions(value: Any, path: str = "") -> list[tuple[str, str]]:
    """(where, text) of every interpolated string in a parsed HCL value."""
    if isinstance(value, dict):
        return [
            found
            for key, item in value.items()
            if key not in PARSER_KEYS
            for found in expressions(item, f"{path}.{unquote(key)}")
        ]
    if isinstance(value, list):
        return [found for item in value for found in expressions(item, path)]
    if isinstance(value, str) and "${" in value:
        return [(path, value)]
    return []


def logic_in_root(env: Path) -> list[str]:
    """What in a root does more than declare, pass a variable in or pass an output out."""
    problems = []
    for path in sorted(env.glob("*.tf")):
        parsed = {k: v for k, v in parse(path).items() if k not in PARSER_KEYS}
        allowed = {"moved"} if path.name == "moved.tf" else {"terraform", "provider", "module"}
        allowed |= {"variable", "output"} if path.name != "moved.tf" else set()
        problems += [f"{path.name}: a {kind} block" for kind in set(parsed) - allowed]
        for kind, blocks in parsed.items():
            for where, text in expressions(blocks, kind):
                if kind == "variable" and where.endswith(".type"):
                    continue  # a type constraint, such as list(string)
                moved = MOVED.fullmatch(text)
                if kind == "moved" and moved:
                    continue
                if kind != "moved" and PASS_THROUGH.fullmatch(text):
                    continue
                problems.append(f"{path.name}: {where} = {text}")
    return problems


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=ids(ENVIRONMENTS))
def test_roots_hold_no_logic(env: Path) -> None:
    assert logic_in_root(env) == []
    (name,) = named_blocks(env, "module")
    call = named_blocks(env, "module")[name]
    assert unquote(call["source"]) == "../../modules/platform"
    # Each variable goes to the platform input of its name; each output comes back the same way.
    variables = set(named_blocks(env, "variable"))
    assert {k: v for k, v in call.items() if k != "source"} == {
        n: f"${{var.{n}}}" for n in variables
    }
    assert variables == set(named_blocks(PLATFORM, "variable"))
    for output, body in named_blocks(env, "output").items():
        assert body["value"] == f"${{module.platform.{output}}}"
    assert set(named_blocks(env, "output")) == set(named_blocks(PLATFORM, "output"))
    for body in named_blocks(env, "variable").values():
        assert "validation" not in body  # the platform module validates, once for both roots


def test_no_logic_check_catches_a_local_and_an_expression(tmp_path: Path) -> None:
    for path in ENVIRONMENTS[0].glob("*.tf"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    with (tmp_path / "main.tf").open("a") as handle:
        handle.write('\nlocals {\n  name = "x"\n}\n')
    outputs = (tmp_path / "outputs.tf").read_text()
    (tmp_path / "outputs.tf").write_text(
        outputs.replace("module.platform.redis_endpoint", "upper(module.platform.redis_endpoint)")
    )
    assert logic_in_root(tmp_path) == [
        "main.tf: a locals block",
        "outputs.tf: output.redis_endpoint.value = ${upper(module.platform.redis_endpoint)}",
    ]


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=ids(ENVIRONMENTS))
def test_moved_blocks_carry_each_module_into_the_platform(env: Path) -> None:
    """State from before the platform module moves instead of being destroyed and created again."""
    moves = {(block["from"], block["to"]) for block in parse(env / "moved.tf").get("moved", [])}
    called = set(named_blocks(PLATFORM, "module"))
    assert moves == {
        (f"${{module.{name}}}", f"${{module.platform.module.{name}}}") for name in called
    }
