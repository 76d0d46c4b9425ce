"""The scheduled passes: the morning nudge sweep and the channel summaries, on one skeleton."""
