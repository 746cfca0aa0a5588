#!/usr/bin/env python3
"""smtp_sink.py -- a real SMTP server (aiosmtpd) that stores what it receives, for end-to-end tests.

What it is for
    Toban hands e-mail notifications to a mail program (e.g. msmtp).  End-to-end
    tests point that program at this sink and then inspect the files it writes.
    The sink can also refuse deliveries, temporarily (451) or permanently (550),
    so retry and failure paths can be tested against a real SMTP conversation.

How a test uses it
    1. Make a fresh, empty directory DIR.
    2. Start:  python3 smtp_sink.py --port 0 --dir DIR --parent <test pid>
               [--tempfail N] [--reject] [--idle-exit SECONDS]
    3. Poll until DIR/port exists; it holds the bound port as decimal text
       (written atomically, so whenever it exists it is complete).  The server
       only listens on 127.0.0.1.
    4. Send mail, e.g.  msmtp --host=127.0.0.1 --port=<port> --from=a@b.example -- c@d.example
    5. For every accepted message n = 1, 2, 3, ... the sink writes
         DIR/msg-<n>.eml   the exact message bytes received (after SMTP
                           dot-unstuffing; CRLF line endings as sent on the wire)
         DIR/msg-<n>.json  {"mail_from": "...", "rcpt_tos": ["..."], "seq": n}
       The .json is written last, by rename, so once a reader sees msg-<n>.json
       the matching .eml is complete.  Both files exist before the client gets
       its 250 reply.
       Every refused DATA appends one line to DIR/refused.log (before the reply
       is sent), so the test can count refused attempts.
    6. Stop it with SIGTERM (exit status 0).  It also exits by itself when no
       client has been connected for --idle-exit seconds, or when the --parent
       process is gone (checked every second), so it can never outlive or hang
       a test run.

Refusal options
    --tempfail N   answer "451 4.3.0 try again later" to the first N DATA commands
    --reject       answer "550 5.7.1 rejected" to every DATA (after any --tempfail ones)
    Messages that are refused are not stored and do not use up a seq number.
    Note for msmtp users: msmtp 1.8.x exits 69 (EX_UNAVAILABLE) for ANY
    non-250 reply to the end of DATA, 451 and 550 alike; it exits 75
    (EX_TEMPFAIL) only when it cannot connect at all (e.g. sink not running).

Exit status: 0 on SIGTERM/SIGINT/SIGHUP, idle exit or parent exit; 1 if it
cannot start (e.g. the port is taken); 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import sys
import threading

try:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP
except ImportError:  # pragma: no cover - environment problem, say so clearly
    sys.stderr.write("smtp_sink.py: the 'aiosmtpd' package is required (pip install aiosmtpd)\n")
    sys.exit(1)

from sink_common import (Activity, add_common_arguments, atomic_write, check_common_arguments, connection_timeout,
                         exit_status, ignore_stop_signals, prepare_directory, serve_until_done, stop_on_signals)

HOST = "127.0.0.1"


# --------------------------------------------------------------------------- helpers

def append_line(path: str, line: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line.rstrip("\n") + "\n").encode("utf-8", "backslashreplace"))
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- SMTP side

class SinkHandler:
    def __init__(self, directory: str, tempfail: int, reject: bool) -> None:
        self.directory = directory
        self.tempfail_left = tempfail
        self.reject = reject
        self.seq = 0
        self.refused = 0
        self.lock = threading.Lock()

    @staticmethod
    def _text(value) -> str:
        if value is None:
            return ""
        if isinstance(value, bytes):
            return value.decode("utf-8", "surrogateescape").encode("utf-8", "backslashreplace").decode()
        return str(value)

    async def handle_DATA(self, server, session, envelope):
        mail_from = self._text(envelope.mail_from)
        rcpt_tos = [self._text(r) for r in (envelope.rcpt_tos or [])]
        try:
            with self.lock:
                if self.tempfail_left > 0:
                    self.tempfail_left -= 1
                    reply = "451 4.3.0 try again later"
                elif self.reject:
                    reply = "550 5.7.1 rejected"
                else:
                    reply = None
                if reply is not None:
                    self.refused += 1
                    append_line(
                        os.path.join(self.directory, "refused.log"),
                        f"{reply[:3]} attempt={self.refused} from=<{mail_from}> to={','.join('<%s>' % r for r in rcpt_tos)}",
                    )
                    return reply

                self.seq += 1
                seq = self.seq
                content = getattr(envelope, "original_content", None)
                if content is None:
                    content = envelope.content
                if isinstance(content, str):  # only if decode_data were on; keep bytes otherwise
                    content = content.encode("utf-8", "surrogateescape")
                atomic_write(os.path.join(self.directory, f"msg-{seq}.eml"), bytes(content))
                meta = {"mail_from": mail_from, "rcpt_tos": rcpt_tos, "seq": seq}
                atomic_write(
                    os.path.join(self.directory, f"msg-{seq}.json"),
                    (json.dumps(meta, indent=2) + "\n").encode("utf-8"),
                )
            return "250 2.0.0 OK stored as msg-%d" % seq
        except Exception as e:  # never crash the server on a disk error; tell the client
            sys.stderr.write(f"smtp_sink.py: failed to store message: {e!r}\n")
            return "451 4.3.0 sink could not store message"


class SinkController(Controller):
    """aiosmtpd Controller serving on a socket we bound ourselves (so --port 0 works)."""

    def __init__(self, handler, sock: socket.socket, activity: Activity, smtp_timeout: float):
        self._sink_sock = sock
        self._activity = activity
        self._smtp_timeout = smtp_timeout
        super().__init__(
            handler,
            hostname=HOST,
            port=sock.getsockname()[1],
            server_hostname="smtp-sink.localhost",  # avoid a slow getfqdn() lookup
            ready_timeout=10.0,
        )

    def factory(self):
        activity = self._activity

        class TrackingSMTP(SMTP):
            def connection_made(self, transport):
                activity.opened()
                super().connection_made(transport)

            def connection_lost(self, error):
                try:
                    super().connection_lost(error)
                finally:
                    activity.closed()

        return TrackingSMTP(self.handler, timeout=self._smtp_timeout, **self.SMTP_kwargs)

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self._sink_sock, backlog=64)


# --------------------------------------------------------------------------- main

def parse_args(argv):
    p = argparse.ArgumentParser(description="SMTP sink for end-to-end tests (listens on 127.0.0.1 only).")
    add_common_arguments(p, "directory for port, msg-<n>.eml/.json, refused.log")
    p.add_argument("--tempfail", type=int, default=0, metavar="N",
                   help="answer 451 4.3.0 to the first N DATA commands")
    p.add_argument("--reject", action="store_true", help="answer 550 5.7.1 to every DATA")
    a = p.parse_args(argv)
    check_common_arguments(p, a)
    if a.tempfail < 0:
        p.error("--tempfail must be >= 0")
    return a


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.ERROR, format="smtp_sink.py: %(name)s: %(message)s")
    logging.getLogger("mail.log").setLevel(logging.ERROR)

    directory, port_file = prepare_directory(args.dir)
    stop = stop_on_signals()

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, args.port))
        sock.listen(64)
    except OSError as e:
        sock.close()
        sys.stderr.write(f"smtp_sink.py: cannot listen on {HOST}:{args.port}: {e}\n")
        return 1
    port = sock.getsockname()[1]

    activity = Activity()
    handler = SinkHandler(directory, args.tempfail, args.reject)
    controller = SinkController(handler, sock, activity, connection_timeout(args.idle_exit))
    try:
        controller.start()
    except Exception as e:
        sys.stderr.write(f"smtp_sink.py: cannot start SMTP server: {e!r}\n")
        try:
            controller.stop(no_assert=True)
        except Exception:
            pass
        sock.close()
        return 1

    try:
        atomic_write(port_file, f"{port}\n".encode())
        serve_until_done(stop, args.parent, activity, args.idle_exit)
    except Exception as e:
        sys.stderr.write(f"smtp_sink.py: {e!r}\n")
        stop["reason"] = "error"
    finally:
        ignore_stop_signals()
        try:
            controller.stop(no_assert=True)
        except Exception:
            pass
        try:
            sock.close()
        except OSError:
            pass
    return exit_status("smtp_sink.py", stop)


if __name__ == "__main__":
    sys.exit(main())
