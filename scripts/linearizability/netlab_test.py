"""netlab's faults on real namespaces (needs root): a TCP server in each
member's namespace, probed from the clients' side (port 0) and from the
other members, healthy, under each cut, under a delay and healed.

  python3 scripts/linearizability/netlab_test.py

Exits 0 when every probe ends as expected, 1 otherwise, 2 when namespaces
cannot be made here.
"""

import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netlab  # noqa: E402

PORT = 7000
# A probe on an undelayed path answers within this (a delayed one: 2 x 200 ms).
FAST_MS = 300
SERVER = """import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('%s', %d))
s.listen()
while True:
    c, _ = s.accept()
    c.sendall(b'x')
    c.close()
"""
PROBE = """import socket, time
t = time.monotonic()
try:
    s = socket.create_connection(('%s', %d), timeout=1.5)
    s.recv(1)
    print(int((time.monotonic() - t) * 1000))
except OSError:
    print(-1)
"""


def main():
    why = netlab.available()
    if why:
        print("netlab_test: %s" % why)
        return 2
    lab = netlab.NetLab(3, random.Random(1), print)
    servers = []
    failures = []
    try:
        servers = [subprocess.Popen(lab.wrap(i, [sys.executable, "-c", SERVER % (lab.address(i), PORT)]))
                   for i in (1, 2, 3)]
        time.sleep(1.0)

        def probe(src, dst):
            cmd = [sys.executable, "-c", PROBE % (lab.address(dst), PORT)]
            out = subprocess.run(lab.wrap(src, cmd) if src else cmd, capture_output=True, text=True).stdout
            return int(out.strip() or -2)

        def expect(label, down=(), slow=(), slow_ms=0):
            for s in (0, 1, 2, 3):
                for d in (1, 2, 3):
                    if s == d:
                        continue
                    want_down = (s, d) in down
                    ms = probe(s, d)
                    if not want_down and (s, d) not in slow and ms > FAST_MS:
                        ms = min(ms, probe(s, d))   # once more: the machine may be busy
                    ok = (ms < 0) if want_down else (ms >= 0 and (ms >= slow_ms if (s, d) in slow else ms <= FAST_MS))
                    if not ok:
                        failures.append("%s: %d -> %d took %d ms (want %s)" % (
                            label, s, d, ms, "no answer" if want_down else "an answer"))
            print("netlab_test: %s checked" % label)

        everyone = [(s, d) for s in range(4) for d in range(1, 4) if s != d]
        expect("healthy")
        lab.isolate(1)
        expect("isolate 1", down=[(s, d) for s, d in everyone if 1 in (s, d)])
        lab.split({2})
        expect("split {2}|{1,3}", down=[(1, 2), (3, 2), (2, 1), (2, 3)])
        lab.cut_link(1, 3)
        expect("cut 1-3", down=[(1, 3), (3, 1)])
        # Member 2's frames wait 200 ms each: a connect and a reply is two.
        lab.slow([2], 200, 10)
        expect("delay 2", slow=[(s, d) for s, d in everyone if 2 in (s, d)], slow_ms=350)
        lab.heal()
        expect("healed")
    finally:
        for p in servers:
            p.kill()
            p.wait()
        lab.close()
    left = [ns for ns in netlab.namespaces() if ns.startswith(lab.prefix + "-")]
    if left:
        failures.append("namespaces left after close: %s" % left)
    for f in failures:
        print("netlab_test: FAIL " + f)
    print("netlab_test: %s" % ("PASS" if not failures else "FAIL"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
