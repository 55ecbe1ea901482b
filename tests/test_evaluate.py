"""The PAN measures on small cases computed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from reuse.evaluate import Annotation, Scores, read_truth, score

CASE = Annotation("susp.txt", 100, 200, "src.txt", 1000, 1100)


def test_truth_as_detections_scores_one() -> None:
    other = Annotation("susp.txt", 500, 550, "src2.txt", 0, 80)
    result = score([CASE, other], [CASE, other])
    assert (result.precision, result.recall, result.granularity, result.plagdet) == (1, 1, 1, 1)


def test_case_found_in_two_halves() -> None:
    halves = [
        Annotation("susp.txt", 100, 150, "src.txt", 1000, 1050),
        Annotation("susp.txt", 150, 200, "src.txt", 1050, 1100),
    ]
    result = score([CASE], halves)
    assert (result.precision, result.recall, result.granularity) == (1, 1, 2)
    assert round(result.plagdet, 3) == 0.631


def test_detection_on_a_pair_without_reuse_lowers_precision() -> None:
    stray = Annotation("susp.txt", 0, 50, "unrelated.txt", 0, 50)
    result = score([CASE], [CASE, stray])
    assert (result.precision, result.recall, result.granularity) == (0.5, 1, 1)
    assert result.plagdet == pytest.approx(2 * 0.5 / 1.5)


def test_overlap_on_one_side_only_detects_nothing() -> None:
    wrong_source = Annotation("susp.txt", 100, 200, "src.txt", 5000, 5100)
    result = score([CASE], [wrong_source])
    assert (result.precision, result.recall, result.plagdet) == (0, 0, 0)


def test_partial_detection_counts_characters_on_both_sides() -> None:
    # Half of the suspicious side, all of the source side: 150 of 200 case characters,
    # and every detected character is inside the case.
    partial = Annotation("susp.txt", 100, 150, "src.txt", 1000, 1100)
    result = score([CASE], [partial])
    assert result.recall == 0.75 and result.precision == 1.0


def test_identical_detections_count_once() -> None:
    result = score([CASE], [CASE, CASE])
    assert (result.detections, result.granularity, result.plagdet) == (1, 1, 1)


def test_empty_sides() -> None:
    assert score([], []).plagdet == 1
    assert score([CASE], []).recall == 0
    assert score([], [CASE]).precision == 0


def test_scores_plagdet_formula() -> None:
    assert Scores(0.5, 1.0, 1.0, 1, 1).plagdet == pytest.approx(2 / 3)


def test_read_truth(tmp_path: Path) -> None:
    xml = tmp_path / "t.xml"
    xml.write_text(
        '<document reference="suspicious-document00006.txt">\n'
        '<feature name="plagiarism" obfuscation="random" source_length="402" '
        'source_offset="1084" source_reference="source-document00560.txt" '
        'this_length="269" this_offset="1412" type="artificial" />\n'
        '<feature name="about" authors="x" />\n'
        "</document>\n"
    )
    assert read_truth(xml) == [
        Annotation(
            "suspicious-document00006.txt", 1412, 1681, "source-document00560.txt", 1084, 1486
        )
    ]
    (tmp_path / "bad.xml").write_text("<document/>")
    with pytest.raises(ValueError, match="not a PAN truth file"):
        read_truth(tmp_path / "bad.xml")
