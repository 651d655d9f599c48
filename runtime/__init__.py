"""The actor runtime: durable inboxes, leases, actors, commits and the outbox sender on Redis."""

from runtime.cipher import FieldCipher
from runtime.config import RuntimeConfig
from runtime.host import Runtime
from runtime.logs import setup_logging
from runtime.telemetry import setup_telemetry

__all__ = ["FieldCipher", "Runtime", "RuntimeConfig", "setup_logging", "setup_telemetry"]
