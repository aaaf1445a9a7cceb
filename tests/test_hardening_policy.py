"""Issue 9, policy files: no silent overrides, sane bounds, one sentence for any file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import run_cli


def _check(capsys, tmp_path: Path, text: str):
    policy = tmp_path / "policy.toml"
    policy.write_text(text, encoding="utf-8")
    return run_cli(capsys, "report", "--policy", str(policy), "--as-of", "2024-06-01")


def _one_sentence(result, *words: str) -> None:
    assert result.code == 2, result
    assert "Traceback" not in result.err and result.err.count("\n") == 1, result.err
    for word in words:
        assert word in result.err, result.err


# 11


def test_cohorts_differing_only_by_spaces_are_refused_naming_both(capsys, tmp_path) -> None:
    result = _check(capsys, tmp_path, '[cohorts]\nexperienced = 18\n" experienced" = 1\n')
    _one_sentence(result, "'experienced'", "' experienced'", "differ only by spaces")


# 15


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("sustained_weeks = 9223372036854775807\n", ("'sustained_weeks'", "104")),
        ("sustained_weeks = 105\n", ("'sustained_weeks'", "104")),
        ("[cohorts]\nexperienced = 1e300\n", ("'cohorts.experienced'", "at most 1000")),
        ("[weights]\ncomplex = 1e12\n", ("'weights.complex'", "at most 100")),
    ],
)
def test_policy_values_have_upper_bounds_named_in_the_message(capsys, tmp_path, text, words):
    _one_sentence(_check(capsys, tmp_path, text), *words)


# 23


def test_a_deeply_nested_policy_is_one_sentence(capsys, tmp_path) -> None:
    result = _check(capsys, tmp_path, "x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    _one_sentence(result, "policy.toml")
    assert "RecursionError" not in result.err
