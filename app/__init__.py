"""Comity: case coordination and knock-on precedent matching for migrants' rights litigation."""

__version__ = "0.1.0"
