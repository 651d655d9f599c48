"""End-to-end conversations (issue 6) over real HTTP: signed webhooks from the WhatsApp
simulator, the real gateway + runtime on real Redis, the credex-core simulator, and the
simulator's fake Cloud API validating every outbound payload against WhatsApp's limits.

Run: REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/pytest -q tests/e2e
"""
