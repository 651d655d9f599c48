"""The errors the grammars raise: a friendly message for the user, and where it went wrong."""

from __future__ import annotations


class InputError(Exception):
    """What the user typed cannot be read.

    `message` says what is wrong and what to send instead; it is shown to the user as is.
    `column` is 1-based, counted in characters of the text that was parsed.
    """

    def __init__(self, message: str, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.column = column

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, column={self.column})"


class QuickCommandError(InputError):
    """A quick command (`5=>bob`) is malformed.

    `line` is the 1-based line of the message the problem is on; when the message holds more
    than one command the text starts with "line N: " so the user can find it.
    """

    def __init__(self, message: str, column: int = 1, line: int = 1) -> None:
        super().__init__(message, column)
        self.line = line

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, column={self.column}, line={self.line})"
