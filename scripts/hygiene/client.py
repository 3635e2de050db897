#!/usr/bin/env python3
"""Client side of scripts/interop/session-hygiene.  Runs inside the client
network namespace (hygiene.py starts it with `ip netns exec`).

  client.py hold --host H:P [--host H:P ...] [--count N] --path P
                 [--sequential] [--data D] [--timeout S]
      Opens one kazoo handle per --host (each repeated --count times), each
      creating an ephemeral znode at P (parents made as needed) holding D and
      reading it back.  Then prints one line
          READY {"handles": [{"host", "session", "negotiated_ms", "local",
                              "peer", "path", "ok"}, ...]}
      and obeys stdin, one command a line:
          touch  every handle sends exists("/") and waits for the reply
                 (so the server last heard from each session just now);
                 answers TOUCHED
          quit   closes every handle cleanly and exits 0
      End of stdin exits at once without closing anything (a leak).  The
      process never lives longer than --lifetime seconds (default 300).

  client.py silent --host IP --port P [--limit S]
      Opens a TCP connection and never sends a byte; prints
          CONNECTED {"local": [ip, port]}
      and, when the server closes it (or after --limit seconds),
          RESULT {"elapsed": s, "how": "eof"|"reset"|"timeout"|"error: ..."}
      elapsed counts from the completed connect, on the monotonic clock.
"""

import argparse
import json
import logging
import os
import signal
import socket
import sys
import time


def out(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class NegotiatedTimeout(logging.Handler):
    """kazoo logs the negotiated session timeout (at its BLATHER level, 5)
    when a session is created; it keeps it nowhere else."""

    def __init__(self):
        super().__init__(level=1)
        self.value = None

    def emit(self, record):
        if isinstance(record.msg, str) and record.msg.startswith("Session created") and record.args:
            try:
                self.value = int(record.args[2])
            except (IndexError, TypeError, ValueError):
                pass


def hold(args):
    from kazoo.client import KazooClient

    signal.signal(signal.SIGALRM, lambda *_: os._exit(3))
    signal.alarm(args.lifetime)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="client %(asctime)s %(name)s %(levelname)s %(message)s")
    data = args.data.encode()
    handles = []
    report = []
    for host in args.host:
        for _ in range(args.count):
            captor = NegotiatedTimeout()
            logger = logging.getLogger("hygiene.kazoo.%d" % len(handles))
            logger.setLevel(1)
            logger.addHandler(captor)
            stderr_handler = logging.StreamHandler(sys.stderr)
            stderr_handler.setLevel(logging.WARNING)
            logger.addHandler(stderr_handler)
            logger.propagate = False
            zk = KazooClient(hosts=host, timeout=args.timeout, logger=logger,
                             connection_retry={"max_tries": 3, "delay": 0.2, "max_delay": 1})
            zk.start(timeout=15)
            handles.append(zk)
            created = zk.create(args.path, data, ephemeral=True, sequence=args.sequential, makepath=True)
            got, _ = zk.get(created)
            sock = zk._connection._socket
            local = sock.getsockname()[:2] if sock is not None else None
            peer = sock.getpeername()[:2] if sock is not None else None
            report.append({
                "host": host,
                "session": "0x%x" % zk.client_id[0],
                "negotiated_ms": captor.value,
                "local": list(local) if local else None,
                "peer": list(peer) if peer else None,
                "path": created,
                "ok": got == data,
            })
    out("READY " + json.dumps({"handles": report}))
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "touch":
            for zk in handles:
                zk.exists("/")
            out("TOUCHED")
        elif cmd == "quit":
            for zk in handles:
                try:
                    zk.stop()
                    zk.close()
                except Exception:
                    pass
            out("BYE")
            os._exit(0)
    # End of stdin: the driver is gone or wants a leak; leave without closing.
    os._exit(0)


def silent(args):
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect((args.host, args.port))
    t0 = time.monotonic()
    out("CONNECTED " + json.dumps({"local": list(s.getsockname()[:2])}))
    how = "timeout"
    deadline = t0 + args.limit
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        s.settimeout(min(left, 1.0))
        try:
            chunk = s.recv(4096)
        except socket.timeout:
            continue
        except ConnectionResetError:
            how = "reset"
            break
        except OSError as e:
            how = "error: %s" % e
            break
        if not chunk:
            how = "eof"
            break
        # The server sent something unasked; keep waiting for the close.
    elapsed = time.monotonic() - t0
    s.close()
    out("RESULT " + json.dumps({"elapsed": round(elapsed, 3), "how": how}))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="mode", required=True)
    h = sub.add_parser("hold")
    h.add_argument("--host", action="append", required=True)
    h.add_argument("--count", type=int, default=1)
    h.add_argument("--path", required=True)
    h.add_argument("--sequential", action="store_true")
    h.add_argument("--data", default="")
    h.add_argument("--timeout", type=float, default=6.0)
    h.add_argument("--lifetime", type=int, default=300)
    s = sub.add_parser("silent")
    s.add_argument("--host", required=True)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--limit", type=float, default=25.0)
    args = p.parse_args()
    if args.mode == "hold":
        hold(args)
    else:
        silent(args)


if __name__ == "__main__":
    main()
