"""Runs cells in a real Jupyter kernel and reports what a notebook would have shown.

    python kernel.py CELL...

Started by tests/python_wheel.rs with the Jupyter venv's python (tests/setup.sh,
tests/python/prepare.sh --jupyter). jupyter_client starts an IPython kernel (ipykernel,
this interpreter) on loopback ports it picks free itself, executes each cell in turn and
reads the kernel's iopub messages for it until the kernel is idle again. On stderr, as
they come: `cell N` before each cell, then the cell's stream output, so that the test
can act on a line (a device code to approve) while the cell runs. On stdout, at the end,
one JSON line: for each cell its execute_reply status and its iopub messages (type and
content). The kernel inherits this process's environment (the test's config
directories, keyring and Jupyter directories).
"""

import json
import sys
import time

from jupyter_client.manager import start_new_kernel

# A sign-in the test approves takes seconds; this only ends a run that hangs.
CELL_TIMEOUT = 120.0


def run_cell(client, code):
    msg_id = client.execute(code)
    messages = []
    deadline = time.monotonic() + CELL_TIMEOUT
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"the cell did not finish in {CELL_TIMEOUT} s: {messages}")
        msg = client.get_iopub_msg(timeout=left)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        messages.append({"type": kind, "content": content})
        if kind == "stream":
            sys.stderr.write(content["text"])
            sys.stderr.flush()
        if kind == "status" and content["execution_state"] == "idle":
            break
    reply = client.get_shell_msg(timeout=CELL_TIMEOUT)
    return {"status": reply["content"]["status"], "messages": messages}


def main():
    started = time.monotonic()
    manager, client = start_new_kernel(kernel_name="python3", startup_timeout=60)
    print(f"kernel started in {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
    try:
        cells = []
        for n, code in enumerate(sys.argv[1:], start=1):
            print(f"cell {n}", file=sys.stderr, flush=True)
            cells.append(run_cell(client, code))
        print(json.dumps(cells))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
