"""``rarebone schema NAME``: the JSON Schema of a result contract.

Command modules declare their contracts in a module-level ``SCHEMAS = {"name": "module:Class"}``.
"""

from __future__ import annotations

import importlib
import json
import pkgutil

import typer

from rarebone.errors import InputError


def known_schemas() -> dict[str, str]:
    from rarebone.cli import commands

    found: dict[str, str] = {}
    for info in pkgutil.iter_modules(commands.__path__):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        found.update(getattr(module, "SCHEMAS", {}))
    return found


def schema_for(name: str) -> dict:
    schemas = known_schemas()
    if name not in schemas:
        raise InputError(f"unknown schema (known: {', '.join(sorted(schemas))})", path="NAME", value=name)
    module_name, class_name = schemas[name].split(":")
    model = getattr(importlib.import_module(module_name), class_name)
    return model.model_json_schema()


def register(app: typer.Typer) -> None:
    @app.command("schema")
    def schema(name: str = typer.Argument(..., help="Contract name, e.g. assessment.")) -> None:
        """Print the JSON Schema of a result contract (assessment, transplant-plan, ...) or of an input
        extension block (extension, extension-donors, extension-transplant, extension-cno)."""
        typer.echo(json.dumps(schema_for(name), indent=2))
