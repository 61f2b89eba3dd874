"""A counter web app: each request increments a counter in a Redis-protocol
datastore and answers with the app's name and the count.

Usage: counter.py NAME HOST_VARIABLE PORT_VARIABLE [LISTEN_PORT]
The datastore's address comes from the environment (the env-file), from the
variables named on the command line, such as REDIS_HOST and REDIS_PORT.
`counter.py --store PORT` runs a datastore that answers INCR, for tests.
"""
import os
import socket
import socketserver
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def incr(host, port, key):
    command = f"*2\r\n$4\r\nINCR\r\n${len(key.encode())}\r\n{key}\r\n".encode()
    with socket.create_connection((host, int(port)), timeout=2) as connection:
        connection.sendall(command)
        reply = connection.makefile("rb").readline().decode().strip()
    if not reply.startswith(":"):
        raise RuntimeError(f"the datastore answered {reply!r} to INCR")
    return int(reply[1:])


def serve_app(name, host_variable, port_variable, listen_port):
    host, port = os.environ[host_variable], os.environ[port_variable]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            try:
                status, body = 200, f"{name}: {incr(host, port, name)}\n"
            except (OSError, RuntimeError) as error:
                status, body = 503, f"{name}: datastore {host}:{port} unreachable: {error}\n"
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    ThreadingHTTPServer(("", listen_port), Handler).serve_forever()


def serve_store(listen_port):
    counts = {}

    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            while True:
                header = self.rfile.readline()
                if not header.startswith(b"*"):
                    return
                words = []
                for _ in range(int(header[1:])):
                    length = int(self.rfile.readline()[1:])
                    words.append(self.rfile.read(length + 2)[:-2].decode())
                if len(words) == 2 and words[0].upper() == "INCR":
                    counts[words[1]] = counts.get(words[1], 0) + 1
                    self.wfile.write(f":{counts[words[1]]}\r\n".encode())
                else:
                    self.wfile.write(b"-ERR only INCR key\r\n")

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    socketserver.ThreadingTCPServer(("", listen_port), Handler).serve_forever()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--store"]:
        serve_store(int(sys.argv[2]))
    else:
        serve_app(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 8000)
