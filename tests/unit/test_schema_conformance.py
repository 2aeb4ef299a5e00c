"""Every resource and provider block, and every attribute reference, matches the provider schemas.

The schemas are the package data in tfctl/provider_schemas/*.json (read from the provider sources).
An invented argument or block, a computed-only argument, a missing required one (at any depth), a
nested attribute written as a block or a block written as an attribute, a write-only argument in a
root that allows Terraform < 1.11, or a reference to an attribute the provider does not export all
fail here. Optional fields of a nested attribute may be left out: a real nested attribute (protocol
6) treats an omitted optional field as null.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import hcl2
import pytest

REPO = Path(__file__).resolve().parents[2]
TERRAFORM = REPO / "terraform"
SCHEMA_DIR = REPO / "tfctl" / "provider_schemas"
META_ARGUMENTS = {"count", "for_each", "provider", "depends_on", "lifecycle"}
PARSER_KEYS = {
    "__is_block__",
    "__comments__",
    "__inline_comments__",
    "__start_line__",
    "__end_line__",
}
ATTR_FLAGS = (
    "required",
    "optional",
    "computed",
    "sensitive",
    "force_new",
    "deprecated",
    "write_only",
)
CTY_PRIMITIVES = {"string", "number", "bool"}
RESOURCE_REF = re.compile(
    r"(?<![\w.])((?:clickhouse|clickhousedbops|upstash)_\w+)\.(\w+)((?:\[[^\]]*\]|\.\w+)*)"
)


def load_schemas() -> dict[str, dict[str, Any]]:
    """Provider local name -> schema document."""
    return {path.stem: json.loads(path.read_text()) for path in sorted(SCHEMA_DIR.glob("*.json"))}


SCHEMAS = load_schemas()


def unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def provider_of(resource_type: str) -> str:
    """Longest provider local name that prefixes the type (clickhousedbops_ before clickhouse_)."""
    names = sorted((n for n in SCHEMAS if resource_type.startswith(n + "_")), key=len, reverse=True)
    if not names:
        raise AssertionError(f"{resource_type}: no provider schema for this resource type")
    return names[0]


def resource_block(resource_type: str) -> dict[str, Any]:
    """A resource's schema block: {"attributes": ..., "blocks": ...}."""
    resources: dict[str, Any] = SCHEMAS[provider_of(resource_type)]["resources"]
    if resource_type not in resources:
        raise AssertionError(f"{resource_type}: not a resource of {provider_of(resource_type)}")
    body = resources[resource_type]
    return {"attributes": dict(body["attributes"]), "blocks": dict(body.get("blocks", {}))}


def resource_schema(resource_type: str) -> dict[str, Any]:
    return dict(resource_block(resource_type)["attributes"])


def provider_block(name: str) -> dict[str, Any]:
    body = SCHEMAS[name]["provider"]
    return {"attributes": dict(body["attributes"]), "blocks": dict(body.get("blocks", {}))}


def is_block_value(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and isinstance(value[0], dict)
        and bool(value[0].get("__is_block__"))
    )


def object_literal_keys(expression: str) -> list[set[str]]:
    """Keys of each `{ k = v, ... }` object constructor at any depth of an HCL expression string."""
    found: list[set[str]] = []
    stack: list[tuple[int, set[str]]] = []
    depth = 0
    i = 0
    in_string = False
    while i < len(expression):
        char = expression[i]
        if in_string:
            if char == "\\":
                i += 2
                continue
            if char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "{":
            depth += 1
            stack.append((depth, set()))
        elif char == "}":
            if stack and stack[-1][0] == depth:
                found.append(stack.pop()[1])
            depth -= 1
        elif stack and stack[-1][0] == depth:
            match = re.match(r"(\w+)\s*=(?!=)", expression[i:])
            prev = expression[i - 1] if i else ""
            if match and not (prev.isalnum() or prev in "_."):
                stack[-1][1].add(match.group(1))
                i += match.end()
                continue
        i += 1
    return [keys for keys in found if keys]


