"""The credex-core adapter: a typed async client implementing actors.ports.credex.CredexCore."""

from gateway.credex.client import CredexClient
from gateway.credex.errors import CredexUnavailable

__all__ = ["CredexClient", "CredexUnavailable"]
