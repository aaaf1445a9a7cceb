"""`cfmonitor serve`: the same Textual app in a browser, through textual-serve, made safe.

Bare textual-serve has no authentication and no Origin check, runs its command through a
shell and loads a font from an outside site. This package wraps it: `security` decides
who may connect, `command` quotes the app's command line, `sessions` caps, times out and
ends the app processes, `server` puts them together, and `assets/` is the page with its
own font and icon.
"""
