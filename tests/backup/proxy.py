"""A loopback TCP proxy in front of moto that breaks an upload on purpose.

It watches the client's bytes for a trigger (e.g. the request line of the second part of
a multipart upload, or of the manifest PUT) and then either cuts the connection after a
few more bytes ("drop": the network failed mid-upload) or stops forwarding and holds it
("stall": the test kills the backup process at that exact moment).
"""
import socket
import threading


class BreakingProxy:
    def __init__(self, upstream_port, triggers: tuple, mode: str, after: int = 256 * 1024):
        assert mode in ("drop", "stall")
        self.upstream_port, self.triggers, self.mode, self.after = upstream_port, triggers, mode, after
        self.keep = max(len(t) for t in triggers)
        self.triggered = threading.Event()
        self.sockets = []
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stopping = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopping:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            with self.lock:
                self.sockets += [client, upstream]
            threading.Thread(target=self._client_to_server, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _client_to_server(self, client, upstream):
        tail, budget = b"", None  # budget: bytes still forwarded after the trigger
        try:
            while True:
                data = client.recv(65536)
                if not data:
                    break
                if budget is None and any(t in tail + data for t in self.triggers):
                    self.triggered.set()
                    if self.mode == "stall":
                        return  # hold both sockets open; forward nothing more
                    budget = self.after
                if budget is not None:
                    if len(data) >= budget:
                        upstream.sendall(data[:budget])
                        self._close(client, upstream)
                        return
                    budget -= len(data)
                upstream.sendall(data)
                tail = data[-self.keep:]
        except OSError:
            self._close(client, upstream)

    def _pump(self, src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        if self.mode == "drop" or not self.triggered.is_set():
            self._close(src, dst)

    @staticmethod
    def _close(*socks):
        for sock in socks:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def stop(self):
        self.stopping = True
        self.listener.close()
        with self.lock:
            self._close(*self.sockets)
