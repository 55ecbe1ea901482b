"""One root for every deliberate error; input errors name their source."""

from __future__ import annotations

from reuse.errors import InputError, OutputError, ReuseError, SettingsError


def test_every_error_has_one_root() -> None:
    for error in (InputError, OutputError, SettingsError):
        assert issubclass(error, ReuseError)


def test_input_error_names_source_and_reason() -> None:
    error = InputError("seeds/x.pdf", "PDF is not a supported input; save it as .txt")
    assert str(error) == "seeds/x.pdf: PDF is not a supported input; save it as .txt"
    assert (error.source, error.reason) == (
        "seeds/x.pdf",
        "PDF is not a supported input; save it as .txt",
    )
