"""Users, credentials, access and refresh tokens, API tokens, and the request principal."""
