# typeshed has no stub for `_signal`, the C module `signal` re-exports; these are the same
# objects (`cfmonitor/__main__.py` imports `_signal` to be quick, see its docstring).
from signal import SIGINT as SIGINT
from signal import default_int_handler as default_int_handler
from signal import signal as signal
