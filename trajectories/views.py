"""The trajectory page and its steps."""
