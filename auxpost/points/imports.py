"""§12 import kinds of this app (registered on import; see auxpost.imports.registry)."""
