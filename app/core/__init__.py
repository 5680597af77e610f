"""Small shared kit used by every domain: request context, middleware, logging, pagination."""
