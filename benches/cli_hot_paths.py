"""Times cdf-signin's hot paths and their floors, in one run, against one provider and
one keyring:

- `token` served from the cache in a fresh process, against `secret-tool lookup` of one
  item in the same keyring (the floor for reading a secret from a fresh process);
- a fresh client-credentials token (`token --force-refresh`), against a bare `curl` POST
  of the same token request (the floor for one round trip).

Prints medians and ratios. Targets: cached token <= 15 ms and <= 2x secret-tool;
fresh token <= 1.3x curl.
"""

import json
import os
import subprocess
import sys
import tempfile

from harness import median_of, start_idp

BIN = os.path.abspath(sys.argv[1])
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 40


def main():
    idp, issuer = start_idp()
    root = tempfile.mkdtemp(prefix="cdf-signin-bench-")
    env = dict(os.environ)
    env.update({
        "XDG_CONFIG_HOME": f"{root}/config", "XDG_DATA_HOME": f"{root}/data", "XDG_CACHE_HOME": f"{root}/cache",
        "CDF_SIGNIN_KEYRING_SERVICE": "cdf-signin-bench", "NO_PROXY": "127.0.0.1,localhost",
    })
    try:
        subprocess.run(
            [BIN, "profile", "add", "svc", "--cluster", "testcluster", "--project", "bench", "--tenant-id", "t",
             "--client-id", "cc-client", "--flow", "client-credentials", "--authority", issuer, "--client-secret-stdin"],
            env=env, input="cc-secret\n", text=True, check=True, capture_output=True,
        )
        subprocess.run([BIN, "token", "--profile", "svc"], env=env, check=True, capture_output=True)
        token_url = json.loads(subprocess.run(
            ["curl", "-s", f"{issuer}/.well-known/openid-configuration"], capture_output=True, text=True, check=True,
        ).stdout)["token_endpoint"]

        cached = median_of([BIN, "token", "--profile", "svc"], env, RUNS)
        floor_secret = median_of(
            ["secret-tool", "lookup", "service", "cdf-signin-bench", "username", "svc:client-secret"], env, RUNS)
        fresh = median_of([BIN, "token", "--profile", "svc", "--force-refresh"], env, RUNS)
        curl = median_of(
            ["curl", "-s", "-f", "-o", "/dev/null", "-X", "POST", token_url,
             "-d", "grant_type=client_credentials", "-d", "client_id=cc-client", "-d", "client_secret=cc-secret",
             "--data-urlencode", "scope=https://testcluster.cognitedata.com/.default"], env, RUNS)
    finally:
        idp.terminate()

    print(f"runs per measurement: {RUNS} (medians, ms)")
    print(f"cached `token` (fresh process)     {cached:7.2f}")
    print(f"secret-tool lookup (floor)        {floor_secret:7.2f}   ratio {cached / floor_secret:4.2f}x (target <= 2x, <= 15 ms)")
    print(f"fresh client-credentials `token`  {fresh:7.2f}")
    print(f"curl POST of the same request      {curl:7.2f}   ratio {fresh / curl:4.2f}x (target <= 1.3x)")


if __name__ == "__main__":
    main()
