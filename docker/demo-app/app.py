"""A tiny plain-HTTP app that knows nothing about HTTPS, the kind tlsfront is put in front of.

It builds its redirects from the Host header and the scheme it sees (http://), and sets a cookie
without Secure: tlsfront rewrites the first to https:// and adds Secure to the second.
"""
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = """<!doctype html><title>demo app</title>
<h1>Hello from the app</h1>
<p>Scheme the app was told: {proto}. Client address it was told: {client}.</p>
<form method="post" action="/login"><button>Log in</button></form>
"""


class App(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/login":
            self.do_POST()
            return
        body = PAGE.format(proto=self.headers.get("X-Forwarded-Proto", "http"),
                           client=self.headers.get("X-Forwarded-For", self.client_address[0])).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        self.send_response(303)
        self.send_header("Location", "http://" + self.headers.get("Host", "localhost") + "/")
        self.send_header("Set-Cookie", "session=demo; Path=/")
        self.send_header("Content-Length", "0")
        self.end_headers()


if __name__ == "__main__":
    ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8000"))), App).serve_forever()
