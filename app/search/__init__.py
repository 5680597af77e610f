"""Precedent search: full text and legal-basis filters with facets, and autocomplete."""
