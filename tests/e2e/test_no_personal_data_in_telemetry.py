"""No raw credex-core token, phone number or member name in the logs or spans of a real
conversation (docs/architecture.md, "Observability": user identifiers are hashed, never raw)."""

from __future__ import annotations

import logging

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from simulator.demo import Demo
from tests.e2e.conftest import TENDAI
from tests.e2e.phone import Phone, said
from tests.gateway.conftest import SPANS  # installs the in-memory span exporter


def _span_texts() -> list[str]:
    texts = []
    for span in SPANS.get_finished_spans():
        texts.append(span.name)
        texts.extend(f"{k}={v}" for k, v in (span.attributes or {}).items())
        for event in span.events:
            texts.extend(f"{k}={v}" for k, v in (event.attributes or {}).items())
    return texts


async def test_a_conversation_leaves_no_phone_name_or_token_in_logs_or_spans(
    demo: Demo, caplog: pytest.LogCaptureFixture
) -> None:
    assert isinstance(trace.get_tracer_provider(), TracerProvider)
    SPANS.clear()
    caplog.set_level(logging.DEBUG)
    tendai = Phone(demo.whatsapp, TENDAI, name="Tendai")
    (dashboard,) = await tendai.say("hi")
    shown = said([dashboard])
    assert "Tendai" in shown
    await tendai.say("1.25=>rudo")
    await tendai.tap("Sign & send")
    spans = _span_texts()
    assert any("credex.operation" in t for t in spans)  # the conversation was traced
    logs = [r.getMessage() + repr(vars(r)) for r in caplog.records]
    for text in spans + logs:
        assert TENDAI not in text, text
        assert "Tendai" not in text and "Rudo" not in text, text
        assert "eyJ" not in text, text  # no JWT (credex-core's or ours) in clear
