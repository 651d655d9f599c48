"""A faithful in-memory credex-core simulator (docs/credex-core-api.md), served by aiohttp.

`create_app(SimConfig(...))` in `app.py` is the entry point; `cli.main` runs it standalone.
"""
