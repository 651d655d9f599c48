"""Pure parsy grammars for what users type: quick commands, amounts, handles, dates and words.

No I/O: every function here maps text to a typed value, None ("not for me"), or an InputError
whose message can be shown to the user as is.
"""

from parser.amount import DENOMINATIONS, AmountInput, parse_amount
from parser.dates import parse_date
from parser.errors import InputError, QuickCommandError
from parser.handle import parse_handle
from parser.quick import QuickOffer, parse_quick_commands
from parser.words import (
    Feeling,
    Navigation,
    parse_navigation,
    parse_row_number,
    parse_yes_no,
    reaction_feeling,
)

__all__ = [
    "DENOMINATIONS",
    "AmountInput",
    "Feeling",
    "InputError",
    "Navigation",
    "QuickCommandError",
    "QuickOffer",
    "parse_amount",
    "parse_date",
    "parse_handle",
    "parse_navigation",
    "parse_quick_commands",
    "parse_row_number",
    "parse_yes_no",
    "reaction_feeling",
]
