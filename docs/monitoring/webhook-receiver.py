#!/usr/bin/env python3
"""A webhook receiver for trying Tenantry's webhooks: verifies each message's Standard Webhooks signature and prints it.

    docs/monitoring/webhook-receiver.py PORT SECRET      # SECRET: the whsec_… that `tenantry webhooks create` printed

Answers 204 to a message whose signature verifies (and whose timestamp is within 5 minutes), 401 otherwise.
Standard library only.
"""
import base64
import hashlib
import hmac
import http.server
import json
import sys
import time

TOLERANCE_SECONDS = 300


def verify(secret, msg_id, timestamp, body, header):
    key = base64.b64decode(secret[len("whsec_"):])
    expected = base64.b64encode(hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()).decode()
    return any(part.startswith("v1,") and hmac.compare_digest(part[3:], expected) for part in header.split(" "))


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        msg_id = self.headers.get("webhook-id", "")
        timestamp = self.headers.get("webhook-timestamp", "0")
        fresh = abs(time.time() - int(timestamp)) <= TOLERANCE_SECONDS
        ok = fresh and verify(SECRET, msg_id, timestamp, body, self.headers.get("webhook-signature", ""))
        event = json.loads(body)
        summary = event.get("text") or f"{event.get('type')} {event.get('subject')} {json.dumps(event.get('data'))}"
        print(f"{'verified' if ok else 'REJECTED'} {msg_id} {summary}", flush=True)
        self.send_response(204 if ok else 401)
        self.end_headers()

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    if len(sys.argv) != 3 or not sys.argv[2].startswith("whsec_"):
        sys.exit("usage: webhook-receiver.py PORT whsec_SECRET")
    SECRET = sys.argv[2]
    http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
