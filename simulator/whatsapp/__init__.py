"""A local stand-in for WhatsApp: a fake Cloud (Graph) API and a chat simulator page."""

from simulator.whatsapp.app import WebhookRejected, WhatsAppSimulator

__all__ = ["WebhookRejected", "WhatsAppSimulator"]
