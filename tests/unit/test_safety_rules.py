"""Safety rules without a process: approval decisions, address checks, stateful destroy refusal,
and the saved-plan metadata checks (foreign, changed, stale, replaced, replayed)."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tfctl import paths, safety
from tfctl.errors import ConfigError, PlanRefusedError
from tfctl.results import PlanResult, ResourceChange
from tfctl.safety import Approval, approval_mode
from tfctl.settings import Settings

# -- approval ------------------------------------------------------------------------------------

APPROVAL_TABLE = [
    # protected, interactive, auto_approve, saved_plan -> mode or refusal text
    (False, False, True, False, Approval.AUTO),
    (False, True, True, False, Approval.AUTO),
    (False, True, False, False, Approval.CONFIRM),
    (False, False, False, False, "no terminal to confirm apply of dev"),
    (False, False, False, True, "no terminal to confirm apply of dev"),
    (True, False, True, True, Approval.AUTO),
    (True, True, True, True, Approval.AUTO),
    (True, False, True, False, "--auto-approve needs a saved plan"),
    (True, True, True, False, "--auto-approve needs a saved plan"),
    (True, True, False, False, Approval.TYPE_NAME),
    (True, True, False, True, Approval.TYPE_NAME),
    (True, False, False, False, "no terminal to confirm apply of protected environment dev"),
    (True, False, False, True, "no terminal to confirm apply of protected environment dev"),
]


@pytest.mark.parametrize(("protected", "interactive", "auto", "saved", "expected"), APPROVAL_TABLE)
def test_approval_mode(
    protected: bool, interactive: bool, auto: bool, saved: bool, expected: Approval | str
) -> None:
    def decide() -> Approval:
        return approval_mode(
            "dev", protected=protected, interactive=interactive, auto_approve=auto, saved_plan=saved
        )

    if isinstance(expected, Approval):
        assert decide() is expected
    else:
        with pytest.raises(PlanRefusedError) as caught:
            decide()
        assert expected in str(caught.value)


def test_protected_refusal_says_how_to_make_a_saved_destroy_plan() -> None:
    with pytest.raises(PlanRefusedError) as caught:
        approval_mode(
            "prod",
            protected=True,
            interactive=False,
            auto_approve=False,
            saved_plan=False,
            action="destroy",
        )
    assert "tfctl plan prod --destroy --out FILE" in str(caught.value)
    assert "tfctl destroy prod --plan FILE --auto-approve" in str(caught.value)


# -- addresses -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "null_resource.app",
        "data.null_data_source.x",
        "module.cache.upstash_redis_database.this",
        'module.users["alice"].clickhousedbops_user.this',
        "module.a.module.b[0].clickhouse_service.this[2]",
    ],
)
def test_valid_resource_addresses(address: str) -> None:
    assert safety.validate_resource_address(address) == address
    assert safety.validate_target_address(address) == address


@pytest.mark.parametrize(
    "address", ["nope", "module.cache", "a.b.c", "null_resource.app extra", "", "null_resource."]
)
def test_invalid_resource_addresses(address: str) -> None:
    with pytest.raises(ConfigError, match="is not a resource address"):
        safety.validate_resource_address(address)


def test_a_module_is_a_valid_target_but_not_a_resource() -> None:
    assert safety.validate_target_address("module.cache") == "module.cache"
    with pytest.raises(ConfigError, match="is not a resource or module address"):
        safety.validate_target_address("not an address!")


# -- stateful destroys ---------------------------------------------------------------------------

STATEFUL = ("clickhouse_service", "upstash_redis_database")


def plan_of(*changes: tuple[str, str, str], environment: str = "prod") -> PlanResult:
    return PlanResult(
        environment=environment,
        changes=tuple(ResourceChange(a, t, action) for a, t, action in changes),
        add=sum(1 for *_, action in changes if action in {"create", "replace"}),
        change=sum(1 for *_, action in changes if action == "update"),
        remove=sum(1 for *_, action in changes if action in {"delete", "replace"}),
    )


WAREHOUSE = "module.warehouse.clickhouse_service.this"
CACHE = "module.cache.upstash_redis_database.this"


def test_protected_stateful_destroys_need_each_address() -> None:
    plan = plan_of(
        (WAREHOUSE, "clickhouse_service", "replace"),
        (CACHE, "upstash_redis_database", "delete"),
        ("null_resource.x", "null_resource", "delete"),
        ("module.cache.upstash_redis_database.other", "upstash_redis_database", "update"),
    )
    with pytest.raises(PlanRefusedError) as caught:
        safety.check_destructive_changes("prod", plan, protected=True, stateful_types=STATEFUL)
    message = str(caught.value)
    assert f"replace {WAREHOUSE}" in message and f"delete {CACHE}" in message
    assert "null_resource.x" not in message and "other" not in message
    assert f"--allow-destroy {WAREHOUSE} --allow-destroy {CACHE}" in message

    with pytest.raises(PlanRefusedError) as partly:
        safety.check_destructive_changes(
            "prod", plan, protected=True, stateful_types=STATEFUL, allow_destroy=[WAREHOUSE]
        )
    assert CACHE in str(partly.value) and WAREHOUSE not in str(partly.value)

    allowed = safety.check_destructive_changes(
        "prod", plan, protected=True, stateful_types=STATEFUL, allow_destroy=[WAREHOUSE, CACHE]
    )
    assert {c.address for c in allowed} == {WAREHOUSE, CACHE}


def test_unprotected_environments_only_report_stateful_destroys() -> None:
    plan = plan_of((WAREHOUSE, "clickhouse_service", "delete"), environment="dev")
    critical = safety.check_destructive_changes(
        "dev", plan, protected=False, stateful_types=STATEFUL
    )
    assert [c.address for c in critical] == [WAREHOUSE]


# -- saved plan metadata -------------------------------------------------------------------------


@dataclass
class FakeProject:
    root: Path
    settings: Settings = field(default_factory=Settings)
    environ: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeEnvironment:
    """An Environment as far as safety's checks go; the backend settings are a plain dict here."""

    project: FakeProject
    name: str
    path: Path
    backend: dict[str, Any] = field(default_factory=lambda: {"bucket": "b", "key": "k"})

    def rendered_backend(self) -> dict[str, Any]:
        return self.backend

    # the values Environment passes to safety's checks, from the same places
    def plan_content_parts(self) -> dict[str, str]:
        backend: Any = self.rendered_backend()
        return safety.content_parts(self.path, self.project.root, backend)

    def check_saved_plan(
        self, plan_file: Path, *, max_age_minutes: int | None = None, **kwargs: Any
    ) -> safety.PlanMetadata:
        limit = self.project.settings.plan_max_age_minutes
        return safety.check_saved_plan(
            self.name,
            plan_file,
            environ=self.project.environ,
            parts=self.plan_content_parts,
            max_age_minutes=limit if max_age_minutes is None else max_age_minutes,
            **kwargs,
        )

    def summarize_saved_plan(self, plan_file: Path, *, destroy: bool) -> PlanResult:
        raw = self.terraform().show_plan(plan_file)  # type: ignore[attr-defined]
        masker: Any = self.project.masker  # type: ignore[attr-defined]
        return safety.summarize_saved_plan(self.name, plan_file, raw, masker, destroy=destroy)


