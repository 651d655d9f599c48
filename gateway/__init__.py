"""The edges: the aiohttp application, WhatsApp in and out, and the credex-core client."""