def check_nested_value(
    where: str, attr: dict[str, Any], value: Any, locals_: dict[str, Any]
) -> list[str]:
    """A nested attribute is written with `=`, sets its required fields and no unknown ones."""
    nested = attr["nested"]
    fields = nested["attributes"]
    writable = {n for n, a in fields.items() if a["required"] or a["optional"]}
    required = {n for n, a in fields.items() if a["required"]}
    problems: list[str] = []
    if is_block_value(value):
        return [f"{where}: nested attribute written as a block; use `{where.split('.')[-1]} = ...`"]
    objects: list[dict[str, Any]] = []
    if isinstance(value, dict):
        objects = [value]
    elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
        objects = value
    elif isinstance(value, str):
        expression = value
        local = re.fullmatch(r"\$\{local\.(\w+)\}", value)
        if local and local.group(1) in locals_:
            expression = str(locals_[local.group(1)])
        for keys in object_literal_keys(expression):
            objects.append(dict.fromkeys(keys, None))
    for obj in objects:
        keys = {k for k in obj if k not in PARSER_KEYS}
        for unknown in sorted(keys - set(fields)):
            problems.append(f"{where}.{unknown}: not an attribute of the nested object")
        for computed_only in sorted((keys & set(fields)) - writable):
            problems.append(f"{where}.{computed_only}: computed-only, cannot be set")
        for missing in sorted(required - keys):
            problems.append(f"{where}.{missing}: required field missing")
        for name in sorted(keys & writable):
            if "nested" in fields[name]:
                problems += check_nested_value(f"{where}.{name}", fields[name], obj[name], locals_)
    return problems


def check_arguments(
    where: str,
    block: dict[str, Any],
    body: dict[str, Any],
    locals_: dict[str, Any],
    *,
    write_only_ok: bool = False,
) -> list[str]:
    """Arguments and nested blocks of one block body against its schema block."""
    schema, blocks = block["attributes"], block.get("blocks", {})
    problems: list[str] = []
    arguments = {k: v for k, v in body.items() if k not in PARSER_KEYS and k not in META_ARGUMENTS}
    for name, value in arguments.items():
        if name in blocks:
            problems += check_block(f"{where}.{name}", blocks[name], value, locals_, write_only_ok)
            continue
        attr = schema.get(name)
        if attr is None:
            problems.append(f"{where}.{name}: not an attribute or block of the provider schema")
            continue
        if not (attr["required"] or attr["optional"]):
            problems.append(f"{where}.{name}: computed-only, cannot be set")
            continue
        if attr["write_only"] and not write_only_ok:
            problems.append(
                f"{where}.{name}: write-only attributes need Terraform >= 1.11 "
                "(raise required_version)"
            )
        if "nested" in attr:
            problems += check_nested_value(f"{where}.{name}", attr, value, locals_)
        elif is_block_value(value):
            problems.append(f"{where}.{name}: written as a block, but it is a plain attribute")
    for name, attr in schema.items():
        if attr["required"] and name not in arguments:
            problems.append(f"{where}.{name}: required attribute missing")
    for name, nested in blocks.items():
        if nested.get("min_items", 0) and name not in arguments:
            problems.append(f"{where}.{name}: required block missing")
    return problems


def check_block(
    where: str, nested: dict[str, Any], value: Any, locals_: dict[str, Any], write_only_ok: bool
) -> list[str]:
    """A nested block is written as `name { ... }`, as often as its nesting allows."""
    if not is_block_value(value):
        name = where.split(".")[-1]
        return [f"{where}: written as an attribute, but it is a block; use `{name} {{ ... }}`"]
    problems: list[str] = []
    if nested["nesting"] == "single" and len(value) > 1:
        problems.append(f"{where}: at most one block allowed")
    if nested.get("max_items") and len(value) > nested["max_items"]:
        problems.append(f"{where}: at most {nested['max_items']} blocks allowed")
    for instance in value:
        problems += check_arguments(where, nested, instance, locals_, write_only_ok=write_only_ok)
    return problems


