"""The one exception family users see: its message is shown as it is, with no traceback."""


class CfmonitorError(Exception):
    """A problem the user can fix; the message is one plain sentence naming what is wrong."""


class WrittenThenInterrupted(CfmonitorError):
    """ctrl-c arrived after an import committed: the rows are in the database."""

    exit_code = 130


class ChangedMeanwhile(CfmonitorError):
    """Another writer committed between reading the database and writing to it."""
