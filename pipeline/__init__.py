"""stancemap: who said what about which policy proposal, and were they for or against it."""

__version__ = "0.1.0"
