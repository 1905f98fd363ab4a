"""§4.2 pure checks for the post-analysis ledger (no Django): codes and the 巡查类别 yes/no cell."""

from __future__ import annotations

import re

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,29}$")
YES = {"是", "Y", "YES", "TRUE", "1", "√", "✓"}
NO = {"否", "N", "NO", "FALSE", "0", ""}


def valid_code(code: str) -> bool:
    """A duty, work-item or indicator code: 1–30 letters, digits, ``_ . -``, starting with a letter or digit."""
    return bool(CODE_RE.match(code or ""))


def parse_yes_no(text: str) -> bool | None:
    """是/否 (also Y/N, 1/0, TRUE/FALSE, √); empty = 否; None for anything else."""
    value = (text or "").strip().upper()
    if value in YES:
        return True
    if value in NO:
        return False
    return None


def yes_no(value: bool) -> str:
    return "是" if value else "否"
