"""Every Redis key name, pinned: the strings are deployed data (renaming one orphans what Redis
holds), so a change has to be made here too, deliberately. Also: keys one script or MGET touches
share a Redis Cluster slot, and no product module builds a key outside the three keys modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from redis.crc import key_slot

from gateway.routes.keys import RouteKeys
from gateway.whatsapp.keys import WhatsAppKeys
from runtime.contracts import ConversationKey
from runtime.keys import SHARDS, Keys, decode_member, encode_member

ROOT = Path(__file__).resolve().parents[2]
KEYS_MODULES = {"runtime/keys.py", "gateway/whatsapp/keys.py", "gateway/routes/keys.py"}
PRODUCT = ("actors", "gateway", "parser", "runtime", "simulator")
CONVERSATION = ConversationKey("15550001", "US.abc")


def test_the_runtime_key_formats_are_pinned() -> None:
    keys = Keys("vp:")
    k = keys.of(CONVERSATION)
    assert [
        k.inbox,
        k.session,
        k.lease,
        k.fence,
        k.outbox,
        k.dead,
        k.outbox_dead,
        k.attempts,
        k.dedup("wamid.X"),
    ] == [
        "vp:inbox:{15550001:US.abc}",
        "vp:session:{15550001:US.abc}",
        "vp:lease:{15550001:US.abc}",
        "vp:fence:{15550001:US.abc}",
        "vp:outbox:{15550001:US.abc}",
        "vp:dead:{15550001:US.abc}",
        "vp:outbox-dead:{15550001:US.abc}",
        "vp:attempts:{15550001:US.abc}",
        "vp:dedup:{15550001:US.abc}:wamid.X",
    ]
    assert keys.ack_probe(CONVERSATION) == "vp:ack:{15550001:US.abc}"
    assert keys.pending_shard(3) == "vp:pending:{s3}"
    assert keys.hosts_shard(15) == "vp:hosts:{s15}"
    assert keys.pending_shards() == [f"vp:pending:{{s{n}}}" for n in range(SHARDS)] != []
    assert keys.hosts_shards() == [f"vp:hosts:{{s{n}}}" for n in range(SHARDS)]
    assert keys.pokes("host-1") == "vp:poke:{host-1}"
    assert keys.poke_prefix == "vp:poke:{"
    # The shard of a conversation is a function of its member bytes, which must stay the same.
    assert encode_member(CONVERSATION) == b'["15550001","US.abc"]'
    assert decode_member(encode_member(CONVERSATION)) == CONVERSATION
    assert keys.pending(CONVERSATION) == "vp:pending:{s4}"
    assert keys.hosts("host-1") == "vp:hosts:{s3}"
    due, entries = keys.reminders
    assert (due, entries) == ("vp:reminders:{reminders}:due", "vp:reminders:{reminders}:entries")
    assert key_slot(due.encode()) == key_slot(entries.encode())  # one script touches both


def test_the_whatsapp_key_formats_are_pinned() -> None:
    keys = WhatsAppKeys("vp:")
    assert keys.window(CONVERSATION) == "vp:wa:window:{15550001:US.abc}"
    assert keys.sent_parts(CONVERSATION, "wamid.in:0") == "vp:wa:sent:{15550001:US.abc}:wamid.in:0"
    assert keys.pair_bucket(CONVERSATION) == "vp:wa:pace:{15550001:US.abc}"
    assert keys.number_bucket("15550001") == "vp:wa:pace:number:{15550001}"
    assert keys.display_number("15550001") == "vp:wa:display:{15550001}"
    assert keys.media_id("15550001", "ab12") == "vp:wa:media:{15550001}:ab12"
    assert keys.alias("15550001", "263771234567") == "vp:wa:alias:15550001:263771234567"
    assert keys.delivery("wamid.out") == "vp:wa:delivery:wamid.out"


def test_the_route_key_formats_are_pinned() -> None:
    keys = RouteKeys("vp:")
    assert keys.api_requests("ip:10.0.0.1", 20000) == "vp:ratelimit:ip:10.0.0.1:20000"
    assert keys.api_requests("client:credex", 20000) == "vp:ratelimit:client:credex:20000"
    # Hashed (runtime.telemetry.hashed: sha256, 16 hex digits): no address at rest.
    address = keys.failures_by_address("10.0.0.1", 7)
    assert address == "vp:{login-failures}:ip:f5047344122f0dee:7"
    client = keys.failures_by_client("credex", 7)
    assert client == "vp:{login-failures}:client:33ac8a7e1f54d134:7"


def test_keys_read_together_share_a_cluster_slot() -> None:
    runtime = Keys("vp:").of(CONVERSATION)
    whatsapp = WhatsAppKeys("vp:")
    # The sender's preflight script reads the window and the progress and takes the pair token.
    together = [
        runtime.inbox,
        runtime.outbox,
        whatsapp.window(CONVERSATION),
        whatsapp.sent_parts(CONVERSATION, "r1"),
        whatsapp.pair_bucket(CONVERSATION),
    ]
    assert len({key_slot(k.encode()) for k in together}) == 1
    routes = RouteKeys("vp:")
    # The login check MGETs both counters.
    pair = [routes.failures_by_address("10.0.0.1", 1), routes.failures_by_client("c", 1)]
    assert len({key_slot(k.encode()) for k in pair}) == 1


def key_strings_built_outside_keys_modules(source: str) -> list[int]:
    """Lines of f-strings that begin with a key prefix and go on with a name
    (`f"{key_prefix}wa:..."`), and of `prefix + ...` concatenations: key names made where they
    are used. A prefix is a variable or attribute whose name ends in lowercase `prefix`."""

    def is_prefix(node: ast.expr) -> bool:
        name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
        return isinstance(name, str) and name.endswith("prefix")

    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr) and len(node.values) > 1:
            first = node.values[0]
            named = any(isinstance(v, ast.Constant) and v.value for v in node.values[1:])
            if isinstance(first, ast.FormattedValue) and is_prefix(first.value) and named:
                lines.append(node.lineno)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and is_prefix(node.left):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize(
    "source",
    [
        'key = f"{self._prefix}wa:window:{{{key.tag}}}"',
        'k = f"{key_prefix}ratelimit:{subject}:{day}"',
        "key = self._prefix + rendered.digest",
    ],
)
def test_the_scan_sees_a_key_built_in_place(source: str) -> None:
    assert key_strings_built_outside_keys_modules(source) == [1]


def test_the_scan_leaves_other_strings_alone() -> None:
    source = (
        'reply_id = f"{prefix}{i}"\n'  # a reply id made of a message id and a number
        'line = f"• {prefix}*{handle}*"\n'  # a screen's line
        "header = _PREFIX + digest\n"  # a constant, not a key prefix
    )
    assert key_strings_built_outside_keys_modules(source) == []


def test_no_product_module_builds_a_key_outside_the_keys_modules() -> None:
    found = {}
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative in KEYS_MODULES:
                continue
            lines = key_strings_built_outside_keys_modules(path.read_text(encoding="utf-8"))
            if lines:
                found[relative] = lines
    assert found == {}
    for relative in KEYS_MODULES:  # and the scan does look at the keys modules' kind of code
        assert key_strings_built_outside_keys_modules((ROOT / relative).read_text()) != []
