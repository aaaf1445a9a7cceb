"""The `cfmonitor` command's entry point, and `python -m cfmonitor`.

ctrl-c while the modules are still importing (the first tenth of a second or so) would
print a Python traceback. So the first thing done, before anything else is imported,
is to install a handler that says one sentence and exits; once the command line is
loaded, ctrl-c becomes the usual KeyboardInterrupt, which `cli.main` turns into one
sentence. `_signal` (the C module under `signal`) is used because `signal` itself
imports `enum`, which takes long enough to be interrupted in.
"""

import _signal
import os

INTERRUPTED = b"Interrupted; nothing was changed.\n"


def _interrupted_while_starting(signum: int, frame: object) -> None:
    os.write(2, INTERRUPTED)
    os._exit(130)


_signal.signal(_signal.SIGINT, _interrupted_while_starting)


def main() -> None:
    _signal.signal(_signal.SIGINT, _interrupted_while_starting)
    import cfmonitor.safe_text  # noqa: F401  (used by every message; imports rich)
    from cfmonitor.cli import main as run

    _signal.signal(_signal.SIGINT, _signal.default_int_handler)
    run()


if __name__ == "__main__":
    main()
