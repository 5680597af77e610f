"""The case record: cases, claims with findings, parties, timeline and citations."""
