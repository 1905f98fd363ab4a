"""§11/§12 The import kinds. A kind plugs in by registering an ``ImportSpec`` instance.

Kinds built here are listed in ``BUILTIN``; another app may register its own kind from its
``AppConfig.ready()`` with ``register(MySpec())``. The CLI's choices and the upload page's kind list
both come from ``kinds()``.
"""

from __future__ import annotations

from importlib import import_module

from auxpost.imports.framework import ImportSpec

# Modules that define and register a built-in kind (results, points, monthly, skills, training,
# certificates and duties are added here as they are built).
BUILTIN = ["auxpost.imports.roster", "auxpost.points.imports", "auxpost.assessment.imports",
           "auxpost.training.imports", "auxpost.duties.imports"]

_SPECS: dict[str, ImportSpec] = {}
_loaded = False


def register(spec: ImportSpec) -> ImportSpec:
    """Add a kind; registering the same kind name twice with a different spec is a programming error."""
    if not spec.kind:
        raise ValueError("an import spec needs a kind")
    existing = _SPECS.get(spec.kind)
    if existing is not None and type(existing) is not type(spec):
        raise ValueError(f"import kind {spec.kind!r} is already registered")
    _SPECS[spec.kind] = spec
    return spec


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in BUILTIN:
            import_module(module)
        _loaded = True


def _ordered() -> list[str]:
    """The 花名册 first (the upload page's default), then the others in registration order — a kind
    registered from an AppConfig.ready() is registered before the built-in modules load."""
    return sorted(_SPECS, key=lambda kind: kind != "roster")


def kinds() -> list[str]:
    _load()
    return _ordered()


def specs() -> list[ImportSpec]:
    _load()
    return [_SPECS[k] for k in _ordered()]


def get_spec(kind: str) -> ImportSpec:
    """The spec of ``kind``; KeyError for an unknown kind."""
    _load()
    return _SPECS[kind]
