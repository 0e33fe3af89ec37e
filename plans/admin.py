"""Support plans are the family's own words: no admin pages (officials count them in the
reports; WIJ works on the plan page)."""
