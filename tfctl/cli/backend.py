"""Commands on the state backend: bootstrap, locks, unlock, state history and restore."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from tfctl.cli import common
from tfctl.cli.common import ConfirmOpt, EnvArg, JsonOpt, YesOpt


def bootstrap(
    region: Annotated[str | None, typer.Option(help="AWS region (default: settings).")] = None,
    bucket: Annotated[str | None, typer.Option(help="State bucket (default: settings).")] = None,
    table: Annotated[str | None, typer.Option(help="Lock table (default: settings).")] = None,
    kms_key_id: Annotated[
        str | None, typer.Option(help="Encrypt with this KMS key (aws:kms) instead of AES256.")
    ] = None,
    retention_days: Annotated[
        int | None, typer.Option(help="Keep noncurrent state versions this many days.")
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="KEY=VALUE tag for both (repeatable).")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Change nothing; exit 2 when anything differs.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Create or repair the S3 state bucket and DynamoDB lock table; say what changed."""
    from tfctl import console
    from tfctl.backend import bootstrap as run_bootstrap
    from tfctl.backend import raise_if_drifted
    from tfctl.errors import ConfigError

    with common.handled():
        settings = common.project().settings
        tags = {"managed-by": "tfctl"}
        for item in tag or []:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise ConfigError(f"bad --tag {item!r}", hint="write it as KEY=VALUE")
            tags[key] = value
        report = run_bootstrap(
            bucket=bucket or settings.state_bucket,
            table=table or settings.lock_table,
            region=region or settings.region,
            kms_key_id=kms_key_id or settings.kms_key_id,
            retention_days=retention_days or settings.state_retention_days,
            tags=tags,
            check=check,
        )
        if json_out:
            console.print_json(report.to_dict())
        else:
            console.bootstrap_report(report)
        if check:
            raise_if_drifted(report)


def locks(
    env: Annotated[str | None, typer.Argument(help="Environment; all when omitted.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List the state locks currently held (from the DynamoDB lock table)."""
    from tfctl import console
    from tfctl.locks import list_locks

    with common.handled():
        held = list_locks(common.project(), env)
        if json_out:
            console.print_json([lock.to_json() for lock in held])
        elif not held:
            console.notice(f"no state locks held{f' on {env}' if env else ''}")
        else:
            # Plain lines, never truncated: the lock id is what `tfctl unlock` needs.
            for k in held:
                console.stdout.out(
                    f"{k.environment or k.path}  {k.id}  {k.operation}  {k.who}  {k.created}"
                )


def unlock(
    env: EnvArg,
    lock_id: Annotated[str, typer.Argument(help="The lock id (from tfctl locks ENV).")],
    yes: YesOpt = False,
    confirm: ConfirmOpt = None,
) -> None:
    """Force-unlock an environment's state (only when the run holding it is dead)."""
    from tfctl import console
    from tfctl.errors import PlanRefusedError
    from tfctl.locks import find_lock, force_unlock

    with common.handled():
        environment = common.environment(env)
        common.refuse_early(environment, yes=yes, action="unlock", confirm=confirm)
        lock = find_lock(environment, lock_id)
        question = (
            f"Release lock {lock.id} held by {lock.who} since {lock.created} ({lock.operation})?"
        )
        if not common.ask_confirmation(
            environment, question, yes=yes, action="unlock", confirm=confirm
        ):
            raise PlanRefusedError("not unlocked: not confirmed")
        force_unlock(environment, lock.id)
        console.notice(f"{env}: released lock {lock.id}")


state_app = typer.Typer(help="State history and recovery (from the bucket's versions).")


def state_history(
    env: EnvArg,
    limit: Annotated[int, typer.Option(help="Show at most this many versions.")] = 20,
    json_out: JsonOpt = False,
) -> None:
    """List the stored versions of an environment's state: time, size, serial, lineage."""
    from tfctl import console
    from tfctl.state import history

    with common.handled():
        versions = history(common.environment(env), limit=limit)
        if json_out:
            console.print_json([v.to_json() for v in versions])
        elif not versions:
            console.notice(f"{env}: no state stored yet")
        else:
            # Plain lines, never truncated: the version id is what `state restore` needs.
            for v in versions:
                console.stdout.out(
                    f"{v.last_modified:%Y-%m-%d %H:%M:%S}  serial {v.serial}  {v.size} bytes  "
                    f"lineage {v.lineage}  {v.version_id}{'  (current)' if v.is_latest else ''}"
                )


def state_restore(
    env: EnvArg,
    version_id: Annotated[str, typer.Argument(help="The version to restore (state history).")],
    force: Annotated[
        bool, typer.Option("--force", help="Restore even a version of another lineage.")
    ] = False,
    yes: YesOpt = False,
    confirm_name: ConfirmOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Make an earlier state version current again (holds the state lock; updates the digest)."""
    from tfctl import console
    from tfctl.state import restore

    with common.handled():
        environment = common.environment(env)
        common.refuse_early(environment, yes=yes, action="restore", confirm=confirm_name)

        def confirm(target: Any, current: Any) -> bool:
            question = (
                f"Restore {env} to version {target.version_id} (serial {target.serial}, "
                f"{target.last_modified:%Y-%m-%d %H:%M:%S}) over serial {current.serial}?"
            )
            return common.ask_confirmation(
                environment, question, yes=yes, action="restore", confirm=confirm_name
            )

        result = restore(environment, version_id, force=force, confirm=confirm)
        if json_out:
            console.print_json(result.to_json())
        else:
            console.notice(
                f"{env}: restored version {result.restored_version} as serial {result.serial} "
                f"(new version {result.new_version})"
            )
