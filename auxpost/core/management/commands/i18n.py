"""Translation catalogues without GNU gettext (not on a closed intranet machine by default).

  auxpost i18n extract   add every new msgid of each app to its zh_Hans/en catalogues
  auxpost i18n compile   write the .mo files (done by `make install`; .mo files are not committed)
  auxpost i18n check     exit 1 listing every msgid with no Chinese translation

Each app keeps its own catalogue in ``auxpost/<app>/locale/<lang>/LC_MESSAGES/django.po``;
Django finds app locale folders by itself. Message ids are English (code stays English);
zh_Hans is the default language and must be complete, which ``check`` enforces in the suite.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation.template import templatize

PKG = Path(__file__).resolve().parents[3]
LANGS = ("zh_Hans",)  # English is the msgid itself
_GETTEXT_FUNCS = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy"}
_TPL_CALL = re.compile(r"\b(gettext|pgettext|ngettext|npgettext)\(((?:u?'(?:[^'\\]|\\.)*'\s*,?\s*)+)")
_TPL_STR = re.compile(r"u?('(?:[^'\\]|\\.)*')")


def app_dirs() -> list[Path]:
    return sorted(p.parent for p in PKG.glob("*/apps.py"))


def _python_msgids(path: Path) -> list[tuple[str | None, str, str | None]]:
    out = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name not in _GETTEXT_FUNCS:
            continue
        strs = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if not strs:
            continue
        if name.startswith("pgettext") and len(strs) >= 2:
            out.append((strs[0], strs[1], None))
        elif name.startswith("ngettext") and len(strs) >= 2:
            out.append((None, strs[0], strs[1]))
        else:
            out.append((None, strs[0], None))
    return out


def _template_msgids(path: Path) -> list[tuple[str | None, str, str | None]]:
    out = []
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    for m in _TPL_CALL.finditer(code):
        strs = [ast.literal_eval(s) for s in _TPL_STR.findall(m.group(2))]
        if m.group(1) == "pgettext" and len(strs) >= 2:
            out.append((strs[0], strs[1], None))
        elif m.group(1) == "ngettext" and len(strs) >= 2:
            out.append((None, strs[0], strs[1]))
        elif strs:
            out.append((None, strs[0], None))
    return out


def app_msgids(app: Path) -> list[tuple[str | None, str, str | None]]:
    seen: dict = {}
    for py in sorted(app.rglob("*.py")):
        if "migrations" in py.parts or "tests" in py.parts:
            continue
        for item in _python_msgids(py):
            seen.setdefault(item[:2], item)
    for tpl in sorted(app.rglob("templates/**/*.html")) + sorted(app.rglob("templates/**/*.txt")):
        for item in _template_msgids(tpl):
            seen.setdefault(item[:2], item)
    return list(seen.values())


def catalogue_path(app: Path, lang: str) -> Path:
    return app / "locale" / lang / "LC_MESSAGES" / "django.po"


def load(app: Path, lang: str) -> polib.POFile:
    path = catalogue_path(app, lang)
    if path.exists():
        return polib.pofile(str(path), wrapwidth=0)
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": lang,
        "Plural-Forms": "nplurals=1; plural=0;" if lang == "zh_Hans" else "nplurals=2; plural=(n != 1);",
    }
    return po


def missing_translations() -> list[str]:
    problems = []
    for app in app_dirs():
        ids = app_msgids(app)
        if not ids:
            continue
        po = load(app, "zh_Hans")
        for ctx, msgid, _plural in ids:
            entry = po.find(msgid, msgctxt=ctx) if ctx else po.find(msgid)
            if entry is None or entry.obsolete or (not entry.msgstr and not any(entry.msgstr_plural.values())):
                problems.append(f"{app.name}: {msgid!r}")
            elif "fuzzy" in entry.flags:
                problems.append(f"{app.name}: {msgid!r} (fuzzy)")
    return problems


class Command(BaseCommand):
    help = "Extract, compile and check the translation catalogues (zh_Hans default, en)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["extract", "compile", "check"])
        parser.add_argument("--app", action="append", default=[], help="limit extract to these apps (folder names)")

    def handle(self, *args, action, app, **opts):
        if action == "extract":
            wanted = set(app)
            for app in app_dirs():
                if wanted and app.name not in wanted:
                    continue
                ids = app_msgids(app)
                if not ids:
                    continue
                for lang in LANGS:
                    po = load(app, lang)
                    added = 0
                    for ctx, msgid, plural in ids:
                        if (po.find(msgid, msgctxt=ctx) if ctx else po.find(msgid)) is None:
                            entry = polib.POEntry(msgctxt=ctx, msgid=msgid, msgstr="")
                            if plural:
                                entry.msgid_plural = plural
                                entry.msgstr_plural = {0: ""} if lang == "zh_Hans" else {0: "", 1: ""}
                            po.append(entry)
                            added += 1
                    path = catalogue_path(app, lang)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    po.save(str(path))
                    if added:
                        self.stdout.write(f"{path.relative_to(PKG)}: +{added}")
        elif action == "compile":
            count = 0
            for po_path in PKG.glob("*/locale/*/LC_MESSAGES/django.po"):
                polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
            self.stdout.write(f"compiled {count} catalogues")
        else:
            problems = missing_translations()
            if problems:
                raise CommandError("untranslated (zh_Hans):\n" + "\n".join(problems))
            self.stdout.write("every message has a zh_Hans translation")
