"""Commands on the environments themselves: envs, init, validate, output, exec, fmt, doctor."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from tfctl.cli import common
from tfctl.cli.common import EnvArg, JsonOpt


def envs(json_out: JsonOpt = False) -> None:
    """List the environments, which are protected and which are initialized."""
    from tfctl import console

    with common.handled():
        project = common.project()
        environments = project.environments()
        if json_out:
            console.print_json(
                [
                    {
                        "name": env.name,
                        "protected": env.protected,
                        "initialized": (env.data_dir / "terraform.tfstate").is_file(),
                        "path": str(env.path.relative_to(project.root)),
                    }
                    for env in environments
                ]
            )
        else:
            console.simple_table(
                ["environment", "protected", "initialized", "path"],
                [
                    (
                        env.name,
                        "yes" if env.protected else "no",
                        "yes" if (env.data_dir / "terraform.tfstate").is_file() else "no",
                        str(env.path.relative_to(project.root)),
                    )
                    for env in environments
                ],
            )


def init(
    env: EnvArg,
    upgrade: Annotated[bool, typer.Option(help="Upgrade providers and modules.")] = False,
    reconfigure: Annotated[
        bool, typer.Option(help="Reconfigure the backend, ignoring saved settings.")
    ] = False,
) -> None:
    """Initialize an environment with the S3 backend settings tfctl renders for this terraform."""
    with common.handled():
        common.environment(env).init(upgrade=upgrade, reconfigure=reconfigure)


def validate(
    env: Annotated[str | None, typer.Argument(help="Environment; all when omitted.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Validate one environment, or all; terraform's errors and warnings as it shows them."""
    from tfctl import console

    with common.handled(json_out):
        project = common.project()
        targets = [project.environment(env)] if env else project.environments()
        results = []
        for environment in targets:
            warnings = environment.validate()
            results.append(
                {
                    "environment": environment.name,
                    "valid": True,
                    "diagnostics": [d.to_json() for d in warnings],
                }
            )
            console.notice(f"{environment.name}: configuration is valid")
        if json_out:
            console.print_json(project.masker.mask_json(results))


def output(
    env: EnvArg,
    name: Annotated[str | None, typer.Argument(help="One output; all when omitted.")] = None,
    json_out: JsonOpt = False,
    reveal: Annotated[
        bool,
        typer.Option(
            "--reveal", help="Show sensitive values (NAME in a terminal, or with --json)."
        ),
    ] = False,
) -> None:
    """Show outputs; sensitive values stay hidden unless --reveal is given."""
    from tfctl import console
    from tfctl.errors import ConfigError

    with common.handled(json_out):
        environment = common.environment(env)
        outputs = environment.outputs()
        if name is not None:
            if name not in outputs:
                raise ConfigError(
                    f"{env} has no output {name!r}",
                    hint=f"outputs: {', '.join(outputs) or 'none (apply first?)'}",
                )
            outputs = {name: outputs[name]}
        if reveal and not json_out and name is None:
            raise ConfigError(
                "--reveal shows one output at a time",
                hint="name it: tfctl output ENV NAME --reveal",
            )
        if json_out:
            document = {key: item.to_json(reveal=reveal) for key, item in outputs.items()}
            console.print_json(
                document if reveal else environment.project.masker.mask_json(document)
            )
        elif name is not None and reveal:
            value = outputs[name].reveal()
            text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
            console.stdout.out(text)
        else:
            console.outputs_table(outputs)


def exec_command(
    env: EnvArg,
    args: Annotated[
        list[str] | None,
        typer.Argument(help="terraform's arguments, after --: tfctl exec dev -- state list"),
    ] = None,
) -> None:
    """Run any terraform command in ENV's root the tfctl way: credentials, init when needed,
    masked output, sandbox routing, Ctrl-C handling; exits with terraform's exit code.

    Refused: init, workspace, force-unlock, -chdir; in a protected environment also apply,
    destroy, import, refresh, taint, untaint and state rm/mv/push/replace-provider (use tfctl's
    own commands)."""
    with common.handled():
        environment = common.environment(env)
        code = environment.exec(list(args or []), on_stdout=_stdout_line, stdin=_stdin_fd())
    if code:
        raise typer.Exit(code)


def _stdout_line(text: str) -> None:
    # terraform's stdout (state list, providers schema -json) to stdout alone, masked again
    sys.stdout.write(common.masked(text) + "\n")
    sys.stdout.flush()


def _stdin_fd() -> int | None:
    try:
        return sys.stdin.fileno()
    except (AttributeError, OSError, ValueError):
        return None


def fmt(
    check: Annotated[
        bool, typer.Option(help="Only check; exit 3 if files need formatting.")
    ] = False,
) -> None:
    """Format (or check) every .tf file under terraform/."""
    from tfctl.terraform import Terraform, resolve_binary

    with common.handled():
        project = common.project()
        tf = Terraform(
            binary=resolve_binary(project.settings.terraform_bin, project.environ),
            workdir=project.root / "terraform",
            on_line=common.project().on_line,
        )
        completed = tf.fmt(check=check)
    if completed.returncode:
        raise typer.Exit(completed.returncode)


def doctor(
    env: Annotated[str | None, typer.Argument(help="Environment; all when omitted.")] = None,
    no_aws: Annotated[
        bool, typer.Option("--no-aws", help="Skip the AWS identity check (STS).")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Show the terraform binary, backend settings and credentials each environment would use."""
    from tfctl.doctor import diagnose

    with common.handled():
        report = diagnose(common.project(), [env] if env else None, check_aws=not no_aws)
    from tfctl import console

    if json_out:
        console.print_json(report.to_json())
    else:
        console.simple_table(
            ["topic", "item", "ok", "detail"],
            [(f.topic, f.item, "yes" if f.ok else "NO", f.detail) for f in report.findings],
        )
    if not report.ok:
        raise typer.Exit(1)