@pytest.fixture
def tree(tmp_path: Path) -> FakeProject:
    root = tmp_path / "repo"
    for env in ("dev", "prod"):
        folder = root / "terraform" / "environments" / env
        folder.mkdir(parents=True)
        (folder / "main.tf").write_text('module "cache" {\n  source = "../../modules/cache"\n}\n')
        (folder / "terraform.tfvars").write_text('name = "x"\n')
    cache = root / "terraform" / "modules" / "cache"
    cache.mkdir(parents=True)
    (cache / "main.tf").write_text('module "inner" {\n  source = "../inner"\n}\n')
    inner = root / "terraform" / "modules" / "inner"
    inner.mkdir(parents=True)
    (inner / "main.tf").write_text("# inner\n")
    return FakeProject(root=root, environ={"XDG_CONFIG_HOME": str(tmp_path / "config")})


def env_of(project: FakeProject, name: str) -> Any:
    return FakeEnvironment(project, name, project.root / "terraform" / "environments" / name)


def saved(env: Any, tmp_path: Path, *, destroy: bool = False, created: float | None = None) -> Path:
    plan_file = tmp_path / f"{env.name}.tfplan"
    plan_file.write_bytes(b"PK\x03\x04 not really a zip")
    plan = PlanResult(
        environment=env.name,
        changes=(ResourceChange("null_resource.a", "null_resource", "create"),),
        add=1,
        change=0,
        remove=0,
        plan_file=plan_file,
        destroy=destroy,
    )
    safety.write_plan_metadata(
        plan, env.plan_content_parts(), environ=env.project.environ, created=created
    )
    return plan_file


