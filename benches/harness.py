"""What the Python benchmarks share: the test provider, one timed run of a command, and
the median of many. Imported by the benchmark scripts beside it (their folder is on
sys.path when they run)."""

import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start_idp():
    """The test OpenID provider (tests/idp/server.mjs) and its issuer URL."""
    p = subprocess.Popen(
        ["node", os.path.join(ROOT, "tests/idp/server.mjs")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    ready = json.loads(p.stdout.readline())
    return p, ready["issuer"]


def timed(cmd, env):
    """Milliseconds of one run of `cmd`; a failing command ends the benchmark."""
    start = time.perf_counter()
    r = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    elapsed = (time.perf_counter() - start) * 1000
    if r.returncode != 0:
        sys.exit(f"benchmark command failed: {cmd[:3]}...: {r.stderr.strip()}")
    return elapsed


def median_of(cmd, env, runs, warmup=3):
    """The median of `runs` timed runs, after `warmup` untimed ones."""
    for _ in range(warmup):
        timed(cmd, env)
    return statistics.median(timed(cmd, env) for _ in range(runs))
