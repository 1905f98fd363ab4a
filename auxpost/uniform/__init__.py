"""§5.3.5 着装 uniform inspections with the checklist and photos."""
