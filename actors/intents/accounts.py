"""Accounts: the list of the member's accounts, switching, and opening a business account.

Account ids travel in the id, so an old tap acts on the account it was shown for, re-checked
against a fresh view from credex-core.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from actors.intents.base import Intent
from actors.intents.tap import PAGE, UUID, Field, Fixed, TapId


@attrs.frozen
class OpenAccounts(Intent):
    self_contained: ClassVar[bool] = True
    page: int = 1


@attrs.frozen
class SwitchAccount(Intent):
    self_contained: ClassVar[bool] = True
    account_id: str


@attrs.frozen
class NewAccount(Intent):
    """Start creating a business account."""

    self_contained: ClassVar[bool] = True


@attrs.frozen
class CreateAccount(Intent):
    """The confirmation tap of the new-account form; valid only while that form awaits it."""

    self_contained: ClassVar[bool] = True
    handle: str


ACCOUNTS = "accounts"
NEW_ACCOUNT = "account:new"
accounts_page = TapId("accounts:page:{page}", OpenAccounts, page=PAGE)
switch_account = TapId("account:switch:{account_id}", SwitchAccount, account_id=UUID)
create_account = TapId("account:create:{handle}", CreateAccount, handle=Field("[a-z0-9_]{3,30}"))

TAPS = (
    Fixed(ACCOUNTS, OpenAccounts()),
    Fixed(NEW_ACCOUNT, NewAccount()),
    accounts_page,
    switch_account,
    create_account,
)
WORDS = dict.fromkeys(("accounts", "account"), OpenAccounts())