def check_reference(resource_type: str, path: str) -> str | None:
    """Walk `.a.b[0].c` through the schema's attributes and blocks; return a problem or None."""
    block: dict[str, Any] | None = resource_block(resource_type)
    for step in re.findall(r"\.(\w+)|\[[^\]]*\]", path):
        if not step:
            continue
        if block is None:
            return f"{resource_type}{path}: `{step}` reaches inside a primitive attribute"
        if step in block.get("blocks", {}):
            block = block["blocks"][step]
            continue
        if step not in block["attributes"]:
            return f"{resource_type}{path}: `{step}` is not an attribute"
        attr = block["attributes"][step]
        block = {"attributes": attr["nested"]["attributes"]} if "nested" in attr else None
    return None


def parse_dir(directory: Path) -> dict[str, list[Any]]:
    merged: dict[str, list[Any]] = {}
    for path in sorted(directory.glob("*.tf")):
        with path.open() as handle:
            for key, value in hcl2.load(handle).items():
                if key not in PARSER_KEYS:
                    merged.setdefault(key, []).extend(value)
    return merged


def collect_locals(parsed: dict[str, list[Any]]) -> dict[str, Any]:
    return {
        k: v for block in parsed.get("locals", []) for k, v in block.items() if k not in PARSER_KEYS
    }


def minimum_terraform(parsed: dict[str, list[Any]]) -> tuple[int, ...]:
    """The lowest Terraform version `required_version` allows ((0,) when unconstrained)."""
    floors: list[tuple[int, ...]] = [(0,)]
    for block in parsed.get("terraform", []):
        constraint = unquote(str(block.get("required_version", "")))
        for version in re.findall(r"(?:>=|~>|=|^)\s*(\d+(?:\.\d+)*)", constraint):
            floors.append(tuple(int(part) for part in version.split(".")))
    return max(floors)


def check_config(parsed: dict[str, list[Any]], source_text: str) -> list[str]:
    """All schema problems of one module or root (parsed HCL plus its raw text for references)."""
    locals_ = collect_locals(parsed)
    write_only_ok = minimum_terraform(parsed) >= (1, 11)
    problems: list[str] = []
    for block in parsed.get("resource", []):
        for type_key, instances in block.items():
            resource_type = unquote(type_key)
            try:
                schema = resource_block(resource_type)
            except AssertionError as exc:
                problems.append(str(exc))
                continue
            for name_key, body in instances.items():
                where = f"{resource_type}.{unquote(name_key)}"
                problems += check_arguments(
                    where, schema, body, locals_, write_only_ok=write_only_ok
                )
    for block in parsed.get("provider", []):
        for name_key, body in block.items():
            name = unquote(name_key)
            if name not in SCHEMAS:
                problems.append(f"provider {name}: no schema")
                continue
            problems += check_arguments(
                f"provider.{name}", provider_block(name), body, locals_, write_only_ok=write_only_ok
            )
    for match in RESOURCE_REF.finditer(source_text):
        resource_type, _name, path = match.groups()
        try:
            problem = check_reference(resource_type, path)
        except AssertionError as exc:
            problem = str(exc)
        if problem:
            problems.append(problem)
    return problems


def roots() -> list[Path]:
    return sorted(p for p in (TERRAFORM / "modules").iterdir() if p.is_dir()) + sorted(
        p for p in (TERRAFORM / "environments").iterdir() if p.is_dir()
    )


def strip_comments(text: str) -> str:
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


# --- the schema documents themselves --------------------------------------------------------------


