"""Every setting is checked, and derived values follow the corpus size."""

from __future__ import annotations

import pytest

from reuse.errors import ReuseError, SettingsError
from reuse.settings import EXHAUSTIVE_UP_TO, SAMPLED_EVERY, Settings


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("min_words", 0, "min_words must be at least 1"),
        ("seed_words", 0, "seed_words must be at least 1"),
        ("sample", -1, "sample must be 0"),
        ("max_df", 1, "max_df must be at least 2"),
        ("max_gap", -1, "cannot be negative"),
        ("max_indel", 9, "cannot exceed max_gap"),
        ("min_identity", 1.5, "min_identity must be in [0, 1]"),
        ("topic_matrix_limit", -1, "cannot be negative"),
    ],
)
def test_bad_values_are_refused(field: str, value: float, message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Settings(**{field: value})  # type: ignore[arg-type]


def test_settings_error_is_a_reuse_error_and_a_value_error() -> None:
    assert issubclass(SettingsError, ReuseError)
    assert issubclass(SettingsError, ValueError)


def test_sampling_is_exhaustive_for_small_corpora() -> None:
    assert Settings().sample_for(EXHAUSTIVE_UP_TO) == 1
    assert Settings().sample_for(EXHAUSTIVE_UP_TO + 1) == SAMPLED_EVERY
    assert Settings(sample=3).sample_for(10) == 3


def test_as_dict_lists_every_field() -> None:
    assert Settings(min_words=20).as_dict()["min_words"] == 20
    assert set(Settings().as_dict()) == set(Settings.__dataclass_fields__)
