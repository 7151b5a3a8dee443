"""greenroom: an internal developer portal that reads Backstage's formats unchanged."""

__version__ = "0.1.0"
