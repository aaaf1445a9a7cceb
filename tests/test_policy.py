"""The policy file: defaults, custom cohorts, and every kind of bad file named plainly."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from cfmonitor.policy import Policy, PolicyError, load_policy

REPO = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_the_councils_targets():
    policy = load_policy(None)
    assert dict(policy.cohorts) == {"experienced": 18, "nqsw": 15}
    assert dict(policy.weights) == {"standard": 1.0, "complex": 1.2, "intense": 1.5}
    assert policy.near_band == 0.90
    assert policy.sustained_weeks == 4


def test_documented_policy_file_matches_the_defaults():
    documented = load_policy(REPO / "db" / "policy.toml")
    default = Policy()
    assert dict(documented.cohorts) == dict(default.cohorts)
    assert dict(documented.weights) == dict(default.weights)
    assert documented.near_band == default.near_band
    assert documented.sustained_weeks == default.sustained_weeks
    assert documented.stale_after_days == default.stale_after_days == 35
    # every documented top-level key is one the loader knows
    assert set(tomllib.loads((REPO / "db" / "policy.toml").read_text())) <= {
        "near_band",
        "sustained_weeks",
        "stale_after_days",
        "cohorts",
        "weights",
    }


def test_custom_cohorts_replace_the_list_and_weights_merge(tmp_path):
    path = write(
        tmp_path,
        "near_band = 0.85\n[cohorts]\nexperienced = 18\nnqsw = 15\n"
        "senior_practitioner = 16\nteam_manager = 0\n[weights]\nintense = 2\n",
    )
    policy = load_policy(path)
    assert policy.cohorts["senior_practitioner"] == 16
    assert policy.cohorts["team_manager"] == 0
    assert dict(policy.weights) == {"standard": 1.0, "complex": 1.2, "intense": 2.0}
    assert policy.near_band == 0.85
    assert policy.source == str(path)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("near_bnad = 0.9\n", "'near_bnad'"),
        ("[cohorts]\nexperienced = 'eighteen'\n", "'cohorts.experienced'"),
        ("[cohorts]\nexperienced = true\n", "'cohorts.experienced'"),
        ("[cohorts]\nnqsw = -1\n", "'cohorts.nqsw'"),
        ("[weights]\ncomplex = -1.2\n", "'weights.complex'"),
        ("[weights]\nextreme = 3\n", "'weights.extreme'"),
        ("[weights]\nstandard = nan\n", "'weights.standard'"),
        ("near_band = 1.5\n", "'near_band'"),
        ("near_band = 'high'\n", "'near_band'"),
        ("sustained_weeks = 0\n", "'sustained_weeks'"),
        ("cohorts = 18\n", "'cohorts'"),
        ("[cohorts]\n", "'cohorts'"),
    ],
)
def test_bad_policy_is_refused_naming_the_key(tmp_path, text, named):
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    message = str(raised.value)
    assert named in message
    assert str(path) in message


def test_not_toml(tmp_path):
    with pytest.raises(PolicyError, match="not valid TOML"):
        load_policy(write(tmp_path, "[cohorts\nexperienced = 18\n"))


def test_missing_policy_file(tmp_path):
    with pytest.raises(PolicyError, match="no such policy file"):
        load_policy(tmp_path / "missing.toml")


def test_policy_folder(tmp_path):
    with pytest.raises(PolicyError, match="folder"):
        load_policy(tmp_path)


def test_stale_after_days_is_a_bounded_whole_number(tmp_path):
    assert load_policy(write(tmp_path, "stale_after_days = 7\n")).stale_after_days == 7
    for bad in ("0", "-3", "3661", "7.5", "true", '"35"'):
        with pytest.raises(PolicyError, match="'stale_after_days' must be a whole number"):
            load_policy(write(tmp_path, f"stale_after_days = {bad}\n"))
