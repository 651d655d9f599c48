"""CREDEX_ANSWER_SECONDS and CREDEX_WRITE_SETTLE_SECONDS: defaults, and errors that name them."""

from __future__ import annotations

import pytest

from gateway.settings import SettingsError, load_settings
from tests.gateway.test_settings import VALID


def test_credex_bounds_default_to_eight_and_sixty_seconds() -> None:
    settings = load_settings(VALID)
    assert settings.credex_answer_seconds == 8.0
    assert settings.credex_write_settle_seconds == 60.0


def test_credex_bounds_are_read_from_the_environment() -> None:
    env = {**VALID, "CREDEX_ANSWER_SECONDS": "5.5", "CREDEX_WRITE_SETTLE_SECONDS": "120"}
    settings = load_settings(env)
    assert settings.credex_answer_seconds == 5.5
    assert settings.credex_write_settle_seconds == 120.0


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("CREDEX_ANSWER_SECONDS", "soon", "must be a number of seconds"),
        ("CREDEX_ANSWER_SECONDS", "60", "must be between 2 and 25 seconds"),
        ("CREDEX_WRITE_SETTLE_SECONDS", "1", "must be between 5 and 3600 seconds"),
    ],
)
def test_a_bad_credex_bound_names_the_setting_and_the_problem(
    name: str, value: str, problem: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({**VALID, name: value})
    (line,) = caught.value.problems
    assert line.startswith(name) and problem in line and repr(value) in line
