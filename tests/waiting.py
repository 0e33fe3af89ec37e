"""Waiting for something another process does (a worker, a subprocess, a server)."""

import time


def wait_for(condition, seconds: float = 30) -> None:
    """Poll `condition` every 0.2 s until it is true; fail the test after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"condition not met within {seconds} s")
