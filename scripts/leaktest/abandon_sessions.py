#!/usr/bin/env python3
"""Open and abandon many sessions against a running server, then check that
its memory and watch counts come back to their baseline once the sessions
expire.

Usage: abandon_sessions.py HOST PORT PID [--sessions N] [--parallel P]

Each session: connect, ConnectRequest (timeout 4000 ms), a getData with a
watch on /leaktest, an exists watch on a missing path, and a create of an
ephemeral node, then the socket is closed without closeSession (abandoned).
After they all expire, VmRSS must be back within a margin of the baseline
taken after a warm-up round, and mntr must show 0 watches, 0 ephemerals and
no sessions beyond the checker's own.
"""
import argparse
import socket
import struct
import sys
import threading
import time


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def frame(body):
    return struct.pack(">i", len(body)) + body


def jstr(s):
    b = s.encode()
    return struct.pack(">i", len(b)) + b


def recv_frame(sock):
    head = b""
    while len(head) < 4:
        chunk = sock.recv(4 - len(head))
        if not chunk:
            return None
        head += chunk
    (n,) = struct.unpack(">i", head)
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


ACL = struct.pack(">i", 1) + struct.pack(">i", 31) + jstr("world") + jstr("anyone")


def one_session(host, port, i):
    s = socket.create_connection((host, port), timeout=10)
    try:
        s.sendall(frame(struct.pack(">iqiq", 0, 0, 4000, 0) + struct.pack(">i", 16) + b"\0" * 16 + b"\0"))
        if recv_frame(s) is None:
            return False
        s.sendall(frame(struct.pack(">ii", 1, 4) + jstr("/leaktest") + b"\1"))          # getData, watch
        s.sendall(frame(struct.pack(">ii", 2, 3) + jstr("/leaktest/none-%d" % i) + b"\1"))  # exists, watch
        s.sendall(frame(struct.pack(">ii", 3, 1) + jstr("/leaktest/e-%d" % i) + jstr("x") + ACL + struct.pack(">i", 1)))
        for _ in range(3):
            if recv_frame(s) is None:
                return False
        return True
    finally:
        s.close()


def four_letter(host, port, word):
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(word.encode())
        s.shutdown(socket.SHUT_WR)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    return out.decode()


def mntr(host, port):
    values = {}
    for line in four_letter(host, port, "mntr").splitlines():
        if "\t" in line:
            k, v = line.split("\t", 1)
            values[k] = v
    return values


def run_batch(host, port, start, count, parallel):
    ok = [0]
    lock = threading.Lock()
    next_index = [start]

    def worker():
        while True:
            with lock:
                i = next_index[0]
                if i >= start + count:
                    return
                next_index[0] += 1
            try:
                if one_session(host, port, i):
                    with lock:
                        ok[0] += 1
            except OSError:
                pass

    threads = [threading.Thread(target=worker) for _ in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return ok[0]


def wait_quiet(host, port, deadline):
    while time.time() < deadline:
        m = mntr(host, port)
        if int(m.get("zk_global_sessions", "1")) == 0 and int(m.get("zk_watch_count", "1")) == 0 \
                and int(m.get("zk_ephemerals_count", "1")) == 0:
            return m
        time.sleep(0.5)
    return mntr(host, port)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("pid", type=int)
    ap.add_argument("--sessions", type=int, default=100000)
    ap.add_argument("--parallel", type=int, default=32)
    args = ap.parse_args()
    host, port, pid = args.host, args.port, args.pid

    # /leaktest itself, made by a session that closes properly.
    s = socket.create_connection((host, port), timeout=10)
    s.sendall(frame(struct.pack(">iqiq", 0, 0, 4000, 0) + struct.pack(">i", 16) + b"\0" * 16 + b"\0"))
    recv_frame(s)
    s.sendall(frame(struct.pack(">ii", 1, 1) + jstr("/leaktest") + jstr("") + ACL + struct.pack(">i", 0)))
    recv_frame(s)
    s.sendall(frame(struct.pack(">ii", 2, -11)))
    recv_frame(s)
    s.close()

    # Warm-up round, so allocator growth from first use is in the baseline.
    warm = min(5000, args.sessions)
    t0 = time.time()
    run_batch(host, port, 0, warm, args.parallel)
    wait_quiet(host, port, time.time() + 60)
    baseline = rss_kb(pid)
    print("baseline after %d warm-up sessions: VmRSS %d kB (%.1fs)" % (warm, baseline, time.time() - t0), flush=True)

    t0 = time.time()
    ok = run_batch(host, port, warm, args.sessions, args.parallel)
    peak_m = mntr(host, port)
    peak = rss_kb(pid)
    print("opened and abandoned %d sessions (%d complete) in %.1fs; now VmRSS %d kB, sessions %s, watches %s, ephemerals %s"
          % (args.sessions, ok, time.time() - t0, peak, peak_m.get("zk_global_sessions"),
             peak_m.get("zk_watch_count"), peak_m.get("zk_ephemerals_count")), flush=True)
    m = wait_quiet(host, port, time.time() + 120)
    time.sleep(2)
    after = rss_kb(pid)
    print("after expiry: VmRSS %d kB (baseline %d kB, peak %d kB); sessions %s, watches %s, ephemerals %s, connections %s"
          % (after, baseline, peak, m.get("zk_global_sessions"), m.get("zk_watch_count"),
             m.get("zk_ephemerals_count"), m.get("zk_num_alive_connections")), flush=True)
    failures = []
    if ok < args.sessions * 0.99:
        failures.append("only %d of %d sessions completed" % (ok, args.sessions))
    for key in ("zk_global_sessions", "zk_watch_count", "zk_ephemerals_count"):
        if int(m.get(key, "-1")) != 0:
            failures.append("%s is %s, not 0" % (key, m.get(key)))
    # Memory must come back near the baseline: within 20% of it or 16 MB,
    # whichever is larger (the allocator keeps some freed pages).
    margin = max(baseline * 0.2, 16 * 1024)
    if after > baseline + margin:
        failures.append("VmRSS %d kB stays above baseline %d kB + margin %d kB" % (after, baseline, margin))
    if failures:
        print("leak-test: FAIL: " + "; ".join(failures))
        sys.exit(1)
    print("leak-test: PASS")


if __name__ == "__main__":
    main()
