"""Tandem: self-hosted peer mentoring programs."""

__version__ = "0.1.0"
