"""Times the Python package's credential provider against its floors, in one run, against
one provider and one keyring:

- `Credentials("cc").authorization_header()` with the token held in memory (what the
  SDK pays on every request and retry), in one process;
- the first header in a fresh process: `import cdf_signin`, then
  `Credentials("cc").authorization_header()`, the token taken from cdf-signin's cache;
- beside it, a bare `python -c "import subprocess; subprocess.run([cdf-signin, 'token',
  ...])"` (the floor: the same binary, nothing of the package), and the cognite-sdk's own
  `OAuthClientCredentials` getting a token from the provider in a fresh process.

Usage: python_credentials.py VENV SDK_SITE_PACKAGES [RUNS]; VENV has the wheel installed
alone, SDK_SITE_PACKAGES is the pinned cognite-sdk's (tests/setup.sh's target/pyenv).
Prints medians and ratios. Targets: cached header <= 5 us; first header <= 1.3x the bare
subprocess and faster than the SDK's own provider.
"""

import json
import os
import subprocess
import sys
import tempfile

from harness import median_of, start_idp

VENV = os.path.abspath(sys.argv[1])
SDK = os.path.abspath(sys.argv[2])
RUNS = int(sys.argv[3]) if len(sys.argv) > 3 else 30
PYTHON = os.path.join(VENV, "bin", "python")
BIN = os.path.join(VENV, "bin", "cdf-signin")


CACHED = """
import time, cdf_signin
creds = cdf_signin.Credentials("cc")
creds.authorization_header()
n = 200_000
best = None
for _ in range(5):
    start = time.perf_counter()
    for _ in range(n):
        creds.authorization_header()
    each = (time.perf_counter() - start) / n * 1e6
    best = each if best is None else min(best, each)
print(best)
"""

FIRST = 'import cdf_signin; cdf_signin.Credentials("cc").authorization_header()'
BARE = "import subprocess; subprocess.run([{bin!r}, 'token', '--profile', 'cc'], capture_output=True, check=True)"
SDK_CC = """
from cognite.client.credentials import OAuthClientCredentials
OAuthClientCredentials(token_url={url!r}, client_id="cc-client", client_secret="cc-secret",
    scopes=["https://testcluster.cognitedata.com/.default"]).authorization_header()
"""


def main():
    idp, issuer = start_idp()
    root = tempfile.mkdtemp(prefix="cdf-signin-bench-")
    env = dict(os.environ)
    env.update({
        "XDG_CONFIG_HOME": f"{root}/config", "XDG_DATA_HOME": f"{root}/data", "XDG_CACHE_HOME": f"{root}/cache",
        "CDF_SIGNIN_KEYRING_SERVICE": "cdf-signin-bench", "NO_PROXY": "127.0.0.1,localhost",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    env.pop("PYTHONPATH", None)
    sdk_env = dict(env, PYTHONPATH=SDK)
    try:
        subprocess.run(
            [BIN, "profile", "add", "cc", "--cluster", "testcluster", "--project", "bench", "--tenant-id", "t",
             "--client-id", "cc-client", "--flow", "client-credentials", "--authority", issuer, "--client-secret-stdin"],
            env=env, input="cc-secret\n", text=True, check=True, capture_output=True,
        )
        subprocess.run([BIN, "token", "--profile", "cc"], env=env, check=True, capture_output=True)
        token_url = json.loads(subprocess.run(
            ["curl", "-s", f"{issuer}/.well-known/openid-configuration"], capture_output=True, text=True, check=True,
        ).stdout)["token_endpoint"]

        cached = float(subprocess.run([PYTHON, "-c", CACHED], env=env, check=True, capture_output=True,
                                      text=True).stdout)
        first = median_of([PYTHON, "-c", FIRST], env, RUNS)
        bare = median_of([PYTHON, "-c", BARE.format(bin=BIN)], env, RUNS)
        # The SDK installed: the package still imports none of it.
        first_sdk = median_of([PYTHON, "-c", FIRST], sdk_env, RUNS)
        sdk = median_of([PYTHON, "-c", SDK_CC.format(url=token_url)], sdk_env, RUNS)
    finally:
        idp.terminate()

    print(f"runs per measurement: {RUNS} (medians, ms; the cached header: best of 5 x 200,000 calls)")
    print(f"cached authorization_header()            {cached:8.3f} us (target <= 5 us)")
    print(f"first header, fresh process              {first:8.2f}")
    print(f"  the same with the SDK installed        {first_sdk:8.2f}")
    print(f"bare subprocess.run of `token` (floor)   {bare:8.2f}   ratio {first / bare:4.2f}x (target <= 1.3x)")
    print(f"SDK OAuthClientCredentials, fresh process {sdk:7.2f}   ratio {first / sdk:4.2f}x (target < 1x)")


if __name__ == "__main__":
    main()
