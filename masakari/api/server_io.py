# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""Socket reader and writer for the API server's plain-TCP connections.

cheroot reads and writes through pure-Python (``_pyio``) buffered files,
about a fifth of the CPU of a small request.  These keep the interface
cheroot uses (``read``, ``readline``, iteration, ``has_data``,
``bytes_read``, ``close``/``closed``; ``write``, ``bytes_written``) on a
plain bytes buffer with ``recv``/``find``/``sendall``.  Socket errors and
timeouts propagate exactly as from the socket, which is what cheroot's
connection handling expects.
"""

from __future__ import annotations

import socket
from typing import Iterator

RECV_SIZE = 65536


class SocketReader:
    """A buffered reader over a connected socket."""

    def __init__(self, sock: socket.socket, bufsize: int = RECV_SIZE
                 ) -> None:
        self._sock = sock
        self._recv_size = max(int(bufsize or 0), RECV_SIZE)
        self._buf = b''
        self.bytes_read = 0
        self.closed = False

    def has_data(self) -> bool:
        """Whether bytes are buffered (a pipelined request, say)."""
        return bool(self._buf)

    def _recv(self) -> bytes:
        while True:
            try:
                return self._sock.recv(self._recv_size)
            except InterruptedError:
                continue

    def _take(self, count: int) -> bytes:
        data, self._buf = self._buf[:count], self._buf[count:]
        self.bytes_read += len(data)
        return data

    def read(self, size: int | None = -1) -> bytes:
        """Up to ``size`` bytes (all until EOF when negative or None)."""
        if size is None or size < 0:
            chunks = [self._buf]
            while True:
                data = self._recv()
                if not data:
                    break
                chunks.append(data)
            self._buf = b''.join(chunks)
            return self._take(len(self._buf))
        if len(self._buf) < size:
            chunks = [self._buf]
            have = len(self._buf)
            while have < size:
                data = self._recv()
                if not data:
                    break
                chunks.append(data)
                have += len(data)
            self._buf = b''.join(chunks)
        return self._take(size)

    def readline(self, size: int | None = -1) -> bytes:
        """One line including its newline, at most ``size`` bytes."""
        limit = None if size is None or size < 0 else size
        start = 0
        while True:
            end = self._buf.find(b'\n', start, limit)
            if end >= 0:
                return self._take(end + 1)
            if limit is not None and len(self._buf) >= limit:
                return self._take(limit)
            start = len(self._buf)
            data = self._recv()
            if not data:
                return self._take(len(self._buf))
            self._buf += data

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def close(self) -> None:
        self.closed = True
        self._buf = b''


class SocketWriter:
    """Unbuffered writes: every write is sent completely at once."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.bytes_written = 0
        self.closed = False

    def write(self, data: bytes) -> int:
        if isinstance(data, str):
            raise TypeError("can't write str to binary stream")
        self._sock.sendall(data)
        self.bytes_written += len(data)
        return len(data)

    def flush(self) -> None:
        """Nothing is buffered."""

    def close(self) -> None:
        self.closed = True


def make_file(sock: socket.socket, mode: str = 'r',
              bufsize: int = RECV_SIZE) -> SocketReader | SocketWriter:
    """cheroot's ``makefile`` signature."""
    return SocketReader(sock, bufsize) if 'r' in mode else \
        SocketWriter(sock)