def refused(env: Any, plan_file: Path, **kwargs: Any) -> str:
    with pytest.raises(PlanRefusedError) as caught:
        env.check_saved_plan(plan_file, **kwargs)
    return str(caught.value)


def test_local_modules_are_found_recursively(tree: FakeProject) -> None:
    found = safety.local_module_dirs(env_of(tree, "dev").path)
    assert [p.name for p in found] == ["cache", "inner"]


def test_a_fresh_plan_of_the_same_environment_is_accepted(
    tree: FakeProject, tmp_path: Path
) -> None:
    dev = env_of(tree, "dev")
    plan_file = saved(dev, tmp_path)
    meta_file = Path(f"{plan_file}.tfctl.json")
    assert oct(meta_file.stat().st_mode & 0o777) == "0o600"
    meta = dev.check_saved_plan(plan_file)
    assert meta.environment == "dev" and not meta.destroy and meta.used is None
    document = json.loads(meta_file.read_text())
    assert document["environment"] == "dev"
    assert set(document["parts"]) == {"configuration", "modules", "tfvars", "backend settings"}
    # no summary of changes: what a saved plan does is read from the plan file itself
    assert "summary" not in document and len(document["hmac"]) == 64


def test_plan_of_another_environment_is_refused(tree: FakeProject, tmp_path: Path) -> None:
    plan_file = saved(env_of(tree, "dev"), tmp_path)
    assert "dev.tfplan was made for dev, not prod" in refused(env_of(tree, "prod"), plan_file)


@pytest.mark.parametrize(
    ("relative", "part"),
    [
        ("terraform/environments/dev/main.tf", "configuration"),
        ("terraform/environments/dev/extra.tf", "configuration"),
        ("terraform/environments/dev/terraform.tfvars", "tfvars"),
        ("terraform/environments/dev/x.auto.tfvars", "tfvars"),
        ("terraform/modules/cache/main.tf", "modules"),
        ("terraform/modules/inner/main.tf", "modules"),
    ],
)
def test_changes_since_the_plan_are_refused_and_named(
    tree: FakeProject, tmp_path: Path, relative: str, part: str
) -> None:
    dev = env_of(tree, "dev")
    plan_file = saved(dev, tmp_path)
    path = tree.root / relative
    path.write_text((path.read_text() if path.exists() else "") + "\n# edited\n")
    assert f"the {part} of dev changed since dev.tfplan was made" in refused(dev, plan_file)


def test_unrelated_files_do_not_make_a_plan_stale(tree: FakeProject, tmp_path: Path) -> None:
    dev = env_of(tree, "dev")
    plan_file = saved(dev, tmp_path)
    (dev.path / "README.md").write_text("notes\n")
    (tree.root / "terraform" / "environments" / "prod" / "main.tf").write_text("# prod edit\n")
    dev.check_saved_plan(plan_file)


def test_changed_backend_settings_are_refused(tree: FakeProject, tmp_path: Path) -> None:
    dev = env_of(tree, "dev")
    plan_file = saved(dev, tmp_path)
    dev.backend = {"bucket": "other", "key": "k"}
    assert "the backend settings of dev changed" in refused(dev, plan_file)


