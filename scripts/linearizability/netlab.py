"""Network namespaces for the ensemble members, joined by a switch that
can cut links and add delay (workload.py --net netns).

Layout (one run, prefix zkl<pid>):
  zkl<pid>-m1..mN   one network namespace per member, each with a TAP
                    device zkl<pid>mI holding 10.239.Y.I/24 and lo
  root namespace    a TAP device zkl<pid>c holding 10.239.Y.254/24: the
                    kazoo clients, the four-letter checks and the final
                    reads run here, in this process, and reach the members
                    through the switch
  switch            threads of this process that read Ethernet frames from
                    every TAP and write them to the TAP of the destination
                    MAC (flooding broadcasts and unknown MACs), dropping the
                    frames of a cut link and holding back the frames of a
                    delayed port

The switch is in user space because the kernels this runs on may lack
sch_netem and the gact action (this one has neither: CONFIG_NET_SCH_NETEM
and CONFIG_NET_ACT_GACT are unset), and iptables may be missing; TUN is
there. Members' namespaces have no route but their /24, so nothing leaves
these namespaces. TAP devices vanish when this process exits, however it
exits; the namespaces are deleted by close(), by atexit and on SIGINT/SIGTERM
(workload.py), and stale ones of a dead run by sweep_stale() at start.

Port 0 is the clients' TAP; port I (1..N) is member I.
"""

import fcntl
import heapq
import os
import random
import re
import struct
import subprocess
import threading
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
FRAME_MAX_BYTES = 65536
# Frames held back by a delay, over all ports; beyond this, frames are
# dropped (as a full netem queue does).
DELAYED_FRAMES_LIMIT = 20000
PREFIX_RE = re.compile(r"^zkl(\d+)-")


def run(*cmd, check=True):
    r = subprocess.run(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), r.stderr.strip()))
    return r


def available():
    """None when namespaces can be made here, else why not."""
    if os.geteuid() != 0:
        return "needs root (ip netns, TAP devices)"
    if run("ip", "netns", "list", check=False).returncode != 0:
        return "`ip netns` does not work here"
    if not os.path.exists("/dev/net/tun"):
        return "no /dev/net/tun"
    return None


def namespaces():
    out = run("ip", "netns", "list", check=False).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def delete_namespace(ns):
    for pid in run("ip", "netns", "pids", ns, check=False).stdout.split():
        try:
            os.kill(int(pid), 9)
        except (OSError, ValueError):
            pass
    for _ in range(20):
        if run("ip", "netns", "del", ns, check=False).returncode == 0:
            return True
        time.sleep(0.1)
    return False


def sweep_stale(say):
    """Delete the namespaces of runs whose process is gone (a SIGKILLed run)."""
    for ns in namespaces():
        m = PREFIX_RE.match(ns)
        if not m:
            continue
        if os.path.exists("/proc/%s" % m.group(1)):
            continue                     # its run is alive (or the pid was reused: left for later)
        say("removing stale namespace %s" % ns)
        delete_namespace(ns)


def pick_subnet():
    """10.239.Y.0/24 with no address or route of the root namespace in it."""
    taken = run("ip", "-4", "-o", "addr", "show", check=False).stdout + run("ip", "-4", "route", "show").stdout
    start = os.getpid() % 250 + 1
    for i in range(250):
        y = (start + i - 1) % 250 + 1
        if ("10.239.%d." % y) not in taken:
            return "10.239.%d" % y
    raise RuntimeError("no free 10.239.Y.0/24")


