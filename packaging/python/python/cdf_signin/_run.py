"""Running the command line and reading its answer."""

from __future__ import annotations

import json
import os
import subprocess
TYPE_CHECKING = False  # not imported from typing: that import costs milliseconds

from . import _binary
from ._errors import Error, from_run

if TYPE_CHECKING:
    from typing import Any, List, Optional, Sequence, Tuple

# No console window flashing up for each token on Windows (pythonw, a notebook kernel).
_FLAGS = getattr(subprocess, "CREATE_NO_WINDOW", 0) if os.name == "nt" else 0


def profile_args(profile: Optional[str]) -> List[str]:
    return [] if profile is None else ["--profile", profile]


def start(
    args: Sequence[str], profile: Optional[str], stdout: int
) -> "Tuple[str, subprocess.Popen[bytes]]":
    """Starts ``cdf-signin ARGS`` (no stdin, stderr piped, no console window) and
    returns the binary found with the process; one that cannot start raises the
    reinstall error."""
    binary = _binary.find_binary()
    try:
        child = subprocess.Popen(
            [binary, *args],
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=subprocess.PIPE,
            creationflags=_FLAGS,
        )
    except OSError as e:
        raise _binary.cannot_run(binary, e, profile) from None
    return binary, child


def run_json(args: Sequence[str], profile: Optional[str]) -> Any:
    """Runs ``cdf-signin ARGS`` and returns the JSON it printed on stdout.

    Raises:
        SignInRequired: it ended with exit code 3.
        Error: it could not be run, failed, or printed no JSON (whose text is never
            put into the exception: it may hold a token).
    """
    binary, child = start(args, profile, stdout=subprocess.PIPE)
    out, err = child.communicate()
    stderr = err.decode("utf-8", "replace")
    if child.returncode != 0:
        raise from_run(args, child.returncode, stderr, profile)
    try:
        return json.loads(out)
    except ValueError:
        # `from None`: the decoder's error keeps the whole text, which may be a token.
        raise Error(
            f"cdf-signin {args[0]} printed something that is not JSON",
            "check that the cdf-signin found is this package's "
            f"({binary}; `cdf-signin --version`)",
            profile=profile,
        ) from None
