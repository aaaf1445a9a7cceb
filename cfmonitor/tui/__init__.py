"""The Textual terminal UI: screens are views of one Snapshot."""
