"""The `cfmonitor` command's entry point, and `python -m cfmonitor`.

ctrl-c while the modules are still importing (the first tenth of a second or so) would
print a Python traceback. So the first thing done, before anything heavy is imported,
is to install a handler that says one sentence and exits; once the command line is
loaded, ctrl-c becomes the usual KeyboardInterrupt, which it turns into one sentence.
"""

import os
import signal

INTERRUPTED = b"Interrupted; nothing was changed.\n"


def _interrupted_while_starting(signum: int, frame: object) -> None:
    os.write(2, INTERRUPTED)
    os._exit(130)


def main() -> None:
    signal.signal(signal.SIGINT, _interrupted_while_starting)
    from cfmonitor.cli import main as run

    signal.signal(signal.SIGINT, signal.default_int_handler)
    run()


if __name__ == "__main__":
    main()
