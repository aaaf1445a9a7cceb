"""Screens of the terminal UI: each is a view of the app's one Snapshot."""
