"""A loopback stand-in for Cloudinary's upload API and delivery URLs.

Cloudinary has no emulator. This server speaks the part of the service the
generated project uses, and checks what the real one checks:

- POST /v1_1/<cloud>/<resource_type>/upload and .../destroy, multipart forms
  signed the way Cloudinary documents: the parameters other than file, api_key,
  resource_type, cloud_name and signature, as "key=value" ("&" escaped as "%26"),
  sorted, joined with "&", followed by the API secret, hashed (SHA-1 by default)
  and hex-encoded. A bad signature, an unknown key or a stale timestamp gets
  HTTP 401 with Cloudinary's JSON error body; so does an unknown cloud name
  ("Invalid cloud_name <name>").
- Large files come in parts (the SDK's upload_large): each part is a signed
  upload with "Content-Range: bytes <first>-<last>/<total>" and an
  X-Unique-Upload-Id header; parts must arrive in order, and the file is stored
  once the last byte is in.
- GET/HEAD /<cloud>/<resource_type>/<type>/[s--SIGNATURE--/][v<version>/]<public_id>[.<format>]
  serves the stored bytes, with the Content-Type of the file name's extension
  (as Cloudinary serves them). "authenticated" files need the URL signature: the
  first 8 characters of the URL-safe base64 SHA-1 of "<public_id>[.<format>]"
  followed by the API secret; without it, or with another, the answer is 401.
- One transformation before the path: fl_attachment (served as a download), or
  an image resized as Cloudinary's c_limit does (fitted in w_ x h_, never
  enlarged) and encoded in the URL's format at quality q_, without metadata.

The signature code here is written from that description, not taken from the
SDK, so a request the SDK signs wrongly fails.

Run in a process of its own (so that tests can SIGKILL or SIGSTOP it):

    python tests/families/cloudinary/loopback.py [--host=H] --port=P --cloud=C --key=K --secret=S

("--secret=S": a secret may begin with "-"). It needs nothing but the standard
library (and Pillow to resize).
That server also answers test-only endpoints that Cloudinary does not have:
GET /_test/assets (every stored asset as JSON), GET /_test/calls (the API calls
it accepted and refused, and the public IDs that came in parts) and
POST /_test/reset (forget them all).
"""

import argparse
import base64
import hashlib
import io
import json
import mimetypes
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

UNSIGNED_FIELDS = {"file", "api_key", "resource_type", "cloud_name", "signature"}
DELIVERY = re.compile(
    r"^/(?P<cloud>[^/]+)/(?P<resource_type>image|video|raw)/(?P<type>upload|authenticated)/"
    r"(?:s--(?P<signature>[A-Za-z0-9_-]{8})--/)?(?:(?P<transformation>[a-z]{1,2}_[^/]+)/)?"
    r"(?:v\d+/)?(?P<path>.+)$"
)
API = re.compile(r"^/v1_1/(?P<cloud>[^/]+)/(?P<resource_type>image|video|raw)/(?P<action>\w+)$")
FORMAT_ALIASES = {"jpeg": "jpg", "tif": "tiff"}
PILLOW_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP", "gif": "GIF"}


def resized(data, transformation, file_format):
    """An image's bytes fitted in the transformation's c_limit box (w_, h_), in the
    URL's format at quality q_; None for a transformation this server lacks."""
    from PIL import Image  # only the resizing needs Pillow

    params = dict(part.split("_", 1) for part in transformation.split(","))
    if params.get("c") != "limit" or set(params) - {"c", "w", "h", "q"}:
        return None
    if file_format not in PILLOW_FORMATS:
        return None
    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail((int(params.get("w", image.width)), int(params.get("h", image.height))))
        output = io.BytesIO()
        options = {"quality": int(params["q"])} if "q" in params else {}
        kind = PILLOW_FORMATS[file_format]
        image.convert("RGB" if kind == "JPEG" else image.mode).save(output, kind, **options)
    return output.getvalue()


def string_to_sign(params):
    pairs = [f"{key}={value}".replace("&", "%26") for key, value in params.items() if value]
    return "&".join(sorted(pairs))


def api_signature(params, secret, algorithm="sha1"):
    return hashlib.new(algorithm, (string_to_sign(params) + secret).encode()).hexdigest()


def url_signature(to_sign, secret):
    digest = hashlib.sha1((to_sign + secret).encode()).digest()
    return base64.urlsafe_b64encode(digest)[:8].decode()


def parse_form(content_type, body):
    """(fields, (file name, file bytes)) from a multipart/form-data body."""
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields, upload = {}, None
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        if name == "file":
            upload = (part.get_filename(), data)
        elif name.endswith("[]"):
            # The SDK sends list parameters as repeated "key[]" fields.
            key = name[:-2]
            fields[key] = f"{fields[key]},{data.decode()}" if key in fields else data.decode()
        else:
            fields[name] = data.decode()
    return fields, upload


