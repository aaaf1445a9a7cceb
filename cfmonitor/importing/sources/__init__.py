"""Adapters from what councils already extract (SSD, Annex A, the workforce census) to the
five native tables, so their rows go through the same cast, check and all-or-nothing write."""
