# A local stand-in for AWS endpoints, 127.0.0.1 only, for tests/unit/test_awshttp.c:
# throttles, fails, refuses, oversends, and checks signature headers and payload hashes.
# Usage: aws_server.py CERT KEY   (prints "HTTP_PORT HTTPS_PORT PID"; HTTPS is self-signed)
import hashlib, http.server, os, ssl, sys, threading

counts = {}
stored = {"data": b""}

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
