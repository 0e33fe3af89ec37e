"""Reporting (monitoring): client flows, matched care and the council's quarterly report."""
