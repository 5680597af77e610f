"""Model pleadings: Markdown templates that hubs share and litigators fill in for a case."""