def check_attr_doc(where: str, attr: dict[str, Any]) -> list[str]:
    problems = [f"{where}: missing flag {flag}" for flag in ATTR_FLAGS if flag not in attr]
    problems += [f"{where}: missing description" for _ in [0] if not attr.get("description")]
    if ("type" in attr) == ("nested" in attr):
        problems.append(f"{where}: exactly one of type/nested")
    if not (attr.get("required") or attr.get("optional") or attr.get("computed")):
        problems.append(f"{where}: neither required, optional nor computed")
    if attr.get("required") and (attr.get("optional") or attr.get("computed")):
        problems.append(f"{where}: required excludes optional/computed")
    if "type" in attr and not valid_cty(attr["type"]):
        problems.append(f"{where}: bad type {attr['type']!r}")
    if "nested" in attr:
        nested = attr["nested"]
        if nested.get("nesting") not in {"single", "list", "set", "map"}:
            problems.append(f"{where}: bad nesting")
        for name, sub in nested.get("attributes", {}).items():
            problems += check_attr_doc(f"{where}.{name}", sub)
    return problems


def check_block_doc(where: str, block: dict[str, Any], protocol: int) -> list[str]:
    """A schema block (resource, provider or nested block) in the shared format."""
    problems: list[str] = []
    for name, attr in block.get("attributes", {}).items():
        problems += check_attr_doc(f"{where}.{name}", attr)
        if "nested" in attr and protocol < 6:
            problems.append(f"{where}.{name}: nested attributes need protocol 6")
    for name, nested in block.get("blocks", {}).items():
        if nested.get("nesting") not in {"single", "list", "set"}:
            problems.append(f"{where}.{name}: bad block nesting")
        if not nested.get("description"):
            problems.append(f"{where}.{name}: missing description")
        for key in ("min_items", "max_items"):
            if key in nested and not isinstance(nested[key], int):
                problems.append(f"{where}.{name}: {key} must be an integer")
        problems += check_block_doc(f"{where}.{name}", nested, protocol)
    return problems


