"""Entry kinds: one module per room declares the pydantic models of its knowledge entries.

Each module defines ``KINDS = {"kind_name": Model, ...}``; the loader collects them all, so a room adds a
new kind by adding a module here, without touching the loader.
"""
