"""The Textual app: views of one Snapshot. Imported only when the TUI is opened."""
