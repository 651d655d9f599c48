"""Local stand-ins for the two external systems (credex-core, WhatsApp).

Used by the demo, tests and benchmarks; never by production code paths.
"""
