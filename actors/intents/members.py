"""Members: who is authorized on the active account, adding and removing one."""

from __future__ import annotations

from typing import ClassVar, Literal

import attrs

from actors.intents.base import Intent
from actors.intents.tap import UUID, Field, Fixed, TapId, word

MemberStep = Literal["authorize", "ask_remove", "remove"]


@attrs.frozen
class OpenMembers(Intent):
    """Show who is authorized on the active account."""

    self_contained: ClassVar[bool] = True


@attrs.frozen
class AddMember(Intent):
    """Start authorizing another member on the active account."""

    self_contained: ClassVar[bool] = True


@attrs.frozen
class MemberAction(Intent):
    """`who` is a member handle for "authorize", a memberID otherwise."""

    self_contained: ClassVar[bool] = True
    action: MemberStep
    account_id: str
    who: str


MEMBERS = "members"
ADD_MEMBER = "members:add"
_ACTION = TapId(
    "members:{action}:{account_id}:{who}",
    MemberAction,
    action=word(authorize="authorize", remove="ask_remove", removenow="remove"),
    account_id=UUID,
    who=Field("[0-9A-Za-z_-]{1,64}"),
)


def authorize_member(account_id: str, handle: str) -> str:
    return _ACTION("authorize", account_id, handle)


def ask_remove_member(account_id: str, member_id: str) -> str:
    return _ACTION("ask_remove", account_id, member_id)


def remove_member(account_id: str, member_id: str) -> str:
    return _ACTION("remove", account_id, member_id)


TAPS = (Fixed(MEMBERS, OpenMembers()), Fixed(ADD_MEMBER, AddMember()), _ACTION)
WORDS = dict.fromkeys(("members", "member"), OpenMembers())
