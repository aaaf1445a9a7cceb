"""Widgets of the terminal UI: the caseload table, headline figures, the top bar."""
