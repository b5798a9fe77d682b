"""Moves the clock of a Python process that a test started, to where `pytest --at` moved the test's own.

tests/conftest.py puts this folder on PYTHONPATH when `--at` is given, so every child Python (a second bot
instance, `okrbot worker`, a sender process) imports it at start-up and lives at the same moment as the test.
"""

import os

if _at := os.environ.get("OKRBOT_TEST_AT"):
    import time
    from datetime import datetime, timedelta

    import time_machine

    # The test's clock has been running since it travelled: start this process's where it has got to.
    _since = time.time() - float(os.environ["OKRBOT_TEST_AT_SET_AT"])
    time_machine.travel(datetime.fromisoformat(_at) + timedelta(seconds=_since), tick=True).start()
