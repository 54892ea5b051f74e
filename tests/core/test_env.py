"""Settings come from the environment, typed and loud."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from lers.env import Env


def test_booleans_integers_and_choices_are_parsed():
    env = Env({"A": "yes", "B": "0", "N": "42", "C": "postgres"})
    assert env.bool("A", default=False) is True
    assert env.bool("B", default=True) is False
    assert env.bool("MISSING", default=True) is True
    assert env.int("N", 1) == 42
    assert env.choice("C", ["sqlite", "postgres"], "sqlite") == "postgres"


@pytest.mark.parametrize(
    ("source", "call", "message"),
    [
        ({"X": "maybe"}, lambda e: e.bool("X", default=False), "X: expected a boolean"),
        ({"X": "ten"}, lambda e: e.int("X", 1), "X: expected an integer"),
        ({"X": "0"}, lambda e: e.int("X", 1, minimum=1), "X: must be at least 1"),
        ({"X": "mysql"}, lambda e: e.choice("X", ["a", "b"], "a"), "X: expected one of a, b"),
        ({"X": "1", "X_FILE": "/x"}, lambda e: e.str("X"), "either X or X_FILE"),
    ],
)
def test_bad_values_name_the_variable(source, call, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        call(Env(source))


def test_secrets_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret-value\n", encoding="utf-8")
    assert Env({"TOKEN_FILE": str(secret)}).str("TOKEN") == "s3cret-value"


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lers", "check"],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path):
    result = _start({"LERS_MODE": "production", "LERS_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY: required when LERS_MODE=production" in result.stderr


def test_a_bad_database_url_stops_start_up(tmp_path):
    result = _start({"DATABASE_URL": "mysql://x@y/z", "LERS_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_embedded_defaults_need_no_variable(tmp_path):
    result = _start({"LERS_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key").exists()