def test_age_limits(tree: FakeProject, tmp_path: Path) -> None:
    dev = env_of(tree, "dev")
    created = time.time() - 61 * 60
    plan_file = saved(dev, tmp_path, created=created)
    assert "dev.tfplan is stale: made 61 minutes ago, the limit is 60" in refused(dev, plan_file)
    dev.check_saved_plan(plan_file, max_age_minutes=90)
    future = saved(dev, tmp_path, created=time.time() + 3600)
    assert "dated in the future" in refused(dev, future)


def test_replaced_plan_file_is_refused(tree: FakeProject, tmp_path: Path) -> None:
    dev = env_of(tree, "dev")
    plan_file = saved(dev, tmp_path)
    plan_file.write_bytes(b"another plan")
    assert "dev.tfplan changed after tfctl saved it" in refused(dev, plan_file)


def test_a_used_plan_is_never_applied_again(tree: FakeProject, tmp_path: Path) -> None:
    dev = env_of(tree, "dev")
    plan_file = saved(dev, tmp_path)
    safety.mark_used(plan_file, environ=tree.environ)
    assert "dev.tfplan was already applied at" in refused(dev, plan_file)


def test_plan_kind_must_match_the_command(tree: FakeProject, tmp_path: Path) -> None:
    dev = env_of(tree, "dev")
    destroy_plan = saved(dev, tmp_path, destroy=True)
    assert "dev.tfplan is a destroy plan" in refused(dev, destroy_plan)
    assert dev.check_saved_plan(destroy_plan, destroy=True).destroy


def test_missing_or_corrupt_metadata(tree: FakeProject, tmp_path: Path) -> None:
    dev = env_of(tree, "dev")
    bare = tmp_path / "bare.tfplan"
    bare.write_bytes(b"plan")
    assert "bare.tfplan was not made by tfctl" in refused(dev, bare)
    Path(f"{bare}.tfctl.json").write_text("[1, 2")
    assert "bare.tfplan.tfctl.json is unreadable or corrupt" in refused(dev, bare)
    Path(f"{bare}.tfctl.json").write_text('{"format": 2}')
    assert "bare.tfplan.tfctl.json was altered" in refused(dev, bare)
    with pytest.raises(ConfigError, match="does not exist"):
        dev.check_saved_plan(tmp_path / "missing.tfplan")


# -- signed metadata: editing it fails closed -------------------------------------------------


def edit(plan_file: Path, change: Any) -> None:
    meta_file = Path(f"{plan_file}.tfctl.json")
    document = json.loads(meta_file.read_text())
    change(document)
    meta_file.write_text(json.dumps(document))


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(environment="prod"),
        lambda d: d.update(destroy=True),
        lambda d: d.update(created_unix=d["created_unix"] + 600),
        lambda d: d["parts"].update(tfvars="0" * 64),
        lambda d: d.update(summary={"changes": [], "add": 0, "change": 0, "destroy": 0}),
        lambda d: d.pop("hmac"),
    ],
    ids=["environment", "destroy", "created", "parts", "summary", "no-hmac"],
)
def test_edited_metadata_is_refused(tree: FakeProject, tmp_path: Path, change: Any) -> None:
    dev = env_of(tree, "dev")
    plan_file = saved(dev, tmp_path)
    edit(plan_file, change)
    assert "dev.tfplan.tfctl.json was altered or not written by tfctl" in refused(dev, plan_file)


def test_deleting_used_does_not_make_a_plan_applicable_again(
    tree: FakeProject, tmp_path: Path
) -> None:
    dev = env_of(tree, "dev")
    plan_file = saved(dev, tmp_path)
    meta_file = Path(f"{plan_file}.tfctl.json")
    unused_copy = meta_file.read_bytes()
    safety.mark_used(plan_file, environ=tree.environ)
    edit(plan_file, lambda d: d.pop("used"))
    assert "was altered" in refused(dev, plan_file)
    # the signed copy from before the apply is genuine, but the user's record remembers
    meta_file.write_bytes(unused_copy)
    assert "dev.tfplan was already applied" in refused(dev, plan_file)


