"""Not collected by the suite (no test_ prefix): run on purpose by test_ci.py to prove
that a failing test makes `.ci/run` fail."""

import os


def test_canary():
    assert os.environ.get("SAMEN_CI_CANARY") != "fail", "the canary failed, as asked"
