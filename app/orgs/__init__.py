"""Organisations, memberships with roles, and who may see what."""
