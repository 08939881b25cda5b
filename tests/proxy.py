"""A counting TCP proxy in front of a real server: what a project asks its storage.

    with CountingProxy(server_netloc) as proxy:
        env = proxy.route(env)          # the project reaches the server through it
        ...
        proxy.reset()
        render_the_page()
        assert proxy.requests == []     # (method, target) of every HTTP request

Bytes pass through unchanged in both directions (signatures over the Host header
stay valid: the client signs the address it connects to). The client's side of
each connection is scanned for HTTP request lines, so every request is seen,
whatever the client library, keep-alive included; `sent` counts every byte the
clients sent, which is 0 when nothing at all was asked.
"""

import re
import socket
import threading
from contextlib import suppress

REQUEST_LINE = re.compile(rb"(?:^|\r\n)([A-Z]{3,7}) (\S+) HTTP/1\.[01]\r\n")


class CountingProxy:
    def __init__(self, target):
        """target: the server's "host:port"."""
        host, _, port = target.rpartition(":")
        self.target, self.address = target, (host, int(port))
        self.lock = threading.Lock()
        self.requests, self.sent, self.connections = [], 0, 0
        # hold_after(): bytes passed both ways, the budget, and the moment it ran out.
        self.passed, self.budget = 0, None
        self.held, self.released = threading.Event(), threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.netloc = f"127.0.0.1:{self.listener.getsockname()[1]}"
        self.open = []
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def route(self, env):
        """env with every mention of the server's address pointed at the proxy."""
        return {key: value.replace(self.target, self.netloc) for key, value in env.items()}

    def unroute(self, url):
        """A URL through the proxy, as the server's own."""
        return url.replace(self.netloc, self.target)

    def reset(self):
        with self.lock:
            self.requests, self.sent, self.connections = [], 0, 0

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.address, timeout=30)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.connections += 1
                self.open += [client, upstream]
            threading.Thread(target=self.pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self.pump, args=(upstream, client, False), daemon=True).start()

    def pump(self, source, destination, from_client):
        tail = b""
        with suppress(OSError):
            while data := source.recv(65536):
                if from_client:
                    # A request line may arrive split: scan it with the end of the last read.
                    scanned = tail + data
                    found = [
                        (method.decode(), target.decode())
                        for method, target in REQUEST_LINE.findall(scanned)
                    ]
                    with self.lock:
                        self.sent += len(data)
                        self.requests += found
                    tail = scanned[-2048:] if not found else scanned[scanned.rfind(b"\r\n") :]
                if self.budget is not None:
                    with self.lock:
                        self.passed += len(data)
                        over = self.passed > self.budget
                    if over:
                        # Nothing more passes, either way, until the proxy closes.
                        self.held.set()
                        self.released.wait()
                        return
                destination.sendall(data)
        with suppress(OSError):
            destination.shutdown(socket.SHUT_WR)

    def hold_after(self, budget):
        """Pass `budget` bytes (both directions together), then hold every connection:
        a transfer larger than that cannot finish, however fast the machine."""
        self.budget = budget

    def close(self):
        self.released.set()
        self.listener.close()
        with self.lock:
            sockets, self.open = self.open, []
        for sock in sockets:
            with suppress(OSError):
                sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
