"""Use-cases that more than one surface starts: opening and redrawing the forms."""
