"""Cognite Data Fusion tokens for Python, from cdf-signin.

cdf-signin signs you in (browser, device code or a service principal), keeps the
tokens encrypted with their key in the system keyring, and renews them silently. This
package hands them to the Cognite Python SDK::

    import cdf_signin

    client = cdf_signin.client("dev")          # a CogniteClient for profile "dev"
    client.iam.token.inspect()

or to anything else::

    cdf_signin.token("dev")                      # the access token itself
    cdf_signin.Credentials("dev")                # a CredentialProvider for ClientConfig

The ``cdf-signin`` command (window and command line) comes with this package; profiles
are made there (``cdf-signin`` opens the window, ``cdf-signin profile add`` the command
line). Importing this package does not import the SDK; ``pip install "cdf-signin[sdk]"``
brings the SDK for :func:`client`.
"""

from __future__ import annotations

import threading
TYPE_CHECKING = False  # not imported from typing: that import costs milliseconds

from ._binary import find_binary
from ._credentials import Credentials
from ._errors import Error, SignInRequired
from ._login import login
from ._run import run_json

if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional

    from cognite.client import AsyncCogniteClient, CogniteClient

__all__ = [
    "Credentials",
    "Error",
    "SignInRequired",
    "async_client",
    "client",
    "find_binary",
    "login",
    "profiles",
    "token",
]

_shared: "Dict[Optional[str], Credentials]" = {}
_shared_lock = threading.Lock()


def _credentials(profile: Optional[str]) -> Credentials:
    """One ``Credentials`` per profile for :func:`token`, so repeated calls are cheap."""
    with _shared_lock:
        creds = _shared.get(profile)
        if creds is None:
            creds = _shared[profile] = Credentials(profile)
        return creds


def token(profile: Optional[str] = None) -> str:
    """A valid access token for the profile (or its legacy API key).

    Cached, renewed or newly fetched for a service principal, exactly as
    ``cdf-signin token`` does; never starts a sign-in by itself.

    Args:
        profile: The profile; ``None`` for the default profile.

    Raises:
        SignInRequired: the profile must sign in first (:func:`login`).
        Error: anything else, in cdf-signin's own words.
    """
    return _credentials(profile).token()


def profiles() -> List[Dict[str, Any]]:
    """The profiles, as ``cdf-signin profile list --json`` gives them: a list of dicts
    with ``name``, ``default``, ``flow``, ``cluster``, ``project``, ``base_url``,
    ``tenant_id``, ``client_id``, ``production``, ``org`` and ``signed_in_as`` (who is
    signed in, by name or e-mail, from the cached tokens; ``None`` when no one is).

    Raises:
        Error: the profiles file cannot be read, in cdf-signin's own words.
    """
    answer = run_json(["profile", "list", "--json"], None)
    if not isinstance(answer, list):
        raise Error("cdf-signin profile list --json gave no list")
    return answer


def _sdk_missing(what: str) -> Error:
    return Error(
        f"{what} needs the Cognite Python SDK (cognite-sdk), which is not installed",
        "install it with `pip install \"cdf-signin[sdk]\"`",
    )


def _config(config_type: Any, profile: Optional[str], client_name: Optional[str]) -> Any:
    """The SDK's ``ClientConfig`` for the profile: its project and base URL, and a
    :class:`Credentials` for it."""
    creds = Credentials(profile)
    facts = creds.describe()
    return config_type(
        client_name=client_name or "cdf-signin",
        project=facts["project"],
        base_url=facts["base_url"],
        credentials=creds,
    )


def client(
    profile: Optional[str] = None, *, client_name: Optional[str] = None
) -> "CogniteClient":
    """A ``CogniteClient`` for the profile's project and base URL, with its
    :class:`Credentials`.

    Gets the first token at once, so that a profile that must sign in says so here
    rather than at the first request.

    Args:
        profile: The profile; ``None`` for the default profile.
        client_name: The ``x-cdp-app`` name CDF sees (default ``"cdf-signin"``).

    Raises:
        SignInRequired: the profile must sign in first (:func:`login`).
        Error: anything else, or the SDK is not installed.
    """
    try:
        from cognite.client import ClientConfig, CogniteClient
    except ImportError:
        raise _sdk_missing("cdf_signin.client()") from None
    return CogniteClient(_config(ClientConfig, profile, client_name))


def async_client(
    profile: Optional[str] = None, *, client_name: Optional[str] = None
) -> "AsyncCogniteClient":
    """An ``AsyncCogniteClient`` (cognite-sdk 8 and later) for the profile, like
    :func:`client`.

    Raises:
        SignInRequired: the profile must sign in first (:func:`login`).
        Error: anything else, or the SDK is missing or has no ``AsyncCogniteClient``.
    """
    try:
        from cognite.client import ClientConfig
    except ImportError:
        raise _sdk_missing("cdf_signin.async_client()") from None
    try:
        from cognite.client import AsyncCogniteClient
    except ImportError:
        raise Error(
            "cdf_signin.async_client() needs cognite-sdk 8 or later (AsyncCogniteClient)",
            "upgrade it with `pip install --upgrade \"cdf-signin[sdk]\" \"cognite-sdk>=8\"`",
        ) from None
    return AsyncCogniteClient(_config(ClientConfig, profile, client_name))
