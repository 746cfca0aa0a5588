"""Helpers the test servers share: atomic writes (a reader sees a whole file or none),
whether the test process that started a server is still alive, and idle tracking, so
that a server never outlives its test."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time


def atomic_write(path: str, data: bytes) -> None:
    """Write data to path so that readers see either nothing or the whole file."""
    directory, name = os.path.split(path)
    tmp = os.path.join(directory, f".{name}.tmp.{os.getpid()}.{threading.get_ident()}")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    except OSError:
        return False
    # A dead but not yet reaped process still answers kill(0); look for zombies on Linux.
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().rsplit(b")", 1)[1].split()[0]
        if state in (b"Z", b"X"):
            return False
    except (OSError, IndexError):
        pass
    return True


class Activity:
    """Tracks open connections and when the last one ended (for --idle-exit)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open = 0
        self._last = time.monotonic()

    def opened(self) -> None:
        with self._lock:
            self._open += 1
            self._last = time.monotonic()

    def closed(self) -> None:
        with self._lock:
            self._open = max(0, self._open - 1)
            self._last = time.monotonic()

    def idle_for(self) -> float:
        with self._lock:
            if self._open:
                return 0.0
            return time.monotonic() - self._last


def serve_until_done(stop: dict, parent, activity: Activity, idle_exit: float, still_serving=lambda: True) -> None:
    """Blocks until stop["reason"] is set: by a signal handler, by the parent process (the
    test) going away, by `idle_exit` seconds without a connection, or by the server thread
    dying (`still_serving`)."""
    original_ppid = os.getppid()
    next_parent_check = 0.0
    while stop["reason"] is None:
        time.sleep(0.2)
        now = time.monotonic()
        if parent is not None and now >= next_parent_check:
            next_parent_check = now + 1.0
            gone = not process_alive(parent)
            if parent == original_ppid and os.getppid() != original_ppid:
                gone = True  # we were re-parented: our parent died
            if gone:
                stop["reason"] = f"parent {parent} gone"
                break
        if idle_exit > 0 and activity.idle_for() >= idle_exit:
            stop["reason"] = f"idle for {idle_exit:g}s"
        if not still_serving():
            stop["reason"] = "error"


def add_common_arguments(parser, dir_help: str) -> None:
    """--port, --dir, --idle-exit and --parent, the same for every test server."""
    parser.add_argument("--port", type=int, default=0, help="TCP port, 0 = pick a free one (default 0)")
    parser.add_argument("--dir", required=True, help=dir_help)
    parser.add_argument("--idle-exit", type=float, default=120.0, metavar="SECONDS",
                        help="exit when no client has been connected for this long (default 120, 0 = never)")
    parser.add_argument("--parent", type=int, default=None, metavar="PID",
                        help="exit when this process is gone (checked every second)")


def check_common_arguments(parser, args) -> None:
    if not 0 <= args.port <= 65535:
        parser.error("--port must be 0..65535")
    if args.idle_exit < 0:
        parser.error("--idle-exit must be >= 0")


def prepare_directory(path: str):
    """The server's directory (made if missing) and its port file, with any port left by
    an earlier run removed so a test never reads a stale one."""
    directory = os.path.abspath(path)
    os.makedirs(directory, exist_ok=True)
    port_file = os.path.join(directory, "port")
    try:
        os.unlink(port_file)
    except FileNotFoundError:
        pass
    return directory, port_file


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def stop_on_signals() -> dict:
    """A dict whose "reason" a termination signal sets (serve_until_done then returns)."""
    stop = {"reason": None}

    def on_signal(signum, _frame):
        stop["reason"] = signal.Signals(signum).name

    for s in STOP_SIGNALS:
        signal.signal(s, on_signal)
    return stop


def ignore_stop_signals() -> None:
    """While shutting down: not to be interrupted."""
    for s in STOP_SIGNALS:
        signal.signal(s, signal.SIG_IGN)


def connection_timeout(idle_exit: float) -> float:
    """A silent client is dropped after this long, so it cannot hold off the idle exit forever."""
    return max(1.0, min(idle_exit, 300.0)) if idle_exit > 0 else 300.0


def exit_status(name: str, stop: dict) -> int:
    if stop["reason"] and stop["reason"].startswith(("idle", "parent")):
        sys.stderr.write(f"{name}: exiting ({stop['reason']})\n")
    return 1 if stop["reason"] == "error" else 0
