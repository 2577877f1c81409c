"""Measures cdf-signin's window against a bare eframe window (see benches/window.sh)."""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.path.join(ROOT, os.environ.get("BENCH_TARGET", "target"))
APP = os.path.join(TARGET, "release/cdf-signin")
BARE = os.path.join(TARGET, "release/examples/bare_window")
RENDERER = os.environ.get("CDF_SIGNIN_RENDERER", "glow")
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
TICKS = os.sysconf("SC_CLK_TCK")


def xvfb():
    p = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return p, ":" + p.stdout.readline().strip()


def colours(display, window, path):
    if subprocess.run(["import", "-window", window, path], env={**os.environ, "DISPLAY": display},
                      capture_output=True).returncode != 0:
        return 0
    out = subprocess.run(["identify", "-format", "%k", path], capture_output=True, text=True).stdout
    return int(out or 0)


def first_frame(cmd, wm_class, env, display, shot, min_colours):
    """Seconds from spawn until the window is mapped and shows more than a blank."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env={**env, "DISPLAY": display}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    window = None
    while time.perf_counter() - start < 30:
        if window is None:
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--class", wm_class],
                                   env={**os.environ, "DISPLAY": display}, capture_output=True, text=True).stdout.split()
            window = found[0] if found else None
        if window and colours(display, window, shot) >= min_colours:
            return proc, time.perf_counter() - start
        time.sleep(0.005)
    proc.kill()
    sys.exit(f"no frame from {cmd[0]}")


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def measure(name, cmd, wm_class, env, display, min_colours):
    shot = tempfile.mktemp(suffix=".png")
    frames, rss, cpu = [], [], []
    for i in range(RUNS):
        proc, t = first_frame(cmd, wm_class, env, display, shot, min_colours)
        frames.append(t * 1000)
        time.sleep(5)
        rss.append(rss_mib(proc.pid))
        if i == 0:
            before = cpu_seconds(proc.pid)
            time.sleep(30)
            cpu.append((cpu_seconds(proc.pid) - before) / 30 * 100)
        proc.terminate()
        proc.wait()
    return {"name": name, "first_frame_ms": statistics.median(frames), "rss_mib": statistics.median(rss),
            "idle_cpu_percent": cpu[0]}


def app_env(root, issuer, name):
    """A private config with one client-credentials profile and a cached token from `issuer`."""
    env = {**os.environ, "XDG_CONFIG_HOME": f"{root}/{name}/config", "XDG_DATA_HOME": f"{root}/{name}/data",
           "XDG_CACHE_HOME": f"{root}/{name}/cache", "CDF_SIGNIN_KEYRING_SERVICE": f"cdf-signin-window-bench-{name}",
           "NO_PROXY": "127.0.0.1,localhost"}
    env.pop("WAYLAND_DISPLAY", None)
    subprocess.run([APP, "profile", "add", "svc", "--cluster", "testcluster", "--project", "bench", "--tenant-id", "t",
                    "--client-id", "cc-client", "--flow", "client-credentials", "--authority", issuer,
                    "--client-secret-stdin"], env=env, input="cc-secret\n", text=True, check=True, capture_output=True)
    return env


def fresh_token(env):
    """A newly cached token, so the window opens on a token view with a live countdown."""
    subprocess.run([APP, "token", "--force-refresh"], env=env, check=True, capture_output=True)
    return env


def idp(ttl):
    p = subprocess.Popen(["node", os.path.join(ROOT, "tests/idp/server.mjs")], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                         env={**os.environ, "IDP_ACCESS_TOKEN_TTL": str(ttl)})
    return p, json.loads(p.stdout.readline())["issuer"]


def main():
    xv, display = xvfb()
    # One provider issuing 1-hour tokens (the countdown shows minutes), one issuing
    # 100-second tokens (it shows seconds, so the window repaints every second; renewal
    # at half the lifetime comes after the measurement).
    idp_hour, issuer_hour = idp(3600)
    idp_short, issuer_short = idp(100)
    root = tempfile.mkdtemp(prefix="cdf-signin-window-bench-")
    try:
        hour = app_env(root, issuer_hour, "hour")
        short = app_env(root, issuer_short, "short")
        results = [
            measure("bare eframe window", [BARE], "bare-window", hour, display, 3),
            measure("bare window, 1 Hz repaint", [BARE], "bare-window", {**hour, "BARE_TICK": "1"}, display, 3),
            measure("cdf-signin, 1 h token", [APP], "cdf-signin", fresh_token(hour), display, 50),
            measure("cdf-signin, 100 s token", [APP], "cdf-signin", fresh_token(short), display, 50),
        ]
    finally:
        idp_hour.terminate()
        idp_short.terminate()
        xv.terminate()
    print(f"renderer: {RENDERER} (Mesa software rendering under Xvfb); runs: {RUNS}; medians")
    for r in results:
        print(f"{r['name']:28} first frame {r['first_frame_ms']:7.1f} ms   RSS {r['rss_mib']:6.1f} MiB   "
              f"idle CPU {r['idle_cpu_percent']:5.2f} %")
    bare, app = results[0], results[2]
    print(f"ratios: first frame {app['first_frame_ms'] / bare['first_frame_ms']:.2f}x (target <= 1.5x), "
          f"RSS {app['rss_mib'] / bare['rss_mib']:.2f}x (target <= 1.3x), idle CPU target < 1 %")


if __name__ == "__main__":
    main()
