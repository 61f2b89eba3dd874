"""A counter web app: each request increments a counter in a datastore and
answers with the app's name and the count.

Usage: counter.py redis|postgres NAME HOST_VARIABLE PORT_VARIABLE [LISTEN_PORT]
The datastore's address comes from the environment (the env-file), from the
variables named on the command line, such as REDIS_HOST and REDIS_PORT.
`redis` counts with INCR; `postgres` counts in a table `counters` it creates,
as the user, with the password and in the database of libpq's PGUSER,
PGPASSWORD and PGDATABASE (psycopg2).
"""
import os
import socket
from contextlib import closing
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def redis_incr(host, port, key):
    command = f"*2\r\n$4\r\nINCR\r\n${len(key.encode())}\r\n{key}\r\n".encode()
    with socket.create_connection((host, int(port)), timeout=2) as connection:
        connection.sendall(command)
        reply = connection.makefile("rb").readline().decode().strip()
    if not reply.startswith(":"):
        raise RuntimeError(f"Redis answered {reply!r} to INCR")
    return int(reply[1:])


def postgres_incr(host, port, key):
    import psycopg2

    # psycopg2's `with connection` ends the transaction; closing() ends the connection.
    with closing(psycopg2.connect(host=host, port=int(port), connect_timeout=2)) as connection, connection:
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS counters (name text PRIMARY KEY, count bigint NOT NULL)")
            cursor.execute(
                "INSERT INTO counters (name, count) VALUES (%s, 1)"
                " ON CONFLICT (name) DO UPDATE SET count = counters.count + 1 RETURNING count",
                (key,),
            )
            return cursor.fetchone()[0]


INCR = {"redis": redis_incr, "postgres": postgres_incr}


def serve_app(datastore, name, host_variable, port_variable, listen_port):
    host, port = os.environ[host_variable], os.environ[port_variable]
    incr = INCR[datastore]
    if datastore == "postgres":
        import psycopg2

        errors = (OSError, RuntimeError, psycopg2.Error)
    else:
        errors = (OSError, RuntimeError)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            try:
                status, body = 200, f"{name}: {incr(host, port, name)}\n"
            except errors as error:
                status, body = 503, f"{name}: {datastore} at {host}:{port} unreachable: {str(error).strip()}\n"
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    ThreadingHTTPServer(("", listen_port), Handler).serve_forever()


if __name__ == "__main__":
    if len(sys.argv) not in (5, 6) or sys.argv[1] not in INCR:
        sys.exit(__doc__)
    serve_app(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]) if len(sys.argv) > 5 else 8000)
