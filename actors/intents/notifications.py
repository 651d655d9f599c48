"""Notifications: who receives offer notifications for the active account, and changing it."""

from __future__ import annotations

from typing import ClassVar

import attrs

from actors.intents.base import Intent
from actors.intents.tap import UUID, Fixed, TapId, word


@attrs.frozen
class OpenNotifications(Intent):
    """Show who receives offer notifications for the active account."""

    self_contained: ClassVar[bool] = True


@attrs.frozen
class NotifyAction(Intent):
    self_contained: ClassVar[bool] = True
    confirmed: bool
    account_id: str
    member_id: str


NOTIFICATIONS = "notifications"
_NOTIFY = TapId(
    "notify:{confirmed}:{account_id}:{member_id}",
    NotifyAction,
    confirmed=word(set=False, setnow=True),
    account_id=UUID,
    member_id=UUID,
)


def ask_notify(account_id: str, member_id: str) -> str:
    return _NOTIFY(False, account_id, member_id)


def set_notify(account_id: str, member_id: str) -> str:
    return _NOTIFY(True, account_id, member_id)


TAPS = (Fixed(NOTIFICATIONS, OpenNotifications()), _NOTIFY)
WORDS = dict.fromkeys(("notifications", "notification"), OpenNotifications())
