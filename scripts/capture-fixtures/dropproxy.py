#!/usr/bin/env python3
"""Transparent loopback TCP relay used to force ZooKeeper client reconnects.

    dropproxy.py LISTEN_PORT UPSTREAM_PORT CONTROL_PORT

Clients connect to 127.0.0.1:LISTEN_PORT; every connection is relayed byte for
byte to 127.0.0.1:UPSTREAM_PORT (the ZooKeeper server).  Sending the line
"drop" to 127.0.0.1:CONTROL_PORT shuts down every relayed connection (both
legs), so the client sees its socket close and reconnects -- on a *new* TCP
connection to the server, carrying ConnectRequest(sessionId, passwd,
lastZxidSeen), re-sent auth and SetWatches/SetWatches2.

The capture only listens on the server port, so what ends up in the fixtures
is the relay->server leg: the same bytes the client wrote, in the same order
(only TCP segment boundaries may differ, which the extractor does not care
about).  Only binds 127.0.0.1.
"""
import socket
import sys
import threading

LISTEN, UPSTREAM, CONTROL = (int(a) for a in sys.argv[1:4])
lock = threading.Lock()
pairs = []  # list of (client_sock, upstream_sock)


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve_clients():
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", LISTEN))
    ls.listen(16)
    while True:
        c, _ = ls.accept()
        try:
            u = socket.create_connection(("127.0.0.1", UPSTREAM))
        except OSError:
            c.close()
            continue
        for s in (c, u):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with lock:
            pairs.append((c, u))
        threading.Thread(target=pump, args=(c, u), daemon=True).start()
        threading.Thread(target=pump, args=(u, c), daemon=True).start()


def drop_all():
    with lock:
        victims = list(pairs)
        pairs.clear()
    for c, u in victims:
        for s in (u, c):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
    return len(victims)


def serve_control():
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", CONTROL))
    ls.listen(4)
    while True:
        c, _ = ls.accept()
        with c:
            line = c.makefile("r").readline().strip()
            if line == "drop":
                n = drop_all()
                c.sendall(f"dropped {n}\n".encode())
            else:
                c.sendall(b"?\n")


threading.Thread(target=serve_clients, daemon=True).start()
print(f"dropproxy: 127.0.0.1:{LISTEN} -> 127.0.0.1:{UPSTREAM}, control 127.0.0.1:{CONTROL}", flush=True)
serve_control()
