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

"""What Nova asks of the Image and Network services on the test bed.

The fake virt driver never reads image bytes, so the image side only
describes one fixed image (and a permissive schema for clients that
validate against it).  Servers are booted with ``networks: none``; the
network side answers every collection listing with an empty list and every
single resource with 404, which is all Nova asks when no port exists.

Standard library only, loopback only: ``python3 image_api.py PORT``.
"""

from __future__ import annotations

import http.server
import json
import sys
import urllib.parse

IMAGE_ID = "b5b0f1a4-5c1e-4d55-9d2f-0e4f6c7a1b01"
_CREATED = "2026-01-01T00:00:00Z"


def image_record() -> dict:
    """The one image: small, public, active, raw disk."""
    return {
        "id": IMAGE_ID, "name": "bed-image", "status": "active",
        "visibility": "public", "protected": False, "os_hidden": False,
        "disk_format": "raw", "container_format": "bare",
        "min_disk": 0, "min_ram": 0, "size": 1024, "virtual_size": 1024,
        "checksum": None, "os_hash_algo": None, "os_hash_value": None,
        "owner": None, "tags": [], "created_at": _CREATED,
        "updated_at": _CREATED, "self": f"/v2/images/{IMAGE_ID}",
        "file": f"/v2/images/{IMAGE_ID}/file",
        "schema": "/v2/schemas/image",
    }


# Nova keeps the schema's properties as image attributes and moves every
# other key into the image's "properties".
SCHEMA = {"name": "image", "additionalProperties": {"type": "string"},
          "properties": {key: {} for key in image_record()}, "links": []}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt: str, *args: object) -> None:
        pass

    def _send(self, status: int, body: object = None) -> None:
        raw = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        if raw and self.command != "HEAD":
            self.wfile.write(raw)

    def _drain(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)

    def _versions(self) -> dict:
        base = f"http://{self.headers.get('Host', '127.0.0.1')}"
        return {"versions": [
            {"id": "v2.0", "status": "CURRENT",
             "links": [{"rel": "self", "href": base + "/v2.0/"}]},
            {"id": "v2.16", "status": "CURRENT",
             "links": [{"rel": "self", "href": base + "/v2/"}]}]}

    def _answer_get(self) -> tuple[int, object]:
        path = urllib.parse.urlparse(self.path).path.rstrip("/")
        parts = [p for p in path.split("/") if p]
        if not parts or parts in (["versions"], ["v2"], ["v2.0"]):
            return 200, self._versions()
        if parts[0] == "v2":
            return self._image_get(parts[1:])
        if parts[0] == "v2.0":
            return self._network_get(parts[1:])
        return 404, {"error": "not found"}

    @staticmethod
    def _image_get(parts: list[str]) -> tuple[int, object]:
        if parts == ["schemas", "image"]:
            return 200, SCHEMA
        if parts == ["schemas", "images"]:
            return 200, {"name": "images", "properties": {}, "links": []}
        if parts == ["images"]:
            return 200, {"images": [image_record()],
                         "schema": "/v2/schemas/images",
                         "first": "/v2/images"}
        if len(parts) == 2 and parts[0] == "images" and parts[1] == IMAGE_ID:
            return 200, image_record()
        return 404, {"error": "no such image"}

    @staticmethod
    def _network_get(parts: list[str]) -> tuple[int, object]:
        if len(parts) == 1:
            name = parts[0].removesuffix(".json").replace("-", "_")
            return 200, {name: []}
        return 404, {"NeutronError": {"type": "NotFound",
                                      "message": "not found", "detail": ""}}

    def do_GET(self) -> None:
        self._send(*self._answer_get())

    def do_HEAD(self) -> None:
        self._send(*self._answer_get())

    def do_POST(self) -> None:
        self._drain()
        self._send(403, {"error": "read-only test stand-in"})

    do_PUT = do_PATCH = do_POST

    def do_DELETE(self) -> None:
        self._send(204)


def main() -> None:
    port = int(sys.argv[1])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
