"""``login()``: a profile's sign-in, on request."""

from __future__ import annotations

import subprocess
import sys
TYPE_CHECKING = False  # not imported from typing: that import costs milliseconds

from ._errors import from_run
from ._run import profile_args, start

if TYPE_CHECKING:
    from typing import Callable, List, Optional


def _notebook_display() -> Optional[Callable[[str, str], None]]:
    """Shows a device code's page and code in a notebook kernel; ``None`` elsewhere."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    try:
        shell = ipython.get_ipython()
        if shell is None or "ZMQ" not in type(shell).__name__:
            return None
        import importlib

        shown = importlib.import_module("IPython.display")
    except Exception:
        return None

    def show(url: str, code: str) -> None:
        # A raw bundle rather than ``HTML(...)``, whose plain-text alternative (what a
        # console client or a notebook saved as text shows) is "<...HTML object>".
        shown.display(
            {
                "text/html": _device_code_html(url, code),
                "text/plain": f"To sign in, open {url} and enter the code {code}",
            },
            raw=True,
        )

    return show


def _device_code_html(url: str, code: str) -> str:
    import html

    u, c = html.escape(url, quote=True), html.escape(code)
    return (
        f'<div>To sign in, open <a href="{u}" target="_blank">{u}</a> '
        f"and enter the code <code style=\"font-size:1.3em\">{c}</code></div>"
    )


def login(profile: Optional[str] = None, *, timeout: Optional[int] = None) -> None:
    """Signs the profile in, as ``cdf-signin login --profile NAME`` does.

    Interactive profiles open the browser; device-code profiles print the code and the
    URL to open (in Jupyter shown as a link and the code). Client credentials get their
    first token. Nothing else in this package ever starts a sign-in by itself.

    Args:
        profile: The profile; ``None`` for the default profile.
        timeout: Seconds to wait for the sign-in to finish (the command line's default
            when ``None``).

    Raises:
        Error: the sign-in failed or was cancelled, in cdf-signin's words.
    """
    args: List[str] = ["login", *profile_args(profile)]
    if timeout is not None:
        args += ["--timeout", str(int(timeout))]
    show = _notebook_display()
    _, child = start(args, profile, stdout=subprocess.DEVNULL)
    said: List[str] = []
    url: Optional[str] = None
    assert child.stderr is not None
    try:
        # The command line's instructions, passed on line by line (a notebook shows
        # what goes to sys.stderr, not what goes to the kernel's own stderr).
        for raw in child.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            said.append(line)
            print(line, file=sys.stderr, flush=True)
            stripped = line.strip()
            if stripped.startswith("URL:"):
                url = stripped[len("URL:") :].strip()
            elif stripped.startswith("Code:") and url is not None and show is not None:
                show(url, stripped[len("Code:") :].strip())
    except KeyboardInterrupt:
        child.terminate()
        child.wait()
        raise
    code = child.wait()
    if code != 0:
        raise from_run(args, code, "\n".join(said), profile)
