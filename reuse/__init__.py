"""Find where news articles reuse each other's text, and how similar their topics are.

>>> import reuse
>>> result = reuse.compare([reuse.Document("a", "one two three"), reuse.Document("b", "four")])
>>> result.pairs
()
"""

from __future__ import annotations

__version__ = "0.1.0"

from reuse.errors import InputError, OutputError, ReuseError, SettingsError
from reuse.model import (
    Document,
    Edit,
    Edits,
    Notice,
    PairResult,
    Passage,
    Result,
    Span,
    TopicMatrix,
)
from reuse.pipeline import compare
from reuse.settings import Settings

__all__ = [
    "Document",
    "Edit",
    "Edits",
    "InputError",
    "Notice",
    "OutputError",
    "PairResult",
    "Passage",
    "Result",
    "ReuseError",
    "Settings",
    "SettingsError",
    "Span",
    "TopicMatrix",
    "__version__",
    "compare",
]
