"""Helpers the test servers share: atomic writes (a reader sees a whole file or none),
whether the test process that started a server is still alive, and idle tracking, so
that a server never outlives its test."""

from __future__ import annotations

import os
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
