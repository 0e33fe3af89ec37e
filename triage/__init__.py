"""Triage (lichte toets): the broad first assessment and its outcome."""
