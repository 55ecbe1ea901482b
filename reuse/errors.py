"""The whole exception tree of `reuse`, under one root.

Every message names the file or item concerned and says what to do about it.
"""

from __future__ import annotations

__all__ = ["InputError", "OutputError", "ReuseError", "SettingsError"]


class ReuseError(Exception):
    """Root of every error `reuse` raises on purpose."""


class InputError(ReuseError):
    """An input file or record cannot be used: unreadable, empty, bad encoding, duplicate id."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class SettingsError(ReuseError, ValueError):
    """A setting is out of range or settings contradict each other."""


class OutputError(ReuseError):
    """A result cannot be written where it was asked for."""
