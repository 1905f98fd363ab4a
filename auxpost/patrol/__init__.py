"""§5.3.6 patrol logs and §5.3.2 交班 handover."""
