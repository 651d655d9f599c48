"""Onboarding: an unknown phone becomes a member (first name, last name, confirm)."""

from __future__ import annotations

from typing import ClassVar

import attrs

from actors.intents.base import Intent
from actors.intents.tap import Fixed


@attrs.frozen
class BecomeMember(Intent):
    """The unknown user tapped "Become a member"."""

    self_contained: ClassVar[bool] = True


@attrs.frozen
class NameAnswer(Intent):
    register: bool


BECOME_MEMBER = "onboard:start"
NAME_OK = "onboard:register"
NAME_EDIT = "onboard:edit"

TAPS = (
    Fixed(BECOME_MEMBER, BecomeMember()),
    Fixed(NAME_OK, NameAnswer(register=True)),
    Fixed(NAME_EDIT, NameAnswer(register=False)),
)
