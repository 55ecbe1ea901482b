"""Every knob of `reuse`: its default, its check, and the values derived from it."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from reuse.errors import SettingsError

__all__ = ["Settings"]

# Up to this many documents, the candidate index keeps every shingle (exhaustive and
# still fast); above it, one in two. One in four loses 5% of lightly edited 50-99-word
# passages (they share too few sampled shingles); one in two keeps 99%.
EXHAUSTIVE_UP_TO = 20_000
SAMPLED_EVERY = 2
# Reworded-passage search compares every sentence of both articles of each candidate
# pair, and costs more than all the rest of the pipeline; above this many documents it
# runs only when asked for.
REWORDED_UP_TO = 20_000
REWORDED = 0.33


@dataclass(frozen=True, slots=True)
class Settings:
    """Settings for one comparison. Every field is checked on construction.

    Attributes:
        min_words: shortest passage reported, in words on each side. Lower finds short
            shared phrases (and more coincidences); higher keeps only substantial reuse.
        shingle_words: words per shingle in the candidate index.
        sample: keep one shingle hash in ``sample`` for the candidate index (a
            MinHash-family sample: the same shingle is kept in every document); 0 picks
            automatically by corpus size.
        min_shared: sampled shingles two documents must share to be aligned; they
            must also lie far enough apart for their words to reach half of
            ``min_words`` (fewer, side by side, are a common phrase).
        max_df: shingles found in more documents than this are boilerplate and ignored
            by the candidate index.
        seed_words: length of the exact word runs that anchor an alignment.
        max_gap: longest edit, in words on either side, bridged inside one passage.
        max_indel: longest text inserted on one side only that a passage may bridge;
            longer insertions (promos, captions) split the passage.
        min_identity: matched words over mean passage length, below which a passage
            is dropped.
        topic_matrix_limit: the full topic-similarity matrix is computed up to this
            many documents; beyond it only reported pairs get a topic similarity.
        reworded: cosine and Dice two sentences must both reach to count as the same
            sentence reworded (0 turns reworded-passage search off). Lower finds looser
            paraphrase, and more coincidences between reports of one event. None picks
            automatically: 0.33 up to 20,000 documents, off above (it would cost more
            than all the rest).
        boilerplate: a line (text between line breaks) found word for word in at least
            this many documents is boilerplate (a newsletter call, a copyright line) and
            is never part of a passage, unless it lies in a run of such lines longer than
            50 words (a story many outlets reprinted); 0 turns this off.
    """

    min_words: int = 15
    shingle_words: int = 5
    sample: int = 0
    min_shared: int = 3
    max_df: int = 100
    seed_words: int = 3
    max_gap: int = 8
    max_indel: int = 4
    min_identity: float = 0.5
    topic_matrix_limit: int = 2000
    reworded: float | None = None
    boilerplate: int = 10

    def __post_init__(self) -> None:
        positive = {
            "min_words": self.min_words,
            "shingle_words": self.shingle_words,
            "min_shared": self.min_shared,
            "seed_words": self.seed_words,
        }
        for name, value in positive.items():
            if value < 1:
                raise SettingsError(f"{name} must be at least 1, got {value}")
        if self.sample < 0:
            raise SettingsError(f"sample must be 0 (automatic) or at least 1, got {self.sample}")
        if self.max_df < 2:
            raise SettingsError(f"max_df must be at least 2, got {self.max_df}")
        if self.max_gap < 0 or self.max_indel < 0:
            raise SettingsError("max_gap and max_indel cannot be negative")
        if self.max_indel > self.max_gap:
            raise SettingsError(
                f"max_indel ({self.max_indel}) cannot exceed max_gap ({self.max_gap})"
            )
        if not 0.0 <= self.min_identity <= 1.0:
            raise SettingsError(f"min_identity must be in [0, 1], got {self.min_identity}")
        if self.reworded is not None and not 0.0 <= self.reworded <= 1.0:
            raise SettingsError(f"reworded must be in [0, 1], got {self.reworded}")
        if self.boilerplate < 0 or self.boilerplate == 1:
            raise SettingsError(
                f"boilerplate must be 0 (off) or at least 2 documents, got {self.boilerplate}"
            )
        if self.topic_matrix_limit < 0:
            raise SettingsError("topic_matrix_limit cannot be negative")

    def sample_for(self, n_documents: int) -> int:
        """Return the shingle sampling modulus used for a corpus of ``n_documents``.

        >>> Settings().sample_for(5), Settings().sample_for(10**6), Settings(sample=2).sample_for(5)
        (1, 2, 2)
        """
        if self.sample:
            return self.sample
        return 1 if n_documents <= EXHAUSTIVE_UP_TO else SAMPLED_EVERY

    def reworded_for(self, n_documents: int) -> float:
        """Return the reworded-sentence threshold used for ``n_documents`` (0: off).

        >>> Settings().reworded_for(5), Settings().reworded_for(10**6)
        (0.33, 0.0)
        >>> Settings(reworded=0.4).reworded_for(10**6)
        0.4
        """
        if self.reworded is not None:
            return self.reworded
        return REWORDED if n_documents <= REWORDED_UP_TO else 0.0

    def as_dict(self) -> dict[str, object]:
        """Return the settings as a plain dict, for reports."""
        return asdict(self)
