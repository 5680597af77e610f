"""Admissibility deadlines, manual dates, reminders and calendar feeds."""
