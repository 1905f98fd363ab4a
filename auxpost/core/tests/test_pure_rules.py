"""ARCHITECTURE: rules are pure — no Django, no clock, no database. Checked on the source, so a
rules module that starts importing Django (or reading the clock) fails the suite."""

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[2]
PURE = sorted(PKG.glob("*/rules.py")) + [PKG / "people" / "roster_columns.py", PKG / "imports" / "normalise.py",
                                         PKG / "policy" / "workforce.py", PKG / "policy" / "daily.py",
                                         PKG / "duty" / "geo.py"]


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_there_are_pure_modules_to_check():
    assert len(PURE) >= 3 and all(p.exists() for p in PURE)


def test_pure_modules_import_no_django_and_no_app_code_with_side_effects():
    offenders = {}
    for path in PURE:
        bad = {m for m in _imports(path) if m.split(".")[0] in {"django", "rest_framework"}
               or (m.startswith("auxpost.") and not m.endswith(("rules", "roster_columns", "normalise", "policy.workforce",
                                                                "policy.daily", "duty.geo")))}
        if bad:
            offenders[str(path.relative_to(PKG))] = sorted(bad)
    assert offenders == {}


def test_pure_modules_do_not_read_the_clock():
    offenders = []
    for path in PURE:
        text = path.read_text(encoding="utf-8")
        for needle in ("date.today(", "datetime.now(", "timezone.now(", "time.time("):
            if needle in text:
                offenders.append(f"{path.relative_to(PKG)}: {needle}")
    assert offenders == []