@dataclass
class Asset:
    resource_type: str
    type: str
    public_id: str
    format: str | None
    data: bytes
    version: int


@dataclass
class FakeCloudinary:
    """The server's state: the account, the stored assets and every API call."""

    cloud_name: str = "demo-cloud"
    api_key: str = "123456789012345"
    api_secret: str = field(default_factory=lambda: secrets.token_urlsafe(20))
    algorithm: str = "sha1"
    assets: dict = field(default_factory=dict)
    calls: list = field(default_factory=list)
    refused: list = field(default_factory=list)
    partial: dict = field(default_factory=dict)
    large_uploads: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base_url: str = ""

    def url(self, **options):
        """A CLOUDINARY_URL for this account (options become query parameters)."""
        secret = options.pop("api_secret", self.api_secret)
        query = "&".join(f"{key}={value}" for key, value in options.items())
        url = f"cloudinary://{self.api_key}:{secret}@{self.cloud_name}"
        return f"{url}?{query}" if query else url

    def asset(self, resource_type, type_, public_id):
        return self.assets.get((resource_type, type_, public_id))

    def check_signature(self, fields):
        if fields.get("api_key") != self.api_key:
            return f"Unknown API key {fields.get('api_key')}"
        timestamp = fields.get("timestamp", "")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 3600:
            return f"Stale request - reported time is {timestamp}"
        signed = {key: value for key, value in fields.items() if key not in UNSIGNED_FIELDS}
        expected = api_signature(signed, self.api_secret, self.algorithm)
        if fields.get("signature") != expected:
            return (
                f"Invalid Signature {fields.get('signature')}. "
                f"String to sign - '{string_to_sign(signed)}'."
            )
        return None

    def upload_part(self, resource_type, fields, upload, content_range, upload_id):
        """One part of a large upload: the result once complete, else None."""
        first, last, total = map(
            int, re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", content_range).groups()
        )
        with self.lock:
            received = self.partial.setdefault(upload_id, bytearray())
            if first != len(received) or last - first + 1 != len(upload[1]):
                raise ValueError(f"part {content_range} does not follow {len(received)} bytes")
            received += upload[1]
            if len(received) < total:
                return None
            del self.partial[upload_id]
        return self.upload(resource_type, fields, (upload[0], bytes(received)), parts=True)

    def upload(self, resource_type, fields, upload, parts=False):
        filename, data = upload
        public_id = fields.get("public_id") or secrets.token_hex(10)
        type_ = fields.get("type", "upload")
        file_format = None
        if resource_type != "raw":
            extension = filename.rpartition(".")[2].lower() if "." in filename else ""
            file_format = FORMAT_ALIASES.get(extension, extension) or None
        key = (resource_type, type_, public_id)
        with self.lock:
            existing = self.assets.get(key)
            if existing is None or fields.get("overwrite") != "0":
                self.assets[key] = Asset(
                    resource_type, type_, public_id, file_format, data, int(time.time())
                )
            asset = self.assets[key]
        if parts:
            self.large_uploads.append(asset.public_id)
        return {**self.describe(asset), "existing": existing is not None}

    def describe(self, asset):
        name = asset.public_id + (f".{asset.format}" if asset.format else "")
        path = f"{asset.resource_type}/{asset.type}/v{asset.version}/{name}"
        return {
            "public_id": asset.public_id,
            "version": asset.version,
            "signature": api_signature(
                {"public_id": asset.public_id, "version": asset.version}, self.api_secret
            ),
            "resource_type": asset.resource_type,
            "type": asset.type,
            "bytes": len(asset.data),
            "url": f"http://res.cloudinary.com/{self.cloud_name}/{path}",
            "secure_url": f"https://res.cloudinary.com/{self.cloud_name}/{path}",
            **({"format": asset.format} if asset.format else {}),
        }

    def reset(self):
        with self.lock:
            for record in (self.assets, self.calls, self.refused, self.partial):
                record.clear()
            self.large_uploads.clear()

    def destroy(self, resource_type, fields):
        key = (resource_type, fields.get("type", "upload"), fields.get("public_id"))
        with self.lock:
            found = self.assets.pop(key, None)
        return {"result": "ok" if found else "not found"}

    def deliver(self, path):
        """(status, bytes, headers) for a delivery URL path."""
        match = DELIVERY.match(path)
        if not match or match["cloud"] != self.cloud_name:
            return 404, b"", {}
        resource_type, type_ = match["resource_type"], match["type"]
        # The signature covers the transformation and the path as they appear in
        # the URL (percent-encoded), without the version.
        signed = "/".join(part for part in (match["transformation"], match["path"]) if part)
        if type_ == "authenticated" and match["signature"] != url_signature(
            signed, self.api_secret
        ):
            return 401, b"", {}
        name = unquote(match["path"])
        public_id, file_format = name, None
        if resource_type != "raw" and "." in name.rpartition("/")[2]:
            public_id, _, file_format = name.rpartition(".")
        asset = self.asset(resource_type, type_, public_id)
        transformation = match["transformation"]
        if asset is None:
            return 404, b"", {}
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if transformation and transformation != "fl_attachment":
            data = resource_type == "image" and resized(asset.data, transformation, file_format)
            if not data:
                return 400, b"", {}
            return 200, data, {"Content-Type": content_type, "Content-Disposition": "inline"}
        if asset.format != file_format:
            return 404, b"", {}
        # fl_attachment: Cloudinary serves the file as a download.
        disposition = "attachment" if transformation else "inline"
        return 200, asset.data, {"Content-Type": content_type, "Content-Disposition": disposition}


