"""§5.3 / issue 6 item 9: uploaded photos and notes (type and size checked, stored locally, seen only within scope)."""
