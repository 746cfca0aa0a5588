#!/usr/bin/env python3
"""webhook_sink.py -- an HTTP listener that records webhook POSTs and answers scripted statuses, for end-to-end tests.

What it is for
    Toban can deliver notifications to a webhook.  End-to-end tests point the
    webhook URL at this sink, make it answer a chosen sequence of HTTP statuses
    (to exercise retries, Retry-After handling and permanent failures), and then
    inspect exactly what was sent.

How a test uses it
    1. Make a fresh, empty directory DIR.
    2. Start:  python3 webhook_sink.py --port 0 --dir DIR --parent <test pid>
               [--script "500,429:2,200"] [--idle-exit SECONDS]
    3. Poll until DIR/port exists; it holds the bound port as decimal text
       (written atomically, so whenever it exists it is complete).  The server
       only listens on 127.0.0.1; use http://127.0.0.1:<port>/any/path.
    4. Each POST n = 1, 2, 3, ... is answered with the n-th entry of --script;
       once the list is used up the last entry is repeated.  An entry "429:2"
       means status 429 plus the header "Retry-After: 2" (the text after ":" is
       sent verbatim and cannot contain a comma, so use delay-seconds, not an
       HTTP date).  Default script: "200".
       Before the response is sent, the sink writes DIR/req-<n>.json (atomically,
       temp file + rename):
         {"seq": n, "path": "/any/path?query", "headers": {"lowercased-name": "value", ...},
          "body_base64": "<request body, base64>", "status": <status answered>}
       Repeated headers are joined with ", ".  Only POSTs are recorded and
       counted; any other method gets 405 and is neither recorded nor counted.
    5. Stop it with SIGTERM (exit status 0).  It also exits by itself when no
       client has been connected for --idle-exit seconds, or when the --parent
       process is gone (checked every second), so it can never outlive or hang
       a test run.

Nothing is logged per request.  Exit status: 0 on SIGTERM/SIGINT/SIGHUP, idle
exit or parent exit; 1 if it cannot start (e.g. the port is taken); 2 for bad
arguments.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST = "127.0.0.1"
MAX_BODY = 64 * 1024 * 1024


from sink_common import (Activity, add_common_arguments, atomic_write, check_common_arguments, connection_timeout,
                         exit_status, ignore_stop_signals, prepare_directory, serve_until_done, stop_on_signals)

# --------------------------------------------------------------------------- helpers

def parse_script(text: str):
    """'500,429:2,200' -> [(500, None), (429, '2'), (200, None)]"""
    steps = []
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        status_text, sep, retry_after = item.partition(":")
        try:
            status = int(status_text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"bad status {item!r} in --script")
        if not 100 <= status <= 599:
            raise argparse.ArgumentTypeError(f"status {status} out of range 100..599 in --script")
        retry_after = retry_after.strip()
        if sep and (not retry_after or any(c in retry_after for c in "\r\n")):
            raise argparse.ArgumentTypeError(f"bad Retry-After value in {item!r}")
        steps.append((status, retry_after if sep else None))
    if not steps:
        raise argparse.ArgumentTypeError("--script is empty")
    return steps


# --------------------------------------------------------------------------- HTTP side

class SinkServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, handler_class, directory, script, activity, conn_timeout):
        self.directory = directory
        self.script = script
        self.activity = activity
        self.conn_timeout = conn_timeout
        self.lock = threading.Lock()
        self.seq = 0
        super().__init__(address, handler_class)

    def next_step(self):
        with self.lock:
            self.seq += 1
            status, retry_after = self.script[min(self.seq, len(self.script)) - 1]
            return self.seq, status, retry_after

    def handle_error(self, request, client_address):
        # A client hanging up or timing out is not worth a traceback; anything else gets one line.
        err = sys.exc_info()[1]
        if not isinstance(err, (ConnectionError, TimeoutError, socket.timeout)):
            sys.stderr.write(f"webhook_sink.py: error handling request: {err!r}\n")


class SinkHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "webhook_sink/1"
    sys_version = ""

    def setup(self):
        self.timeout = self.server.conn_timeout  # a silent client is dropped after this long
        self.server.activity.opened()
        super().setup()

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.activity.closed()

    def log_message(self, format, *args):  # quiet: no per-request stderr lines
        pass

    def _read_body(self) -> bytes | None:
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            chunks = []
            total = 0
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    return None
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while True:  # trailers up to the blank line
                        t = self.rfile.readline(65537)
                        if not t or t in (b"\r\n", b"\n"):
                            break
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    return None
                data = self.rfile.read(size)
                if len(data) != size:
                    return None
                chunks.append(data)
                self.rfile.readline(3)  # CRLF after chunk
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        n = int(length)
        if n < 0 or n > MAX_BODY:
            return None
        data = self.rfile.read(n)
        return data if len(data) == n else None

    def _reply(self, status: int, retry_after: str | None = None) -> None:
        no_body = status < 200 or status in (204, 304)
        body = b"" if no_body else f"{status}\n".encode()
        self.send_response(status)
        if retry_after is not None:
            self.send_header("Retry-After", retry_after)
        if not no_body:
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if body:
            self.wfile.write(body)
        try:
            self.wfile.flush()
        except OSError:
            pass

    def do_POST(self):
        try:
            body = self._read_body()
        except (ValueError, OSError):
            body = None
        if body is None:
            self.close_connection = True
            self._reply(400)
            return
        seq, status, retry_after = self.server.next_step()
        headers = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        record = {
            "seq": seq,
            "path": self.path,
            "headers": headers,
            "body_base64": base64.b64encode(body).decode("ascii"),
            "status": status,
        }
        try:
            atomic_write(
                os.path.join(self.server.directory, f"req-{seq}.json"),
                (json.dumps(record, indent=2) + "\n").encode("utf-8"),
            )
        except OSError as e:
            sys.stderr.write(f"webhook_sink.py: cannot write req-{seq}.json: {e}\n")
        self._reply(status, retry_after)

    def _not_allowed(self):
        # Drain a body so a keep-alive connection stays in sync, then refuse.
        try:
            if self._read_body() is None:
                self.close_connection = True
        except (ValueError, OSError):
            self.close_connection = True
        self.send_response(405)
        self.send_header("Allow", "POST")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _not_allowed

    def do_HEAD(self):
        self.send_response(405)
        self.send_header("Allow", "POST")
        self.send_header("Content-Length", "0")
        self.end_headers()


# --------------------------------------------------------------------------- main

def parse_args(argv):
    p = argparse.ArgumentParser(description="Webhook sink for end-to-end tests (listens on 127.0.0.1 only).")
    add_common_arguments(p, "directory for port and req-<n>.json")
    p.add_argument("--script", type=parse_script, default=parse_script("200"), metavar="LIST",
                   help='statuses for successive POSTs, e.g. "500,429:2,200" (429:2 adds Retry-After: 2); '
                        "the last one repeats (default 200)")
    a = p.parse_args(argv)
    check_common_arguments(p, a)
    return a


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)

    directory, port_file = prepare_directory(args.dir)
    stop = stop_on_signals()

    activity = Activity()
    try:
        server = SinkServer((HOST, args.port), SinkHandler, directory, args.script, activity, connection_timeout(args.idle_exit))
    except OSError as e:
        sys.stderr.write(f"webhook_sink.py: cannot listen on {HOST}:{args.port}: {e}\n")
        return 1
    port = server.server_address[1]

    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()

    try:
        atomic_write(port_file, f"{port}\n".encode())
        serve_until_done(stop, args.parent, activity, args.idle_exit, still_serving=thread.is_alive)
    except Exception as e:
        sys.stderr.write(f"webhook_sink.py: {e!r}\n")
        stop["reason"] = "error"
    finally:
        ignore_stop_signals()
        try:
            server.shutdown()
        except Exception:
            pass
        try:
            server.server_close()
        except Exception:
            pass
    return exit_status("webhook_sink.py", stop)


if __name__ == "__main__":
    sys.exit(main())