def valid_cty(cty: Any) -> bool:
    if isinstance(cty, str):
        return cty in CTY_PRIMITIVES
    if isinstance(cty, list) and len(cty) == 2 and cty[0] in {"list", "set", "map"}:
        return valid_cty(cty[1])
    if isinstance(cty, list) and len(cty) == 2 and cty[0] == "object" and isinstance(cty[1], dict):
        return all(valid_cty(v) for v in cty[1].values())
    return False


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema_document_follows_the_shared_format(name: str) -> None:
    doc = SCHEMAS[name]
    assert set(doc) >= {"source", "version", "protocol", "provider", "resources", "data_sources"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", doc["version"])
    problems = check_block_doc("provider", doc["provider"], doc["protocol"])
    for kind in ("resources", "data_sources"):
        for type_name, body in doc[kind].items():
            assert type_name.startswith(name + "_"), type_name
            problems += check_block_doc(type_name, body, doc["protocol"])
    assert problems == []


def test_schema_protocols_match_the_provider_sdks() -> None:
    # terraform-plugin-framework providers speak protocol 6; upstash is plugin-sdk v2 (protocol 5).
    assert {name: doc["protocol"] for name, doc in SCHEMAS.items()} == {
        "clickhouse": 6,
        "clickhousedbops": 6,
        "upstash": 5,
    }


def test_schema_sources_match_the_environment_pins() -> None:
    sources = {name: doc["source"] for name, doc in SCHEMAS.items()}
    assert sources == {
        "clickhouse": "ClickHouse/clickhouse",
        "clickhousedbops": "ClickHouse/clickhousedbops",
        "upstash": "upstash/upstash",
    }


def test_schema_records_the_facts_that_matter() -> None:
    service = resource_schema("clickhouse_service")
    ip_access = service["ip_access"]["nested"]
    assert ip_access["nesting"] == "list"
    assert ip_access["attributes"]["description"]["required"]
    assert service["password_hash"]["sensitive"]
    assert service["endpoints"]["nested"]["attributes"]["https"]["nested"]["attributes"]["host"][
        "computed"
    ]
    assert "clickhouse_ip_allow_list" not in SCHEMAS["clickhouse"]["resources"]
    redis = resource_schema("upstash_redis_database")
    assert redis["database_name"]["force_new"]
    assert all(redis[n]["sensitive"] for n in ("password", "rest_token", "read_only_rest_token"))
    assert resource_schema("upstash_qstash_topic_v2")["endpoints"]["required"]
    assert not any("credentials" in t for t in SCHEMAS["upstash"]["data_sources"])
    assert not redis["budget"]["computed"]
    assert redis["id"]["optional"] and redis["id"]["computed"]
    user = resource_block("clickhousedbops_user")
    assert user["blocks"]["auth"]["nesting"] == "single"
    assert user["blocks"]["auth"]["blocks"]["sha256_hash"]["nesting"] == "list"
    assert user["attributes"]["password_sha256_hash"]["deprecated"]
    dbops = SCHEMAS["clickhousedbops"]["provider"]["attributes"]
    assert not dbops["auth_config"]["nested"]["attributes"]["password"]["sensitive"]


# --- the HCL against the schemas ------------------------------------------------------------------


@pytest.mark.parametrize("root", roots(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_hcl_conforms_to_provider_schemas(root: Path) -> None:
    text = "\n".join(strip_comments(p.read_text()) for p in sorted(root.glob("*.tf")))
    assert check_config(parse_dir(root), text) == []


def test_every_used_resource_type_is_described() -> None:
    used = set()
    for root in roots():
        for block in parse_dir(root).get("resource", []):
            used |= {unquote(k) for k in block}
    assert used == {
        "clickhouse_service",
        "upstash_redis_database",
        "upstash_qstash_topic_v2",
        "clickhousedbops_database",
        "clickhousedbops_role",
        "clickhousedbops_user",
        "clickhousedbops_grant_role",
        "clickhousedbops_grant_privilege",
    }


# --- the checker rejects what it should (so the conformance test can fail) ---


def check_snippet(hcl: str) -> list[str]:
    return check_config(hcl2.loads(hcl), hcl)


GOOD_SERVICE = """
resource "clickhouse_service" "this" {
  name           = "svc"
  cloud_provider = "aws"
  region         = "us-east-1"
  ip_access      = [{ source = "10.0.0.0/8", description = "office" }]
  password_hash  = "x"
  backup_configuration = {
    backup_period_in_hours           = 24
    backup_retention_period_in_hours = 48
    backup_start_time                = null
  }
}
"""


def test_checker_accepts_a_real_configuration() -> None:
    assert check_snippet(GOOD_SERVICE) == []


def test_checker_lets_optional_nested_fields_be_omitted() -> None:
    omitted = GOOD_SERVICE.replace("    backup_start_time                = null\n", "")
    assert check_snippet(omitted) == []


def test_checker_allows_write_only_only_where_terraform_1_11_is_required() -> None:
    service = GOOD_SERVICE.replace(
        '  password_hash  = "x"', "  password_wo = var.p\n  password_wo_version = 1"
    )
    assert any("write-only" in p for p in check_snippet(service))
    for constraint in (">= 1.11.0, < 2.0.0", "~> 1.12"):
        pinned = f'terraform {{\n  required_version = "{constraint}"\n}}\n' + service
        assert check_snippet(pinned) == [], constraint
    old = 'terraform {\n  required_version = ">= 1.0.3"\n}\n' + service
    assert any("write-only" in p for p in check_snippet(old))


GOOD_USER = """
terraform {
  required_version = ">= 1.11.0"
}
resource "clickhousedbops_user" "app" {
  name = "app"
  auth {
    sha256_hash {
      value_wo         = sha256(var.p)
      value_wo_version = 1
    }
  }
}
"""


def test_checker_accepts_blocks_of_the_schema() -> None:
    assert check_snippet(GOOD_USER) == []


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("auth {", "authentication {"), "app.authentication: not an attribute or block"),
        (("sha256_hash {", "sha512_hash {"), "app.auth.sha512_hash: not an attribute or block"),
        (("value_wo_version", "value_version"), "sha256_hash.value_version: not an attribute"),
        (
            ("  auth {\n    sha256_hash {", "  auth = {\n    sha256_hash = {"),
            "app.auth: written as an attribute, but it is a block",
        ),
        (("sha256_hash {", "sha256_hash = {"), "sha256_hash: written as an attribute"),
        (
            ("  }\n}\n", "  }\n  auth {\n    no_password {}\n  }\n}\n"),
            "app.auth: at most one block allowed",
        ),
    ],
)
def test_checker_rejects_malformed_blocks(edit: tuple[str, str], expected: str) -> None:
    old, new = edit
    assert old in GOOD_USER
    problems = check_snippet(GOOD_USER.replace(old, new, 1))
    assert any(expected in problem for problem in problems), problems


