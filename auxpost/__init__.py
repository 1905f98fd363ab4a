"""auxpost — 城管执法辅助岗位职业化建设 management system."""
