"""`tfctl exec ENV -- ARGS`: any terraform command in an environment's root, the tfctl way
(credentials preflight and injection, init when needed, masking, sandbox routing, interrupts),
except the commands below, which would bypass what tfctl guarantees.

Refused everywhere:
- `init`: tfctl renders the backend settings (`tfctl init ENV`); an init by hand could point
  the environment at another state.
- `workspace`: tfctl keys each environment's state by its folder; a workspace would split it.
- `force-unlock`: `tfctl unlock ENV LOCK_ID` shows who holds the lock and asks first.
- `-chdir=...`: it would run in another root than the environment's.

Refused in a protected environment (they change its state or infrastructure without tfctl's
reviewed plan, typed confirmation and stateful-resource guards): `apply`, `destroy`, `import`,
`refresh`, `taint`, `untaint`, and `state rm|mv|push|replace-provider`. Use `tfctl apply` /
`tfctl destroy` (an `import` or `moved`/`removed` block planned and applied by tfctl).
"""

from __future__ import annotations

from collections.abc import Sequence

ALWAYS_REFUSED = {
    "init": "tfctl renders the backend settings: run `tfctl init ENV`",
    "workspace": "tfctl keys each environment's state by its folder; workspaces would split it",
    "force-unlock": "run `tfctl unlock ENV LOCK_ID`, which shows the holder and asks first",
}
PROTECTED_REFUSED = {"apply", "destroy", "import", "refresh", "taint", "untaint"}
PROTECTED_STATE_REFUSED = {"rm", "mv", "push", "replace-provider"}
#: Commands that need no initialized working directory.
NO_INIT = {"version", "fmt", "help"}


def command_of(args: Sequence[str]) -> tuple[str | None, str | None]:
    """The terraform command and its first argument (`state list` -> ("state", "list"))."""
    words = [a for a in args if not a.startswith("-")]
    if not words:
        return None, None
    return words[0], words[1] if len(words) > 1 else None


def refusal(args: Sequence[str], *, environment: str, protected: bool) -> str | None:
    """Why `tfctl exec` refuses these arguments, or None."""
    if any(a == "-chdir" or a.startswith("-chdir=") for a in args):
        return "-chdir would run terraform outside the environment's root"
    command, sub = command_of(args)
    if command is None:
        return None
    if command in ALWAYS_REFUSED:
        return f"`{command}` is not run through exec: {ALWAYS_REFUSED[command]}"
    if protected and (
        command in PROTECTED_REFUSED or (command == "state" and sub in PROTECTED_STATE_REFUSED)
    ):
        shown = f"{command} {sub}" if command == "state" else command
        return (
            f"{environment} is protected: `{shown}` must go through tfctl's own commands "
            "(tfctl plan/apply/destroy: a reviewed plan, typed confirmation, stateful guards)"
        )
    return None


def needs_init(args: Sequence[str]) -> bool:
    command, _ = command_of(args)
    return command is not None and command not in NO_INIT and "-version" not in args