class Server(ThreadingHTTPServer):
    # http.server's backlog of 5 resets connections when many clients connect at
    # once; Cloudinary takes them all.
    request_queue_size = 128


def assets_json(state):
    """Test-only: every stored asset, its bytes in base64."""
    with state.lock:
        assets = list(state.assets.values())
    return [
        {
            "resource_type": asset.resource_type,
            "type": asset.type,
            "public_id": asset.public_id,
            "format": asset.format,
            "version": asset.version,
            "data": base64.b64encode(asset.data).decode(),
        }
        for asset in assets
    ]


def calls_json(state):
    """Test-only: the API calls accepted and refused, and the uploads that came in parts."""
    with state.lock:
        return {
            "calls": [list(call) for call in state.calls],
            "refused": [list(call) for call in state.refused],
            "large_uploads": list(state.large_uploads),
        }


def handler_for(state, test_endpoints=False):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, body, content_type="application/json", head=False, headers=()):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            for header in dict(headers).items():
                self.send_header(*header)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def reply_json(self, status, payload):
            self.reply(status, json.dumps(payload).encode())

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if test_endpoints and self.path == "/_test/reset":
                state.reset()
                return self.reply_json(200, {})
            match = API.match(self.path)
            if not match:
                return self.reply_json(404, {"error": {"message": "Not found"}})
            if match["cloud"] != state.cloud_name:
                # As Cloudinary answers a cloud name it does not know.
                message = f"Invalid cloud_name {match['cloud']}"
                return self.reply_json(401, {"error": {"message": message}})
            fields, upload = parse_form(self.headers["Content-Type"], body)
            problem = state.check_signature(fields)
            action, resource_type = match["action"], match["resource_type"]
            if problem:
                state.refused.append((action, resource_type, fields, problem))
                return self.reply_json(401, {"error": {"message": problem}})
            state.calls.append((action, resource_type, fields))
            content_range = self.headers.get("Content-Range")
            if action == "upload" and upload and content_range:
                upload_id = self.headers["X-Unique-Upload-Id"]
                try:
                    result = state.upload_part(
                        resource_type, fields, upload, content_range, upload_id
                    )
                except ValueError as error:
                    return self.reply_json(400, {"error": {"message": str(error)}})
                if result is None:
                    return self.reply_json(200, {"done": False, "public_id": fields["public_id"]})
                return self.reply_json(200, result)
            if action == "upload" and upload:
                return self.reply_json(200, state.upload(resource_type, fields, upload))
            if action == "destroy":
                return self.reply_json(200, state.destroy(resource_type, fields))
            return self.reply_json(400, {"error": {"message": f"Unsupported {action}"}})

        def do_GET(self, head=False):
            if test_endpoints and self.path == "/_test/assets":
                return self.reply_json(200, assets_json(state))
            if test_endpoints and self.path == "/_test/calls":
                return self.reply_json(200, calls_json(state))
            status, data, headers = state.deliver(self.path.partition("?")[0])
            content_type = headers.pop("Content-Type", "application/octet-stream")
            self.reply(status, data, content_type, head=head, headers=headers)

        def do_HEAD(self):
            self.do_GET(head=True)

    return Handler


class CloudinaryServer:
    """Runs FakeCloudinary in a thread (on 127.0.0.1 unless told): start(), then stop()."""

    def __init__(self, port=0, test_endpoints=False, host="127.0.0.1", **account):
        self.state = FakeCloudinary(**account)
        handler = handler_for(self.state, test_endpoints)
        self.httpd = Server((host, port), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.state.base_url = f"http://{host}:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self.state

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


def main(argv=None):
    """Serve until killed, with the test-only /_test/assets endpoint."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cloud", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--secret", required=True)
    args = parser.parse_args(argv)
    server = CloudinaryServer(
        port=args.port,
        test_endpoints=True,
        host=args.host,
        cloud_name=args.cloud,
        api_key=args.key,
        api_secret=args.secret,
    )
    print(f"listening on {server.state.base_url}", flush=True)
    server.httpd.serve_forever()


if __name__ == "__main__":
    main()
