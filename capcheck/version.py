"""capcheck's version: written into every baseline, noise floor, report and cache key."""

__version__ = "0.1.0"