def test_checker_requires_required_fields_inside_blocks() -> None:
    snippet = GOOD_USER.replace(
        "    sha256_hash {", '    ssh_key {\n      type = "ssh-ed25519"\n    }\n    sha256_hash {'
    )
    assert any(
        "auth.ssh_key.public_key: required attribute missing" in p for p in check_snippet(snippet)
    )


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("password_hash", "min_total_memory_gib"), "min_total_memory_gib: not an attribute"),
        (
            ('  name           = "svc"\n', ""),
            "clickhouse_service.this.name: required attribute missing",
        ),
        (("password_hash", "iam_role"), "iam_role: computed-only"),
        (("password_hash", "password_wo"), "write-only attributes need Terraform >= 1.11"),
        ((', description = "office"', ""), "ip_access.description: required field missing"),
        (
            ("backup_start_time ", "backup_window "),
            "backup_window: not an attribute of the nested object",
        ),
        (("backup_configuration = {", "backup_configuration {"), "written as a block"),
        (
            ('"clickhouse_service" "this"', '"clickhouse_ip_allow_list" "this"'),
            "clickhouse_ip_allow_list",
        ),
    ],
)
def test_checker_rejects_invented_or_malformed_arguments(
    edit: tuple[str, str], expected: str
) -> None:
    old, new = edit
    assert old in GOOD_SERVICE
    problems = check_snippet(GOOD_SERVICE.replace(old, new, 1))
    assert any(expected in problem for problem in problems), problems


@pytest.mark.parametrize(
    ("reference", "ok"),
    [
        ("clickhouse_service.this.endpoints.https.host", True),
        ("clickhouse_service.this.endpoints.nativesecure.port", True),
        ("clickhouse_service.this.endpoints[0].host", False),
        ("clickhouse_service.this.endpoints.https.hostname", False),
        ("clickhouse_service.this.connection_string", False),
        ("upstash_redis_database.this.password", True),
        ("upstash_redis_database.this.redis_url", False),
        ('upstash_qstash_topic_v2.this["cdc"].id', True),
        ('upstash_qstash_topic_v2.this["cdc"].token', False),
    ],
)
def test_checker_validates_attribute_references(reference: str, ok: bool) -> None:
    snippet = f'output "x" {{\n  description = "x"\n  value       = {reference}\n}}\n'
    problems = check_snippet(snippet)
    assert (problems == []) is ok, problems


def test_checker_validates_provider_blocks() -> None:
    good = (
        'provider "clickhousedbops" {\n  host = "h"\n  port = 8443\n  protocol = "https"\n'
        '  auth_config = { strategy = "basicauth", username = "default", password = "p" }\n}\n'
    )
    assert check_snippet(good) == []
    assert any("host: required" in p for p in check_snippet(good.replace('  host = "h"\n', "")))
    assert check_snippet(good.replace(', password = "p"', "")) == []
    assert any(
        "auth_config.username: required field missing" in p
        for p in check_snippet(good.replace(', username = "default"', ""))
    )
    assert any(
        "token: not an attribute" in p
        for p in check_snippet('provider "upstash" {\n  token = "t"\n}\n')
    )
