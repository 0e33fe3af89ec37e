"""Intake (aanmelding): clients, families and support requests at the WIJ teams."""
