# A local stand-in for AWS endpoints, 127.0.0.1 only, for tests/unit/test_awshttp.c:
# throttles, fails, refuses, oversends, and checks signature headers and payload hashes.
# Usage: aws_server.py CERT KEY   (prints "HTTP_PORT HTTPS_PORT PID"; HTTPS is self-signed)
import hashlib, http.server, os, ssl, sys, threading

counts = {}
stored = {"data": b""}
objects = {"/bkt/big": bytes((i * 7 + i // 4096) % 251 for i in range((12 << 20) + 3))}
uploads = {}
archives = {}
MIB = 1 << 20


def tree_hash(data):
    # Glacier's SHA-256 tree hash, written independently of the C code under test
    level = [hashlib.sha256(data[i:i + MIB]).digest() for i in range(0, len(data), MIB)] or \
        [hashlib.sha256(b"").digest()]
    while len(level) > 1:
        level = [hashlib.sha256(level[i] + level[i + 1]).digest() if i + 1 < len(level)
                 else level[i] for i in range(0, len(level), 2)]
    return level[0].hex()

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass

    def send(self, code, body, headers=()):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def handle_any(self):
        n = counts[self.path] = counts.get(self.path, 0) + 1
        data = self.body()
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("AWS4-HMAC-SHA256 Credential=AKTEST/") or not self.headers.get("x-amz-date"):
            return self.send(403, '{"__type":"#IncompleteSignature","message":"unsigned"}')
        rid = [("x-amzn-RequestId", "req-%s-%d" % (self.path.strip("/"), n))]
        if self.path == "/throttle":
            if n <= 2:
                return self.send(400, '{"__type":"com.amazonaws.sqs#ThrottlingException","message":"Rate exceeded"}', rid)
            return self.send(200, '{"ok":true,"attempt":%d}' % n, rid)
        if self.path == "/fail500":
            return self.send(500, "<Error><Code>InternalError</Code><Message>boom</Message><RequestId>rid-500</RequestId></Error>")
        if self.path == "/missing":
            return self.send(404, "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>", rid)
        if self.path == "/cond":
            return self.send(400, '{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"}', rid)
        if self.path == "/expedited":
            return self.send(503, "<Error><Code>GlacierExpeditedRetrievalNotAvailable</Code><Message>Glacier expedited retrievals are currently not available, please try again later</Message></Error>", rid)
        if self.path == "/headers":
            signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";") if "SignedHeaders=" in auth else []
            return self.send(200, '{"signed":"%s","meta":"%s"}' % (";".join(signed), self.headers.get("x-amz-meta-color", "")), rid)
        if self.path.startswith("/-/vaults/v/"):
            return self.glacier(data, rid)
        if self.path.startswith("/bkt/cold/"):  # S3 cold-mode states
            path, _, query = self.path.partition("?")
            name = path[len("/bkt/cold/"):]
            if self.command == "POST" and query.startswith("restore"):
                if b"<Tier>Expedited</Tier>" in data and name == "busy":
                    return self.send(503, "<Error><Code>GlacierExpeditedRetrievalNotAvailable</Code><Message>no capacity</Message></Error>", rid)
                if name == "inprogress":
                    return self.send(409, "<Error><Code>RestoreAlreadyInProgress</Code><Message>Object restore is already in progress</Message></Error>", rid)
                return self.send(202, "", rid)
            restore = {"inprogress": 'ongoing-request="true"',
                       "ready": 'ongoing-request="false", expiry-date="Fri, 21 Dec 2029 00:00:00 GMT"'}
            if name not in ("inprogress", "ready", "archived", "busy"):
                return self.send(404, "<Error><Code>NoSuchKey</Code></Error>", rid)
            h = [("x-amz-storage-class", "GLACIER")] + rid
            if name in restore:
                h.append(("x-amz-restore", restore[name]))
            return self.send(200, b"cold data", h)
        if self.path.startswith("/bkt/"):
            src = self.headers.get("x-amz-copy-source", "")
            if self.command == "PUT" and src.startswith("/bkt/cold/"):  # CopyObject, as S3 does
                name = src[len("/bkt/cold/"):]
                if name == "ready":
                    objects[self.path] = b"cold data"
                    return self.send(200, "<CopyObjectResult><ETag>\"e\"</ETag></CopyObjectResult>", rid)
                if name in ("inprogress", "archived", "busy"):
                    return self.send(403, "<Error><Code>InvalidObjectState</Code><Message>Operation is not valid for the source object's storage class</Message></Error>", rid)
                return self.send(404, "<Error><Code>NoSuchKey</Code></Error>", rid)
            if self.command == "PUT":
                objects[self.path] = data
                return self.send(200, "", [("ETag", '"%s"' % hashlib.md5(data).hexdigest())])
            if self.path not in objects:
                return self.send(404, "<Error><Code>NoSuchKey</Code></Error>", rid)
            return self.send(200, objects[self.path], rid)
        if self.path == "/big":
            return self.send(200, b"x" * (2 << 20))
        if self.path == "/upload":
            if self.headers.get("x-amz-content-sha256") != hashlib.sha256(data).hexdigest():
                return self.send(400, "<Error><Code>XAmzContentSHA256Mismatch</Code></Error>")
            stored["data"] = data
            return self.send(200, "", [("ETag", '"%s"' % hashlib.md5(data).hexdigest())])
        if self.path == "/download":
            return self.send(200, stored["data"], [("x-amz-restore", 'ongoing-request="false", expiry-date="Fri, 21 Dec 2029 00:00:00 GMT"')])
        if self.path.startswith("/count"):
            return self.send(200, str(counts.get(self.path.split("?")[1], 0)))
        self.send(404, "{}")

    def glacier(self, data, rid):
        if self.headers.get("x-amz-glacier-version") != "2012-06-01":
            return self.send(400, '{"code":"MissingParameterValueException","message":"version"}')
        p = self.path[len("/-/vaults/v/"):]
        bad = lambda m: self.send(400, '{"code":"InvalidParameterValueException","message":"%s"}' % m)
        if p == "multipart-uploads" and self.command == "POST":
            size = int(self.headers.get("x-amz-part-size", "0"))
            if size < MIB or size & (size - 1) or size > 4096 * MIB:
                return bad("part size %d" % size)
            uid = "UP%d" % (len(uploads) + 1)
            uploads[uid] = {"size": size, "parts": {}, "desc": self.headers.get("x-amz-archive-description", "")}
            return self.send(201, "", [("x-amz-multipart-upload-id", uid)] + rid)
        if p.startswith("multipart-uploads/"):
            u = uploads.get(p.split("/")[1])
            if u is None:
                return self.send(404, '{"code":"ResourceNotFoundException","message":"upload"}')
            if self.command == "PUT":
                a, b = self.headers["Content-Range"].split(" ")[1].split("/")[0].split("-")
                a, b = int(a), int(b)
                if a % u["size"] or b - a + 1 != len(data) or len(data) > u["size"]:
                    return bad("range %d-%d for %d bytes" % (a, b, len(data)))
                if self.headers.get("x-amz-sha256-tree-hash") != tree_hash(data):
                    return bad("part tree hash")
                u["parts"][a] = data
                return self.send(204, "", [("x-amz-sha256-tree-hash", tree_hash(data))] + rid)
            if self.command == "POST":
                whole = b"".join(u["parts"][k] for k in sorted(u["parts"]))
                if int(self.headers.get("x-amz-archive-size", -1)) != len(whole):
                    return bad("archive size")
                if self.headers.get("x-amz-sha256-tree-hash") != tree_hash(whole):
                    return bad("archive tree hash")
                aid = "A%d" % (len(archives) + 1)
                archives[aid] = whole
                return self.send(201, "", [("x-amz-archive-id", aid)] + rid)
            if self.command == "DELETE":
                uploads.pop(p.split("/")[1])
                return self.send(204, "", rid)
        if p.startswith("jobs/") and p.endswith("/output"):
            job = p.split("/")[1]
            body = objects["/bkt/big"]
            th = tree_hash(body) if job == "good" else "0" * 64
            return self.send(200, body, [("x-amz-sha256-tree-hash", th)] + rid)
        if p.startswith("jobs/"):
            return self.send(200, '{"StatusCode":"Succeeded","Completed":true}', rid)
        return self.send(404, '{"code":"ResourceNotFoundException","message":"%s"}' % p)

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = handle_any

class S(http.server.ThreadingHTTPServer):
    daemon_threads = True
    def handle_error(self, request, client_address):
        pass  # a client refusing our self-signed certificate is what the test expects

plain = S(("127.0.0.1", 0), H)
tls = S(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
threading.Thread(target=tls.serve_forever, daemon=True).start()
print(plain.server_address[1], tls.server_address[1], os.getpid(), flush=True)
plain.serve_forever()
