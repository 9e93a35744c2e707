"""gunicorn's gthread worker, with each request read whole in the event loop before a thread takes it.

Stock gthread hands a connection to a thread as soon as its first byte arrives, and the
thread then blocks until the request head is complete: a dozen clients sending their
headers a byte at a time hold every thread, and nothing ever closes them. Here the main
loop reads the head (and a body of known length) without blocking, so a slow or idle
client costs one socket in the selector, never a thread, and one that has not sent its
whole request within READ_TIMEOUT seconds is answered 408 and closed. gunicorn's own
refusals (bad framing, oversize headers) are answered as JSON, like every app error.
"""
import errno
import json
import logging
import os
import re
import selectors
import time
from collections import deque
from functools import partial

from gunicorn.http import errors as http_errors
from gunicorn.workers.gthread import TConn, ThreadWorker

from .app import DEFAULTS, max_body_bytes

log = logging.getLogger("impartial.worker")

READ_TIMEOUT = float(os.environ.get("READ_TIMEOUT") or 10)
HEAD_LIMIT = 64 * 1024  # past this without a blank line, the parser gives its own refusal
# A larger declared body is handed on at once: the app refuses it (413) unread.
BODY_LIMIT = max_body_bytes(int(os.environ.get("IMPARTIAL_MAX_CHARS") or DEFAULTS["MAX_CHARS"]))
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length[ \t]*:[ \t]*(\d{1,15})[ \t]*(?=\r\n|$)", re.I)
_CHUNKED = re.compile(rb"\r\ntransfer-encoding[ \t]*:[^\r\n]*chunked", re.I)
_EXPECT = re.compile(rb"\r\nexpect[ \t]*:[ \t]*100-continue", re.I)

# (exception classes, status, code, message): messages never quote the request.
_REFUSALS = (
    ((http_errors.InvalidResponseHeader, http_errors.InvalidResponseHeaderName), 500, "internal_error", "internal error"),
    ((http_errors.LimitRequestLine,), 414, "uri_too_long", "request line is too long"),
    ((http_errors.LimitRequestHeaders,), 431, "headers_too_large", "request headers are too large or too many"),
    ((http_errors.UnsupportedTransferCoding,), 501, "not_implemented", "transfer coding is not supported"),
    ((http_errors.ExpectationFailed,), 417, "expectation_failed", "only Expect: 100-continue is supported"),
    ((http_errors.ForbiddenProxyRequest,), 403, "forbidden", "request forbidden"),
    ((http_errors.InvalidChunkSize, http_errors.ChunkMissingTerminator, http_errors.InvalidChunkExtension),
     400, "invalid_body", "malformed chunked body"),
    ((http_errors.ParseException,), 400, "bad_request", "malformed HTTP request"),
)
_REASONS = {400: "Bad Request", 403: "Forbidden", 408: "Request Timeout", 414: "URI Too Long",
            417: "Expectation Failed", 431: "Request Header Fields Too Large", 500: "Internal Server Error",
            501: "Not Implemented"}


def request_complete(data):
    """Whether bytes read so far hold a whole request head, and the body too when its length is declared."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return len(data) > HEAD_LIMIT
    head, body = data[:end], len(data) - end - 4
    if _EXPECT.search(head):
        return True  # the client waits for "100 Continue" before it sends the body
    if _CHUNKED.search(head):
        # The last chunk, or enough bytes that the app will refuse the body anyway.
        return body > BODY_LIMIT or data.endswith(b"0\r\n\r\n")
    length = _CONTENT_LENGTH.search(head)
    if length is None:
        return True
    wanted = int(length.group(1))
    return wanted > BODY_LIMIT or body >= wanted


def error_bytes(status, code, message):
    """A complete HTTP/1.1 response carrying the JSON error shape, then close."""
    body = json.dumps({"error": {"code": code, "message": message}}).encode("utf-8")
    head = (f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode("latin-1") + body


class Worker(ThreadWorker):
    """gthread with requests read in the event loop, a read deadline, and JSON refusals."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reading = deque()  # connections whose request is still arriving, oldest deadline first

    def accept(self, listener):
        if self.cfg.is_ssl:
            return super().accept(listener)
        try:
            client, address = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        self._read(TConn(self.cfg, client, address, listener.getsockname()))

    def on_client_socket_readable(self, conn, client):
        if self.cfg.is_ssl:
            return super().on_client_socket_readable(conn, client)
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._read(conn)

    def _read(self, conn):
        conn.sock.setblocking(False)
        conn.pending_bytes = bytearray()
        conn.read_deadline = time.monotonic() + READ_TIMEOUT
        self.reading.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_bytes, conn))

    def _on_bytes(self, conn, sock):
        try:
            data = sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._drop(conn)
            return
        conn.pending_bytes += data
        if not request_complete(conn.pending_bytes):
            return
        self._stop_reading(conn)
        conn.init()  # a new connection gets its parser; a kept-alive one keeps its own
        conn.parser.unreader.unread(bytes(conn.pending_bytes))
        conn.pending_bytes = None
        conn.data_ready = True
        self.enqueue_req(conn)

    def _stop_reading(self, conn):
        self.reading.remove(conn)
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError, OSError):
            pass

    def _drop(self, conn, response=None):
        self._stop_reading(conn)
        if response:
            try:
                conn.sock.send(response)
            except OSError:
                pass
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self):
        super().murder_pending()
        now = time.monotonic()
        while self.reading and (self.reading[0].read_deadline <= now or not self.alive):
            conn = self.reading[0]
            started = bool(conn.pending_bytes)
            # A client that sent part of a request hears why; an idle one is just closed.
            self._drop(conn, error_bytes(408, "request_timeout", f"request not received within {READ_TIMEOUT:g} s")
                       if started else None)

    def handle_error(self, req, client, addr, exc):
        for classes, status, code, message in _REFUSALS:
            if isinstance(exc, classes):
                log.warning("request refused", extra={"event": "http_refused", "status": status,
                                                      "exception": type(exc).__name__})
                break
        else:
            # Never the exception's message or the request line: either can quote the request.
            log.error("error handling request", extra={"event": "internal_error", "exception": type(exc).__name__})
            status, code, message = 500, "internal_error", "internal error"
        try:
            client.setblocking(True)
            client.sendall(error_bytes(status, code, message))
        except OSError:
            pass
