"""A TCP proxy that can black-hole its connections, for the tests and benchmarks: a database
server that accepts connections and then never answers (a hung host, a stalled disk), as the
app meets it in production."""

from __future__ import annotations

import socket
import threading
from contextlib import suppress


class BlackHoleProxy:
    """Forwards 127.0.0.1:`port` to `upstream`; `black_hole()` stops every byte both ways, on
    open connections and new ones (which are still accepted), until `answer_again()`.

    Bytes sent meanwhile wait in the kernel's buffers and flow once the proxy answers again,
    as they would once a stalled server resumes."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self._answering = threading.Event()
        self._answering.set()
        self._stopped = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True, name="blackhole-accept").start()

    def black_hole(self) -> None:
        self._answering.clear()

    def answer_again(self) -> None:
        self._answering.set()

    def close(self) -> None:
        self._stopped.set()
        self._answering.set()
        with self._lock:
            for sock in [self._listener, *self._sockets]:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def __enter__(self) -> BlackHoleProxy:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self._keep(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _keep(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)

    def _serve(self, client: socket.socket) -> None:
        self._answering.wait()  # a connection opened while black-holed is accepted, then silent
        if self._stopped.is_set():
            return
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            client.close()
            return
        server.settimeout(None)
        self._keep(server)
        threading.Thread(target=self._relay, args=(server, client), daemon=True).start()
        self._relay(client, server)

    def _relay(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while True:
                self._answering.wait()  # not read while black-holed: nothing reaches the server
                data = source.recv(65536)
                if not data or self._stopped.is_set():
                    break
                self._answering.wait()  # nor are answers passed on
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
