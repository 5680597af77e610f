"""The knock-on matcher: rank earlier wins from other jurisdictions for a new case."""
