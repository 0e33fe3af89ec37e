"""The privacy officer's pages for the family's requests (docs/privacy.md)."""
