# A stand-in for the EC2 instance metadata service (IMDSv2) and the container credentials
# endpoint, on 127.0.0.1 only, for tests/unit/test_awscreds.c.
# Usage: metadata_server.py EXPIRY_SECONDS   (prints "PORT PID", serves until killed)
import http.server, json, os, sys, time

EXPIRY = int(sys.argv[1])
fetches = 0

class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def reply(self, code, body, ctype="text/plain"):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self):
        if self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            return self.reply(200, "TOKEN-v2")
        self.reply(400, "bad token request")

    def do_GET(self):
        global fetches
        if self.path == "/stats":
            return self.reply(200, str(fetches))
        if self.path == "/container":
            if self.headers.get("Authorization") != "container-secret":
                return self.reply(401, "unauthorized")
            return self.reply(200, json.dumps({"AccessKeyId": "AKICONTAINER", "SecretAccessKey": "ctr-secret",
                              "Token": "ctr-token", "Expiration": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))}))
        if self.headers.get("X-aws-ec2-metadata-token") != "TOKEN-v2":
            return self.reply(401, "IMDSv2 token required")
        if self.path == "/latest/meta-data/iam/security-credentials/":
            return self.reply(200, "gas-worker-role")
        if self.path == "/latest/meta-data/iam/security-credentials/gas-worker-role":
            fetches += 1
            exp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + EXPIRY))
            return self.reply(200, json.dumps({"Code": "Success", "AccessKeyId": "AKIMDS%d" % fetches,
                              "SecretAccessKey": "imds-secret-%d" % fetches, "Token": "imds-token-%d" % fetches,
                              "Expiration": exp}), "application/json")
        self.reply(404, "not found")

srv = http.server.HTTPServer(("127.0.0.1", 0), H)
print(srv.server_address[1], os.getpid(), flush=True)
srv.serve_forever()
