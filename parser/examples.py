"""How an error message shows the right form: the same example reads differently per context.

A form step asking for an amount says "like 0.5"; a quick command says "like 0.5=>bob". Each
grammar takes a `Shape` that wraps its example piece in the form the user is typing.
"""

from __future__ import annotations

from collections.abc import Callable

Shape = Callable[[str], str]


def as_is(example: str) -> str:
    """The shape of a form step that asks for the piece alone."""
    return example
