"""Start a command that ends when the process that started it ends, even if that one is killed.

A test run or the demo that crashes (a QGIS abort in C++ runs no teardown) would otherwise leave
its hub servers serving on loopback. On Linux, ``python -m jin_hub.die_with_parent PID CMD...``
asks the kernel to send SIGTERM when its parent dies (``prctl(PR_SET_PDEATHSIG)``), checks that
the parent ``PID`` is still there, then becomes ``CMD`` (``exec`` keeps the request and the process
id). Doing this in the child, not in ``Popen(preexec_fn=...)``, keeps it safe in a threaded parent
such as QGIS.

The kernel ties the signal to the *thread* that started the child: a child started from a worker
thread would die when that thread ends. So ``command`` guards only children started from the main
thread (where pytest fixtures and the demo start hubs); elsewhere, and off Linux, it returns the
command unchanged and the caller's own teardown is the only stop.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1          # <linux/prctl.h>


def command(cmd: list[str]) -> list[str]:
    """``cmd``, wrapped so that it is sent SIGTERM when this process dies (Linux, main thread)."""
    if not sys.platform.startswith("linux") or threading.current_thread() is not threading.main_thread():
        return cmd
    return [sys.executable, "-m", __name__, str(os.getpid()), *cmd]


def main(argv: list[str]) -> None:
    parent, program, *args = argv
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != int(parent):          # the parent died before the request was in place
        sys.exit(f"{program}: not started, its parent process {parent} has already ended")
    os.execvp(program, [program, *args])


if __name__ == "__main__":
    main(sys.argv[1:])