class Switch:
    def __init__(self, fds, rng):
        self.fds = fds                   # port -> TAP fd
        self.rng = rng
        self.lock = threading.Lock()
        self.macs = {}                   # MAC -> port
        self.cut = set()                 # (from, to) port pairs whose frames drop
        self.delay = {}                  # port -> (ms, jitter ms) on the frames it sends
        self.queue = []                  # (due, seq, port, frame)
        self.seq = 0
        self.wake = threading.Condition(self.lock)
        self.stopped = False
        self.dropped = 0
        self.forwarded = 0
        self.overflow = 0
        for port in fds:
            threading.Thread(target=self.read_loop, args=(port,), daemon=True, name="switch-%d" % port).start()
        threading.Thread(target=self.delay_loop, daemon=True, name="switch-delay").start()

    def read_loop(self, port):
        fd = self.fds[port]
        while not self.stopped:
            try:
                frame = os.read(fd, FRAME_MAX_BYTES)
            except OSError:
                return
            if len(frame) < 14:
                continue
            dst, src = frame[0:6], frame[6:12]
            now = time.monotonic()
            with self.lock:
                self.macs[src] = port
                to = self.macs.get(dst) if not dst[0] & 1 else None
                targets = [to] if to is not None else [p for p in self.fds if p != port]
                for t in targets:
                    if t == port:
                        continue
                    if (port, t) in self.cut:
                        self.dropped += 1
                        continue
                    d = self.delay_of(port)
                    if d <= 0:
                        self.write(t, frame)
                        continue
                    if len(self.queue) >= DELAYED_FRAMES_LIMIT:
                        self.overflow += 1
                        continue
                    self.seq += 1
                    heapq.heappush(self.queue, (now + d / 1000.0, self.seq, t, frame))
                    self.wake.notify()

    def delay_of(self, port):
        ms, jitter = self.delay.get(port, (0, 0))
        if ms <= 0:
            return 0
        return max(0.0, ms + self.rng.uniform(-jitter, jitter))

    def write(self, port, frame):
        try:
            os.write(self.fds[port], frame)
            self.forwarded += 1
        except OSError:
            self.dropped += 1

    def delay_loop(self):
        with self.lock:
            while not self.stopped:
                if not self.queue:
                    self.wake.wait(0.5)
                    continue
                due = self.queue[0][0]
                now = time.monotonic()
                if due > now:
                    self.wake.wait(due - now)
                    continue
                _, _, port, frame = heapq.heappop(self.queue)
                self.write(port, frame)

    def set_faults(self, cut=(), delay=None):
        with self.lock:
            self.cut = set(cut)
            self.delay = dict(delay or {})
            self.wake.notify()

    def stop(self):
        with self.lock:
            self.stopped = True
            self.wake.notify()


class NetLab:
    """Namespaces, addresses and the switch for n members."""

    def __init__(self, n, rng, say):
        self.n, self.say = n, say
        self.prefix = "zkl%d" % os.getpid()
        self.made = []
        self.fds = {}
        self.switch = None
        sweep_stale(say)
        self.subnet = pick_subnet()
        try:
            self.setup(rng)
        except Exception:
            self.close()
            raise

    def ns(self, i):
        return "%s-m%d" % (self.prefix, i)

    def address(self, i):
        return "%s.%d" % (self.subnet, i)

    @property
    def client_address(self):
        return "%s.254" % self.subnet

    def tap(self, name):
        fd = os.open("/dev/net/tun", os.O_RDWR)
        try:
            fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
        except OSError:
            os.close(fd)
            raise
        return fd

    def setup(self, rng):
        for i in range(1, self.n + 1):
            ns, dev = self.ns(i), "%sm%d" % (self.prefix, i)
            run("ip", "netns", "add", ns)
            self.made.append(ns)
            self.fds[i] = self.tap(dev)
            run("ip", "link", "set", dev, "netns", ns)
            run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
            run("ip", "-n", ns, "addr", "add", "%s/24" % self.address(i), "dev", dev)
            run("ip", "-n", ns, "link", "set", "lo", "up")
            run("ip", "-n", ns, "link", "set", dev, "up")
        dev = "%sc" % self.prefix
        self.fds[0] = self.tap(dev)
        run("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % dev, check=False)
        run("ip", "addr", "add", "%s/24" % self.client_address, "dev", dev)
        run("ip", "link", "set", dev, "up")
        self.switch = Switch(self.fds, random.Random(rng.random()))
        self.say("netns: %s-m1..m%d at %s.1-%d, clients at %s (%s), user-space switch" % (
            self.prefix, self.n, self.subnet, self.n, self.client_address, dev))

    def wrap(self, i, cmd):
        """cmd run inside member i's namespace (ip netns exec execs it, so
        the pid is the server's own)."""
        return ["ip", "netns", "exec", self.ns(i)] + cmd

    # Faults. Members are 1..n; port 0 is the clients.
    def isolate(self, i):
        """Member i cut from everybody, clients included."""
        cut = set()
        for p in range(self.n + 1):
            if p != i:
                cut |= {(i, p), (p, i)}
        self.switch.set_faults(cut=cut)

    def split(self, side):
        """Members in `side` cut from the other members; clients reach all."""
        cut = set()
        for a in range(1, self.n + 1):
            for b in range(1, self.n + 1):
                if (a in side) != (b in side):
                    cut.add((a, b))
        self.switch.set_faults(cut=cut)

    def cut_link(self, a, b):
        """Only members a and b cannot reach each other (each still reaches
        the third): a partition that is not transitive."""
        self.switch.set_faults(cut={(a, b), (b, a)})

    def slow(self, members, ms, jitter):
        self.switch.set_faults(delay={i: (ms, jitter) for i in members})

    def heal(self):
        if self.switch is not None:
            self.switch.set_faults()

    def close(self):
        if self.switch is not None:
            self.switch.stop()
        for ns in self.made:
            if not delete_namespace(ns):
                self.say("could not delete namespace %s" % ns)
        self.made = []
        for fd in self.fds.values():
            try:
                os.close(fd)
            except OSError:
                pass
        self.fds = {}
