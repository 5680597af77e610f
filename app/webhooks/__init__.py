"""Organisations' webhooks, signed as the Standard Webhooks specification says."""
