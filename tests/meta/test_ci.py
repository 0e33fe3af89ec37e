"""`.ci/run` calls `make test` and fails when a test fails."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_ci(canary: str):
    # Not the outer make's variables: a `make test PYTEST_ARGS=...` would pass its own
    # PYTEST_ARGS down through MAKEFLAGS and the nested run would run the whole suite again.
    outer = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    environment = {
        **outer,
        "SAMEN_CI_CANARY": canary,
        # Run only the canary, outside Django, so this nested run touches no test database.
        "PYTEST_ARGS": "-p no:django -p no:cacheprovider .ci/canary.py",
    }
    return subprocess.run(
        ["bash", ".ci/run"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_ci_runs_the_readme_command():
    script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in script
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme[:1500] and "make demo" in readme[:1500]


@pytest.mark.parametrize(("canary", "fails"), [("fail", True), ("pass", False)])
def test_ci_fails_exactly_when_a_test_fails(canary, fails):
    result = run_ci(canary)
    assert (result.returncode != 0) is fails, result.stdout[-2000:] + result.stderr[-2000:]
    assert "1 failed" in result.stdout if fails else "1 passed" in result.stdout
