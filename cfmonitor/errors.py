"""The one exception family users see: its message is shown as it is, with no traceback."""


class CfmonitorError(Exception):
    """A problem the user can fix; the message is one plain sentence naming what is wrong."""
