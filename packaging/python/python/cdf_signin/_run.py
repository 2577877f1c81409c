"""Running the command line and reading its answer."""

from __future__ import annotations

import json
import os
import subprocess
TYPE_CHECKING = False  # not imported from typing: that import costs milliseconds

from . import _binary
from ._errors import Error, from_run

if TYPE_CHECKING:
    from typing import Any, List, Optional, Sequence

# No console window flashing up for each token on Windows (pythonw, a notebook kernel).
_FLAGS = getattr(subprocess, "CREATE_NO_WINDOW", 0) if os.name == "nt" else 0


def profile_args(profile: Optional[str]) -> List[str]:
    return [] if profile is None else ["--profile", profile]


def run_json(args: Sequence[str], profile: Optional[str]) -> Any:
    """Runs ``cdf-signin ARGS`` and returns the JSON it printed on stdout.

    Raises:
        SignInRequired: it ended with exit code 3.
        Error: it could not be run, failed, or printed no JSON (whose text is never
            put into the exception: it may hold a token).
    """
    binary = _binary.find_binary()
    try:
        done = subprocess.run(
            [binary, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            creationflags=_FLAGS,
        )
    except OSError as e:
        raise _binary.cannot_run(binary, e, profile) from None
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        raise from_run(args, done.returncode, stderr, profile)
    try:
        return json.loads(done.stdout)
    except ValueError:
        # `from None`: the decoder's error keeps the whole text, which may be a token.
        raise Error(
            f"cdf-signin {args[0]} printed something that is not JSON",
            "check that the cdf-signin found is this package's "
            f"({binary}; `cdf-signin --version`)",
            profile=profile,
        ) from None
