"""The workspace the Slack tests act in: the clock they read and the reps who act."""

from __future__ import annotations

from datetime import UTC, datetime

# Thursday 26 November 2026, 15:00 UTC: 10:00 in New York, midnight in Tokyo.
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
REP_NY = "U0REPNY"
REP_TOKYO = "U0REPTOKYO"
