"""``Credentials``: the Cognite SDK's credential provider, served by cdf-signin."""

from __future__ import annotations

import json
import threading
import time
TYPE_CHECKING = False  # not imported from typing: that import costs milliseconds

from ._errors import Error
from ._run import profile_args, run_json

if TYPE_CHECKING:
    from typing import Any, Dict, Optional, Tuple, Union

_DEFAULT_MIN_VALID = 60


class _Held:
    """One answer of ``cdf-signin token --json``, kept in memory (replaced whole, never
    changed, so a reader without the lock sees one answer or the next)."""

    __slots__ = ("header", "renew_at", "profile", "project", "base_url")

    def __init__(
        self,
        header: "Tuple[str, str]",
        renew_at: float,
        profile: str,
        project: str,
        base_url: str,
    ) -> None:
        self.header = header
        # time.time() after which the token is asked for again: the wall clock, which
        # (unlike time.monotonic() on Linux) goes on while a laptop sleeps.
        self.renew_at = renew_at
        self.profile = profile
        self.project = project
        self.base_url = base_url

    def __repr__(self) -> str:
        return f"_Held(profile={self.profile!r}, renew_at={self.renew_at!r})"


class Credentials:
    """A credential provider for the Cognite Python SDK that gets its tokens from
    cdf-signin: cached, silently renewed, never a secret in your code.

    Pass it as ``ClientConfig(credentials=Credentials("dev"), ...)``, or let
    :func:`cdf_signin.client` build the whole client.

    It is a :class:`cognite.client.credentials.CredentialProvider`: the SDK declares that
    a runtime-checkable protocol (``authorization_header`` and ``load``), so
    ``isinstance(creds, CredentialProvider)`` holds and type checkers accept it, without
    this package importing the SDK, which takes seconds: ``import cdf_signin`` stays as
    quick as a bare ``import subprocess``.

    The SDK asks for the header on every request and retry; the token is kept in memory
    until ``min_valid`` seconds before it expires, so cdf-signin runs once per token
    lifetime, and one thread at a time renews it (others wait for that answer).

    Args:
        profile: The cdf-signin profile; ``None`` for the default profile.
        min_valid: Seconds a token must still be valid for when handed out (default
            60). A token closer to its expiry is renewed first.

    Raises (from :meth:`authorization_header`):
        SignInRequired: the profile must sign in first (``cdf_signin.login(profile)``).
        Error: anything else cdf-signin could not do, in its own words.
    """

    def __init__(
        self, profile: Optional[str] = None, *, min_valid: int = _DEFAULT_MIN_VALID
    ) -> None:
        if profile is not None and not isinstance(profile, str):
            raise TypeError("profile must be a profile's name (str) or None")
        if isinstance(min_valid, bool) or not isinstance(min_valid, int):
            raise TypeError("min_valid must be a whole number of seconds")
        if min_valid < 0:
            raise ValueError("min_valid must be 0 or more seconds")
        self._profile = profile
        self._min_valid = min_valid
        self._held: "Optional[_Held]" = None
        self._lock = threading.Lock()

    @property
    def profile(self) -> Optional[str]:
        """The profile asked for (``None``: the default profile)."""
        return self._profile

    @property
    def min_valid(self) -> int:
        """Seconds a token must still be valid for when handed out."""
        return self._min_valid

    def authorization_header(self) -> Tuple[str, str]:
        """The header the SDK sends: ``("Authorization", "Bearer ...")``, or
        ``("api-key", ...)`` for a profile with a legacy API key."""
        held = self._held
        if held is not None and time.time() < held.renew_at:
            return held.header
        return self._renew().header

    def token(self) -> str:
        """The access token (or legacy API key) itself."""
        name, value = self.authorization_header()
        return value[len("Bearer ") :] if name == "Authorization" else value

    def describe(self) -> Dict[str, str]:
        """The profile's name, project and base URL, as cdf-signin gave them with the
        token (getting one first if none is held)."""
        held = self._current()
        return {
            "profile": held.profile,
            "project": held.project,
            "base_url": held.base_url,
        }

    def _current(self) -> _Held:
        held = self._held
        if held is not None and time.time() < held.renew_at:
            return held
        return self._renew()

    def _renew(self) -> _Held:
        with self._lock:
            # Another thread may have renewed it while this one waited for the lock.
            held = self._held
            if held is not None and time.time() < held.renew_at:
                return held
            asked_at = time.time()
            answer = run_json(
                [
                    "token",
                    "--json",
                    "--min-valid",
                    str(self._min_valid),
                    *profile_args(self._profile),
                ],
                self._profile,
            )
            held = _read_answer(answer, asked_at, self._min_valid, self._profile)
            self._held = held
            return held

    @classmethod
    def load(cls, config: Union[Dict[str, Any], str]) -> "Credentials":
        """Credentials from a configuration, as the SDK's providers are loaded:
        ``{"profile": "dev", "min_valid": 60}`` (both optional), or that as JSON text."""
        if isinstance(config, str):
            try:
                config = json.loads(config)
            except ValueError:
                raise ValueError("Credentials.load: the text is not JSON") from None
        if not isinstance(config, dict):
            raise ValueError("Credentials.load takes a dict with profile and min_valid")
        unknown = set(config) - {"profile", "min_valid"}
        if unknown:
            raise ValueError(f"Credentials.load: unknown keys {sorted(unknown)}")
        return cls(
            config.get("profile"),
            min_valid=config.get("min_valid", _DEFAULT_MIN_VALID),
        )

    def __repr__(self) -> str:
        return f"Credentials(profile={self._profile!r}, min_valid={self._min_valid})"

    # Pickled (the SDK copies its config into workers) without the lock or the token.
    def __getstate__(self) -> Dict[str, Any]:
        return {"profile": self._profile, "min_valid": self._min_valid}

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self.__init__(state["profile"], min_valid=state["min_valid"])  # type: ignore[misc]


def _read_answer(
    answer: Any, asked_at: float, min_valid: int, profile: Optional[str]
) -> _Held:
    try:
        token = answer["access_token"]
        kind = answer["token_type"]
        expires_in = answer["expires_in"]
        held_profile = str(answer["profile"])
        project = str(answer["project"])
        base_url = str(answer["base_url"])
        if not isinstance(token, str) or not token:
            raise TypeError
    except (KeyError, TypeError):
        raise Error(
            "cdf-signin token --json gave an answer this package does not understand",
            "install matching versions: `pip install --upgrade cdf-signin`",
            profile=profile,
        ) from None
    if kind == "api-key":
        # A legacy API key does not expire by itself.
        return _Held(("api-key", token), float("inf"), held_profile, project, base_url)
    left = float(expires_in or 0)
    # Kept until min_valid seconds before expiry; a token that lives less than that is
    # kept for half its life, so that a short-lived token does not cost a run per request.
    keep = left - min_valid if left > min_valid else left / 2
    header = ("Authorization", f"Bearer {token}")
    return _Held(header, asked_at + keep, held_profile, project, base_url)
