"""Getting paid: a pay link and QR code for the account, and the text a pay link prefills."""

from __future__ import annotations

from typing import ClassVar

import attrs

import parser.payments as payments
from actors.intents.base import Intent
from actors.intents.tap import Fixed


@attrs.frozen
class GetPaid(Intent):
    """`receive [amount]` or the menu's "Get paid": a pay link and QR code for the account."""

    self_contained: ClassVar[bool] = True
    words: payments.Receive = attrs.field(factory=payments.Receive)


@attrs.frozen
class PayLink(Intent):
    """A pay link's prefilled text: offer credex to `pay.handle` (confirmation first)."""

    self_contained: ClassVar[bool] = True
    pay: payments.Pay


GET_PAID = "getpaid"  # the menu's pay link and QR code for the active account

TAPS = (Fixed(GET_PAID, GetPaid()),)
