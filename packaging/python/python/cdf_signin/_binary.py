"""Finding the cdf-signin executable: the one pip installed beside this package, else
the one on PATH."""

from __future__ import annotations

import os
import sys
import threading
TYPE_CHECKING = False  # not imported from typing: that import costs milliseconds

if TYPE_CHECKING:
    from typing import List, Optional

from ._errors import Error

EXE = "cdf-signin.exe" if os.name == "nt" else "cdf-signin"

_found: "Optional[str]" = None
_lock = threading.Lock()


def _same_dir(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.normcase(os.path.abspath(a)) == os.path.normcase(
            os.path.abspath(b)
        )


def _scripts_dirs() -> List[str]:
    """Where the wheel's scripts went, most likely first.

    pip puts the executable into the scripts directory of the install scheme whose
    site-packages holds this package (a virtual environment, the user's ``~/.local``,
    the system's). That scheme is found by its site-packages, as uv's ``find_uv_bin``
    does; ``pip install --prefix`` and ``--target`` are guessed from the layout.
    """
    import sysconfig

    site_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    dirs: List[str] = []

    def add(path: Optional[str]) -> None:
        if path and path not in dirs:
            dirs.append(path)

    for scheme in sysconfig.get_scheme_names():
        try:
            paths = sysconfig.get_paths(scheme)
        except (KeyError, ValueError):
            continue
        libs = [paths.get("purelib"), paths.get("platlib")]
        if any(lib and _same_dir(lib, site_dir) for lib in libs):
            add(paths.get("scripts"))
    # --prefix: PREFIX/lib/pythonX.Y/site-packages, PREFIX/Lib/site-packages (Windows).
    levels = 2 if os.name == "nt" else 3
    prefix = site_dir
    for _ in range(levels):
        prefix = os.path.dirname(prefix)
    add(os.path.join(prefix, "Scripts" if os.name == "nt" else "bin"))
    # --target DIR puts the scripts into DIR/bin.
    add(os.path.join(site_dir, "bin"))
    # The running interpreter's own scripts directory.
    add(sysconfig.get_path("scripts"))
    return dirs


def find_binary() -> str:
    """The path of the cdf-signin executable this package runs.

    First the one installed with this package (``pip install cdf-signin`` puts it in the
    environment's scripts directory: ``bin`` of a virtual environment, ``~/.local/bin``,
    ``Scripts`` on Windows), else the first ``cdf-signin`` on PATH.

    Raises:
        Error: there is none; the message names every place looked in.
    """
    global _found
    found = _found
    if found is not None and os.path.isfile(found):
        return found
    with _lock:
        dirs = _scripts_dirs()
        for d in dirs:
            candidate = os.path.join(d, EXE)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                _found = candidate
                return candidate
        import shutil

        on_path = shutil.which(EXE)
        if on_path is not None:
            _found = on_path
            return on_path
    looked = ", ".join(dirs)
    raise Error(
        f"the {EXE} executable was not found: looked in {looked} and on PATH",
        f"install it with `{os.path.basename(sys.executable)} -m pip install cdf-signin`, "
        "or put cdf-signin on PATH",
    )


def forget() -> None:
    """Forgets the executable found, so that the next run looks again."""
    global _found
    _found = None


def cannot_run(binary: str, e: OSError, profile: Optional[str]) -> Error:
    """The error of a binary that could not be started: forgotten, so that the next call
    looks for it again, and named with how to get it back."""
    forget()
    return Error(
        f"cannot run {binary}: {e.strerror or e}",
        "reinstall it with `pip install --force-reinstall cdf-signin`",
        profile=profile,
    )
