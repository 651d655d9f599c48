"""The flows' route tables: every intent, purpose and result a flow declares has exactly the
handlers `step` looks up, and no two flows claim the same intent."""

from __future__ import annotations

import importlib
import pkgutil
import typing

import pytest

import actors.intents
from actors import effects as fx
from actors import results as rs
from actors import routes
from actors.flows.dashboard import AfterLogin
from actors.intents.base import Intent, Nav, NotInList, Retyped, Typed, Unsupported, Upset
from actors.intents.pending import OpenPending
from actors.intents.quick import QuickBroken
from actors.step import ROUTES

# Answered by `step` itself, before or instead of any flow.
STEP_OWN = {Nav, Typed, Retyped, NotInList, Upset, Unsupported, QuickBroken}


def declared_intents() -> set[type[Intent]]:
    found: set[type[Intent]] = set()
    for module_info in pkgutil.iter_modules(actors.intents.__path__):
        module = importlib.import_module(f"actors.intents.{module_info.name}")
        found |= {
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Intent) and value is not Intent
        }
    return found


def test_every_intent_a_flow_declares_is_routed_to_its_flow() -> None:
    assert declared_intents() - STEP_OWN == ROUTES.keys("intent")


def test_every_purpose_of_a_view_load_has_a_flow_that_reads_the_view() -> None:
    purposes = set(fx.Purpose.__subclasses__()) - {AfterLogin}  # step logs in, then goes on
    assert purposes == ROUTES.keys("loaded")


def test_every_credex_core_result_has_a_flow_that_reads_it() -> None:
    results = set(typing.get_args(rs.Result)) - {rs.ViewLoaded, rs.EffectFailed}
    assert results == ROUTES.keys("result")


def test_two_flows_cannot_claim_one_intent() -> None:
    first = (routes.intent(OpenPending, lambda s, i, at: None),)
    second = (routes.intent(OpenPending, lambda s, i, at: None),)
    with pytest.raises(ValueError, match="two flows handle OpenPending"):
        routes.Routes([first, second])
