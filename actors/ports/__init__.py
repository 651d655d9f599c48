"""Ports: the small interfaces the conversation depends on; adapters live in gateway/."""