def test_forged_metadata_for_other_plan_bytes_is_refused(tree: FakeProject, tmp_path: Path) -> None:
    dev = env_of(tree, "dev")
    plan_file = saved(dev, tmp_path)
    plan_file.write_bytes(b"another plan's bytes")
    digest = hashlib.sha256(plan_file.read_bytes()).hexdigest()
    edit(plan_file, lambda d: d.update(plan_sha256=digest))
    assert "was altered" in refused(dev, plan_file)
    # and metadata signed with another user's key is refused the same way
    other = saved(dev, tmp_path)
    tree.environ["XDG_CONFIG_HOME"] = str(tmp_path / "someone-else")
    safety.plan_key(tree.environ, create=True)
    assert "was altered or not written by tfctl for this user" in refused(dev, other)


def test_the_key_is_private_and_outside_the_repository(tree: FakeProject, tmp_path: Path) -> None:
    dev = env_of(tree, "dev")
    saved(dev, tmp_path)
    key_file = tmp_path / "config" / "tfctl" / "plan-key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert oct(key_file.parent.stat().st_mode & 0o777) == "0o700"
    assert not any(tree.root.rglob("plan-key"))
    # without XDG_CONFIG_HOME it is ~/.config/tfctl
    assert paths.config_dir({"HOME": "/home/u"}) == Path("/home/u/.config/tfctl")
    key_file.chmod(0o644)
    with pytest.raises(ConfigError, match="readable or writable by others"):
        dev.check_saved_plan(tmp_path / "dev.tfplan")


# -- what a saved plan does comes from the plan file --------------------------------------------

SHOW_JSON = {
    "format_version": "0.2",
    "terraform_version": "1.0.3",
    "resource_changes": [
        {
            "address": WAREHOUSE,
            "mode": "managed",
            "type": "clickhouse_service",
            "change": {"actions": ["delete"]},
        },
        {
            "address": CACHE,
            "mode": "managed",
            "type": "upstash_redis_database",
            "change": {"actions": ["create", "delete"]},
        },
        {
            "address": "null_resource.kept",
            "mode": "managed",
            "type": "null_resource",
            "change": {"actions": ["no-op"]},
        },
        {
            "address": "data.null_data_source.x",
            "mode": "data",
            "type": "null_data_source",
            "change": {"actions": ["read"]},
        },
    ],
    "output_changes": {"url": {"actions": ["delete"]}, "same": {"actions": ["no-op"]}},
}


def test_plan_summary_from_the_plan_document() -> None:
    plan = PlanResult.from_plan_document("prod", SHOW_JSON, destroy=True)
    assert [(c.address, c.action) for c in plan.changes] == [
        (WAREHOUSE, "delete"),
        (CACHE, "replace"),
        ("data.null_data_source.x", "read"),
    ]
    assert (plan.add, plan.change, plan.remove) == (1, 0, 2)
    assert plan.output_changes == ("url",) and plan.destroy
    with pytest.raises(ValueError, match="not a terraform plan"):
        PlanResult.from_plan_document("prod", {"resource_changes": []})


@dataclass
class FakeTerraform:
    document: dict[str, Any]

    def show_plan(self, plan_file: Path) -> dict[str, Any]:
        return self.document


def test_the_guard_judges_the_plan_file_not_the_metadata(tree: FakeProject, tmp_path: Path) -> None:
    from tfctl.masking import Masker

    prod = env_of(tree, "prod")
    plan_file = saved(prod, tmp_path, destroy=True)
    tree.masker = Masker(github_actions=False)  # type: ignore[attr-defined]
    prod.terraform = lambda: FakeTerraform(SHOW_JSON)
    prod.check_saved_plan(plan_file, destroy=True)
    plan = prod.summarize_saved_plan(plan_file, destroy=True)
    with pytest.raises(PlanRefusedError) as caught:
        safety.check_destructive_changes("prod", plan, protected=True, stateful_types=STATEFUL)
    assert f"delete {WAREHOUSE}" in str(caught.value) and f"replace {CACHE}" in str(caught.value)
    prod.terraform = lambda: FakeTerraform({"nothing": "here"})
    with pytest.raises(PlanRefusedError, match="not a terraform plan"):
        prod.summarize_saved_plan(plan_file, destroy=True)
