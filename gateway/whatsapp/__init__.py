"""WhatsApp Cloud API adapters: webhook parsing and signing, outbound builders and the sender."""
