"""Golden webhook fixtures, signing, and reading our counters from /metrics, for the tests."""

from __future__ import annotations

import copy
import json
import re
import time
from pathlib import Path
from typing import Any

import aiohttp
import orjson

from gateway.whatsapp.signature import sign
from tests.gateway.conftest import APP_SECRET, PNID

# The golden webhook inputs, in the repository (tests/fixtures/whatsapp-webhooks/README.md).
FIXTURES = Path(__file__).parents[1] / "fixtures" / "whatsapp-webhooks"


def fixture(file: str, case: str, pnid: str | None = PNID) -> dict[str, Any]:
    """One golden delivery; its phone_number_id set to ours (placeholders included)."""
    body: dict[str, Any] = copy.deepcopy(json.loads((FIXTURES / f"{file}.json").read_text())[case])
    if pnid is not None:
        for entry in body["entry"]:
            for change in entry["changes"]:
                change["value"]["metadata"]["phone_number_id"] = pnid
    return body


def text_message(
    wamid: str,
    wa_id: str,
    body: str,
    user_id: str | None = None,
    at: int | None = None,
    name: str = "Tendai",
) -> dict[str, Any]:
    contact: dict[str, Any] = {"profile": {"name": name}, "wa_id": wa_id}
    if user_id:
        contact["user_id"] = user_id
    message = {
        "from": wa_id,
        "id": wamid,
        "timestamp": str(at or int(time.time())),
        "type": "text",
        "text": {"body": body},
    }
    return change_value(contacts=[contact], messages=[message])


def change_value(pnid: str = PNID, **value: Any) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550000000", "phone_number_id": pnid},
        **value,
    }


def delivery(*values: dict[str, Any], entries: int = 1) -> dict[str, Any]:
    """`values` spread over `entries` entries, one change per value."""
    buckets: list[list[dict[str, Any]]] = [[] for _ in range(entries)]
    for i, value in enumerate(values):
        buckets[i % entries].append({"field": "messages", "value": value})
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": f"waba{i}", "changes": c} for i, c in enumerate(buckets)],
    }


async def post_webhook(
    http: aiohttp.ClientSession,
    base: str,
    body: bytes | dict[str, Any],
    signature: str | None = "sign",
) -> aiohttp.ClientResponse:
    raw = body if isinstance(body, bytes) else orjson.dumps(body)
    headers = {"Content-Type": "application/json"}
    if signature == "sign":
        headers["X-Hub-Signature-256"] = sign(raw, APP_SECRET)
    elif signature is not None:
        headers["X-Hub-Signature-256"] = signature
    async with http.post(f"{base}/webhook", data=raw, headers=headers) as response:
        await response.read()
        return response


async def counter(http: aiohttp.ClientSession, base: str, name: str, **labels: str) -> float:
    """The current value of one of our counters on /metrics (0 when absent)."""
    async with http.get(f"{base}/metrics") as response:
        text = await response.text()
    total = 0.0
    for line in text.splitlines():
        match = re.match(rf"{name}_total\{{(.*)\}} (\S+)$", line)
        if match is None:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(match.group(2))
    return total
