"""How long things typed by people may be; the database columns are sized to match."""

from __future__ import annotations

TITLE_MAX = 200
NOTE_MAX = 1000
NAME_MAX = 80
UNIT_MAX = 40
PAGE_SIZE = 20  # objectives per list page: well inside Slack's 50 blocks a message
MAX_WEIGHT = 100.0
