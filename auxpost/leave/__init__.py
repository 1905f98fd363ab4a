"""§5.3.4 请销假 leave: types, entitlements, working days on the §11 calendar, approval, 销假."""
