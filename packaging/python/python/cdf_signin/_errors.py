"""The exceptions, and how a failed run of the command line becomes one."""

from __future__ import annotations

TYPE_CHECKING = False  # not imported from typing: that import costs milliseconds

if TYPE_CHECKING:
    from typing import Optional, Sequence

# The command line's exit code for "sign in first" (src/cli/failure.rs, EXIT_SIGN_IN).
EXIT_SIGN_IN = 3


class Error(Exception):
    """cdf-signin could not give what was asked for.

    ``str(error)`` is the command line's own one-line message and, after it, its hint
    (what to do). Neither ever holds a token or a secret.

    Attributes:
        message: What went wrong, as the command line says it.
        hint: What to do about it, or ``None``.
        profile: The profile asked for (``None`` for the default profile).
        exit_code: The command line's exit code, or ``None`` when it did not run.
    """

    def __init__(
        self,
        message: str,
        hint: Optional[str] = None,
        *,
        profile: Optional[str] = None,
        exit_code: Optional[int] = None,
    ) -> None:
        self.message = message
        self.hint = hint
        self.profile = profile
        self.exit_code = exit_code
        super().__init__(self._text())

    def _text(self) -> str:
        text = self.message
        if self.profile is not None and f"'{self.profile}'" not in text:
            text = f"profile '{self.profile}': {text}"
        if self.hint:
            text = f"{text} (hint: {self.hint})"
        return text

    def __str__(self) -> str:
        return self._text()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(message={self.message!r}, hint={self.hint!r}, "
            f"profile={self.profile!r}, exit_code={self.exit_code!r})"
        )

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # Keeps the keyword arguments when pickled (multiprocessing, the SDK's workers).
        return (
            _rebuild,
            (type(self), self.message, self.hint, self.profile, self.exit_code),
        )


class SignInRequired(Error):
    """The profile has no token that can be renewed silently: sign in first.

    Raised when the command line ends with exit code 3. The hint says how:
    ``cdf-signin login --profile NAME`` in a terminal, or ``cdf_signin.login("NAME")``.
    """


def _rebuild(
    cls: type,
    message: str,
    hint: Optional[str],
    profile: Optional[str],
    exit_code: Optional[int],
) -> Error:
    error: Error = cls(message, hint, profile=profile, exit_code=exit_code)
    return error


def from_run(
    args: Sequence[str], code: int, stderr: str, profile: Optional[str]
) -> Error:
    """The exception for a run of the command line that ended with ``code``.

    Only the command line's ``error:`` and ``hint:`` lines are taken: they are written
    never to hold a secret. Nothing from stdout is, since that is where a token goes.
    """
    message: Optional[str] = None
    hint: Optional[str] = None
    for line in stderr.splitlines():
        if line.startswith("error: "):
            message, hint = line[len("error: ") :].strip(), None
        elif line.startswith("hint: ") and message is not None:
            hint = line[len("hint: ") :].strip()
    if message is None:
        command = " ".join(["cdf-signin", *args[:1]])
        message = f"{command} ended with exit code {code} and said no error"
    if code == EXIT_SIGN_IN:
        who = f'"{profile}"' if profile is not None else ""
        python = f"cdf_signin.login({who})"
        hint = f"{hint}, or {python} in Python" if hint else f"run {python}"
        return SignInRequired(message, hint, profile=profile, exit_code=code)
    return Error(message, hint, profile=profile, exit_code=code)
