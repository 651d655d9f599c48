"""Navigation buttons: the same words a member can type (`menu`, `help`, `cancel`)."""

from __future__ import annotations

from actors.intents.base import Nav
from actors.intents.tap import Fixed
from parser import Navigation

MENU = "menu"
HELP = "help"
CANCEL = "nav:cancel"  # a Cancel button that means the navigation word *cancel*

TAPS = (
    Fixed(MENU, Nav(Navigation.MENU)),
    Fixed(HELP, Nav(Navigation.HELP)),
    Fixed(CANCEL, Nav(Navigation.CANCEL)),
)
