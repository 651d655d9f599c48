"""A WhatsApp user in an end-to-end test: types, taps and picks through the WhatsApp simulator
(signed webhooks into the real gateway) and reads exactly the replies each action caused."""

from __future__ import annotations

from typing import Any

from simulator.whatsapp.app import WhatsAppSimulator

Payload = dict[str, Any]


def body(payload: Payload) -> str:
    """The text a user reads: a text message's body or an interactive message's body."""
    if payload["type"] == "text":
        return str(payload["text"]["body"])
    if payload["type"] in ("image", "document"):
        return str(payload[payload["type"]].get("caption", ""))
    return str(payload["interactive"]["body"]["text"])


def buttons(payload: Payload) -> dict[str, str]:
    """Reply buttons offered by a payload, title -> id."""
    if payload["type"] != "interactive" or payload["interactive"]["type"] != "button":
        return {}
    found = (b["reply"] for b in payload["interactive"]["action"]["buttons"])
    return {b["title"]: b["id"] for b in found}


def rows(payload: Payload) -> dict[str, str]:
    """List rows offered by a payload, title -> id."""
    if payload["type"] != "interactive" or payload["interactive"]["type"] != "list":
        return {}
    sections = payload["interactive"]["action"]["sections"]
    return {row["title"]: row["id"] for section in sections for row in section["rows"]}


def said(payloads: list[Payload]) -> str:
    return "\n".join(body(p) for p in payloads)


class Phone:
    """One user; every action waits for the number of replies it should cause and returns them.

    A reply arriving beyond that number is not lost: the next action returns it first, so an
    unexpected extra reply makes that action's assertions fail.
    """

    def __init__(self, whatsapp: WhatsAppSimulator, number: str, name: str = "Demo User") -> None:
        self.whatsapp = whatsapp
        self.number = number
        self.name = name
        self.read = 0
        self.last_wamid = ""  # of the newest message this user sent

    async def replies(self, count: int, within: float = 10.0) -> list[Payload]:
        sent = await self.whatsapp.wait_for_messages(self.number, self.read + count, within)
        new = sent[self.read : self.read + count]
        self.read += count
        return new

    async def say(self, text: str, expect: int = 1) -> list[Payload]:
        self.last_wamid = await self.whatsapp.send_text(self.number, text, name=self.name)
        return await self.replies(expect)

    async def tap(self, title: str, expect: int = 1) -> list[Payload]:
        """Tap the newest button whose title contains `title`."""
        button_id, full = self.find(buttons, title)
        self.last_wamid = await self.whatsapp.tap_button(
            self.number, button_id, full, name=self.name
        )
        return await self.replies(expect)

    async def tap_id(self, button_id: str, title: str = "", expect: int = 1) -> list[Payload]:
        """Tap a button by id, e.g. one on a screen long gone (its id carries its meaning)."""
        self.last_wamid = await self.whatsapp.tap_button(
            self.number, button_id, title, name=self.name
        )
        return await self.replies(expect)

    async def pick(self, title: str, expect: int = 1) -> list[Payload]:
        """Choose the newest list row whose title contains `title`."""
        row_id, full = self.find(rows, title)
        self.last_wamid = await self.whatsapp.pick_row(self.number, row_id, full, name=self.name)
        return await self.replies(expect)

    async def pick_id(self, row_id: str, title: str = "", expect: int = 1) -> list[Payload]:
        self.last_wamid = await self.whatsapp.pick_row(self.number, row_id, title, name=self.name)
        return await self.replies(expect)

    async def send_kind(self, kind: str, expect: int = 1) -> list[Payload]:
        self.last_wamid = await self.whatsapp.send_kind(self.number, kind, name=self.name)
        return await self.replies(expect)

    def find(self, choices: Any, title: str) -> tuple[str, str]:
        for payload in reversed(self.whatsapp.sent_to(self.number)):
            for full, choice_id in choices(payload).items():
                if title in full:
                    return choice_id, full
        raise AssertionError(f"no choice titled {title!r} was offered to {self.number}")

    def button_id(self, title: str) -> str:
        return self.find(buttons, title)[0]

    def row_ids(self, prefix: str) -> list[str]:
        """Ids of the rows of the newest list, starting with `prefix` (e.g. "offer:in:")."""
        for payload in reversed(self.whatsapp.sent_to(self.number)):
            found = rows(payload)
            if found:
                return [i for i in found.values() if i.startswith(prefix)]
        raise AssertionError(f"no list was sent to {self.number}")

    @property
    def rejected(self) -> list[Payload]:
        return self.whatsapp.rejected_to(self.number)
