"""Open House (via RIGG): providers, their portal, end-evaluations and handovers."""
