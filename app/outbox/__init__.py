"""The transactional outbox: side effects written with the change, delivered after commit."""
