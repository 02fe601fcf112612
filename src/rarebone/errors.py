"""The one exception hierarchy. ``str(error)`` is always a single line naming source, path and value."""

from __future__ import annotations

_UNSET = object()


class RareboneError(Exception):
    """Base of every error rarebone raises on purpose. Exit status 2 at the CLI boundary."""

    exit_code = 2

    def __init__(self, message: str, *, source: str | None = None, path: str | None = None, value=_UNSET):
        super().__init__(message)
        self.message = message
        self.source = source
        self.path = path
        self.value = value

    def with_source(self, source: str) -> "RareboneError":
        if self.source is None:
            self.source = source
        return self

    def __str__(self) -> str:
        parts = []
        if self.source:
            parts.append(str(self.source))
        if self.path:
            parts.append(str(self.path))
        text = ": ".join(parts + [self.message])
        if self.value is not _UNSET:
            shown = repr(self.value)
            if len(shown) > 80:
                shown = shown[:77] + "..."
            text += f" (value: {shown})"
        return " ".join(text.split())


class InputError(RareboneError):
    """The user's input is wrong: a file, a field, a value."""


class PhenopacketError(InputError):
    """A Phenopacket file is malformed, of the wrong version, or fails the schema."""


class TermError(InputError):
    """An ontology term is unknown, or its label names another term."""


class UnitError(InputError):
    """A unit is unknown or cannot be converted for this measurement."""


class ImplausibleValueError(InputError):
    """A value is outside what is physically or clinically possible."""


class KnowledgeError(RareboneError):
    """A knowledge data file is invalid: a packaging bug, not a user error."""

    exit_code = 1


class SafetyRefusal(RareboneError):
    """rarebone refuses to produce an output that could harm (implausible weight, dose above cap, ...)."""


class RegistryError(RareboneError):
    """The registry database refused an operation."""
