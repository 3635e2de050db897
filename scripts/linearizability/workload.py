"""Jepsen-style workload: kazoo clients run writes, compare-and-sets
(setData with a version) and reads on a few znodes while a nemesis kills
servers with SIGKILL and restarts them, pauses them, or (with --net netns)
partitions and delays them; the history is then checked by lincheck.py.

  workload.py --target swiftzk|apache|apache3 --dir DIR [--duration S]
              [--clients N] [--keys K] [--interval S] [--seed S]
              [--nemesis kill|pause|partition|delay|mixed|none]
              [--net loopback|netns] [--plant fake-ack]

Targets:
  swiftzk   one swiftzk server ($SWIFTZK, default .build/debug/swiftzk);
            the nemesis kills it and restarts it on the same dataDir
  apache    one Apache ZooKeeper 3.8 server (Debian's), the same way
  apache3   a 3-server Apache 3.8 ensemble on 127.0.0.1 (or, with --net netns,
            one member per network namespace); the nemesis kills
            the leader, or a follower every third time, and restarts it
            (kazoo clients spread over all three)

--net netns (ensemble targets, root): each member runs in its own network
namespace (ip netns exec) on 10.239.Y.I:2181/2888/3888, joined by the
user-space switch of netlab.py; the clients stay in this process, in the
root namespace, on 10.239.Y.254. Two more nemeses then exist, one fault at
a time, each healed before the next:
  partition  for 1-6 s, one of: a member cut from peers and clients; the
             leader cut from the two followers; a follower cut from the
             other two (the leader keeps its majority); one link between
             two members cut, each still reaching the third
  delay      50-300 ms (+-5-50 ms jitter) on every frame one member, or
             every member, sends, for 2-6 s
--nemesis mixed picks among kill, pause, partition and delay.

With one server, reads are checked for linearizability with the writes.
With an ensemble, reads are served by the member a client is connected to
and are not linearizable in ZooKeeper (by design: sync() is not a barrier
for other clients); writes and compare-and-sets are, and reads are checked
for sequential consistency per client (lincheck.check_reads_sequential).

--plant fake-ack puts a proxy between the clients and the one server (with
an ensemble: member 1, which every client then goes through) that answers a few compare-and-sets itself with a forged success, without
forwarding them: an acknowledged write that never happened. The check must
then fail; scripts/interop/linearizability asserts that it does.

Writes DIR/history.jsonl and prints the checker's verdict; exits 0 when the
history is linearizable, 1 when it is not, 2 on a setup failure.
"""

import argparse
import atexit
import json
import logging
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lincheck  # noqa: E402
import netlab  # noqa: E402

from kazoo.client import KazooClient  # noqa: E402
from kazoo.exceptions import BadVersionError, ZookeeperError  # noqa: E402
from kazoo.handlers.threading import KazooTimeoutError  # noqa: E402
from kazoo.retry import KazooRetry  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
APACHE_CP = "/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar"
ROOT = "/lin"
OP_TIMEOUT_S = 5.0


def say(msg):
    print("[workload %s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def free_ports(n, rng):
    """n distinct ports below the ephemeral range that nothing listens on."""
    ports = []
    while len(ports) < n:
        p = rng.randint(15000, 30000)
        if p in ports:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", p))
            except OSError:
                continue
        ports.append(p)
    return ports


def four_letter(host, port, word, timeout=2.0):
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.sendall(word.encode())
            s.shutdown(socket.SHUT_WR)
            out = b""
            while True:
                b = s.recv(4096)
                if not b:
                    return out.decode(errors="replace")
                out += b
    except OSError:
        return ""


class Member:
    """One server process on a fixed client address, restartable on its
    dataDir; with `wrap`, started through it (ip netns exec)."""

    def __init__(self, kind, directory, port, cfg_lines, myid=None, host="127.0.0.1", wrap=None):
        self.kind, self.dir, self.port, self.host, self.wrap = kind, directory, port, host, wrap
        self.myid = myid
        self.proc = None
        os.makedirs(os.path.join(directory, "data"), exist_ok=True)
        if myid is not None:
            with open(os.path.join(directory, "data", "myid"), "w") as f:
                f.write("%d\n" % myid)
        with open(os.path.join(directory, "zoo.cfg"), "w") as f:
            f.write("tickTime=500\ndataDir=%s/data\nclientPort=%d\nclientPortAddress=%s\n"
                    "4lw.commands.whitelist=*\nadmin.enableServer=false\nforceSync=yes\n"
                    % (directory, port, host))
            for line in cfg_lines:
                f.write(line + "\n")

    def command(self, ensemble):
        cfg = os.path.join(self.dir, "zoo.cfg")
        if self.kind == "swiftzk":
            return [os.environ.get("SWIFTZK", os.path.join(REPO, ".build/debug/swiftzk")), "server", cfg]
        main = ("org.apache.zookeeper.server.quorum.QuorumPeerMain" if ensemble
                else "org.apache.zookeeper.server.ZooKeeperServerMain")
        return ["java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-cp", APACHE_CP, main, cfg]

    def start(self, ensemble=False):
        log = open(os.path.join(self.dir, "server.log"), "ab")
        log.write(("=== %s start\n" % time.strftime("%H:%M:%S")).encode())
        log.flush()
        cmd = self.command(ensemble)
        if self.wrap is not None:
            cmd = self.wrap(cmd)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait()

    def pause(self, seconds):
        """SIGSTOP for `seconds`, then SIGCONT: a process that hangs (a GC
        pause, a stalled disk) while its peers and clients go on."""
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGSTOP)
            time.sleep(seconds)
            os.killpg(self.proc.pid, signal.SIGCONT)

    def serving(self):
        return "Mode:" in four_letter(self.host, self.port, "srvr")

    def mode(self):
        for line in four_letter(self.host, self.port, "srvr").splitlines():
            if line.startswith("Mode:"):
                return line.split(":", 1)[1].strip()
        return None

    @property
    def name(self):
        return "%s:%d" % (self.host, self.port)

    def log_tail(self, n=20):
        try:
            with open(os.path.join(self.dir, "server.log"), errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""


class Cluster:
    def __init__(self, target, work, rng, lab=None):
        self.target = target
        self.ensemble = target.endswith("3")
        self.lab = lab
        kind = target.rstrip("3")
        n = 3 if self.ensemble else 1
        if lab is not None:
            # Each member has its namespace: the same ports on its own address.
            hosts = [lab.address(i + 1) for i in range(n)]
            client, quorum, election = [2181] * n, [2888] * n, [3888] * n
        else:
            hosts = ["127.0.0.1"] * n
            ports = free_ports(3 * n, rng)
            client, quorum, election = ports[:n], ports[n:2 * n], ports[2 * n:]
        lines = ["initLimit=10", "syncLimit=5"] if self.ensemble else []
        if self.ensemble:
            lines += ["server.%d=%s:%d:%d" % (i + 1, hosts[i], quorum[i], election[i]) for i in range(n)]
        self.members = [Member(kind, os.path.join(work, "server%d" % (i + 1)), client[i], lines,
                               myid=(i + 1) if self.ensemble else None, host=hosts[i],
                               wrap=(lambda cmd, i=i: lab.wrap(i + 1, cmd)) if lab is not None else None)
                        for i in range(n)]
        self.kills = 0

    def start(self, timeout=90):
        for m in self.members:
            m.start(self.ensemble)
        return self.wait_serving(self.members, timeout)

    def wait_serving(self, members, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for m in members:
                if not m.alive():
                    raise RuntimeError("server %s exited:\n%s" % (m.name, m.log_tail()))
            if all(m.serving() for m in members):
                return True
            time.sleep(0.2)
        raise RuntimeError("servers not serving within %ds:\n%s" % (timeout, "\n".join(m.log_tail() for m in members)))

    def victim(self, rng):
        if not self.ensemble:
            return self.members[0]
        self.kills += 1
        leaders = [m for m in self.members if m.mode() == "leader"]
        if leaders and self.kills % 3:
            return leaders[0]
        return rng.choice(self.members)

    def stop(self):
        for m in self.members:
            m.kill9()

    @property
    def hosts(self):
        return ",".join(m.name for m in self.members)


class FakeAckProxy:
    """A TCP proxy in front of one server that forges a successful reply to
    some compare-and-set setData requests instead of forwarding them (the
    planted bug). It only forges when the connection has no other request
    outstanding, so the client sees replies in order."""

    def __init__(self, upstream_host, upstream_port, rng, probability):
        self.upstream = (upstream_host, upstream_port)
        self.rng = rng
        self.p = probability
        self.forged = 0
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            try:
                u = socket.create_connection(self.upstream, timeout=2)
                u.settimeout(None)
            except OSError:
                c.close()
                continue
            state = {"outstanding": set(), "zxid": 0, "lock": threading.Lock(), "handshake": [True, True]}
            threading.Thread(target=self.pump_up, args=(c, u, state), daemon=True).start()
            threading.Thread(target=self.pump_down, args=(u, c, state), daemon=True).start()

    @staticmethod
    def read_frame(s):
        head = b""
        while len(head) < 4:
            b = s.recv(4 - len(head))
            if not b:
                return None
            head += b
        (n,) = struct.unpack(">i", head)
        body = b""
        while len(body) < n:
            b = s.recv(min(65536, n - len(body)))
            if not b:
                return None
            body += b
        return body

    def pump_up(self, c, u, st):
        try:
            while True:
                frame = self.read_frame(c)
                if frame is None:
                    break
                if st["handshake"][0]:
                    st["handshake"][0] = False
                    u.sendall(struct.pack(">i", len(frame)) + frame)
                    continue
                xid, op = struct.unpack(">ii", frame[:8])
                with st["lock"]:
                    forge = (op == 5 and not st["outstanding"] and self.rng.random() < self.p)
                    if forge:
                        (plen,) = struct.unpack(">i", frame[8:12])
                        off = 12 + max(plen, 0)
                        (dlen,) = struct.unpack(">i", frame[off:off + 4])
                        off += 4 + max(dlen, 0)
                        (version,) = struct.unpack(">i", frame[off:off + 4])
                        forge = version >= 0
                    if forge:
                        stat = struct.pack(">qqqqiiiqiiq", 0, st["zxid"], 0, 0, version + 1, 0, 0, 0, max(dlen, 0), 0, 0)
                        reply = struct.pack(">iqi", xid, st["zxid"], 0) + stat
                        c.sendall(struct.pack(">i", len(reply)) + reply)
                        with self.lock:
                            self.forged += 1
                        continue
                    if xid != -2:
                        st["outstanding"].add(xid)
                u.sendall(struct.pack(">i", len(frame)) + frame)
        except OSError:
            pass
        for s in (c, u):
            try:
                s.close()
            except OSError:
                pass

    def pump_down(self, u, c, st):
        try:
            while True:
                frame = self.read_frame(u)
                if frame is None:
                    break
                if st["handshake"][1]:
                    st["handshake"][1] = False
                else:
                    xid, zxid = struct.unpack(">iq", frame[:12])
                    with st["lock"]:
                        st["outstanding"].discard(xid)
                        if zxid > st["zxid"]:
                            st["zxid"] = zxid
                with st["lock"]:
                    c.sendall(struct.pack(">i", len(frame)) + frame)
        except OSError:
            pass
        for s in (c, u):
            try:
                s.close()
            except OSError:
                pass


class Recorder:
    def __init__(self):
        self.ops = []
        self.lock = threading.Lock()

    def add(self, op):
        with self.lock:
            self.ops.append(op)


def new_client(hosts, rng):
    retry = KazooRetry(max_tries=-1, delay=0.1, backoff=1.5, max_delay=1.0)
    return KazooClient(hosts=hosts, timeout=10.0, connection_retry=retry, command_retry=None,
                       randomize_hosts=True)


class Worker(threading.Thread):
    def __init__(self, proc, hosts, keys, rng, recorder, stop):
        super().__init__(daemon=True, name="worker-%d" % proc)
        self.proc, self.hosts, self.keys, self.rng = proc, hosts, keys, rng
        self.recorder, self.stop = recorder, stop
        self.seen = {}
        self.n = 0
        self.client = None
        self.error = None

    def connect(self):
        if self.client is not None:
            try:
                self.client.stop()
                self.client.close()
            except Exception:
                pass
        self.client = new_client(self.hosts, self.rng)
        self.client.start(timeout=60)

    def run(self):
        try:
            self.connect()
            while not self.stop.is_set():
                self.one()
        except Exception as e:  # noqa: BLE001 - reported by the driver
            self.error = "%s: %s" % (type(e).__name__, e)
        finally:
            try:
                self.client.stop()
                self.client.close()
            except Exception:
                pass

    def one(self):
        key = self.rng.choice(self.keys)
        roll = self.rng.random()
        op = {"proc": self.proc, "key": key, "value": None, "expect": None, "version": None, "got": None}
        if roll < 0.35:
            op["f"] = "read"
        else:
            self.n += 1
            op["value"] = "%d-%d" % (self.proc, self.n)
            if roll < 0.5:
                op["f"] = "write"
            elif roll < 0.8:
                op["f"] = "cas"
                guess = self.seen.get(key, 0)
                op["expect"] = guess if self.rng.random() < 0.8 else max(0, guess + self.rng.randint(-1, 1))
            elif roll < 0.9:
                op["f"], op["key"], op["path"] = "create", None, "%s/u/%s" % (ROOT, op["value"])
            else:
                op["f"], op["key"] = "seq", None
        op["call"] = time.monotonic_ns()
        try:
            f = op["f"]
            if f == "read":
                data, stat = self.client.get_async(key).get(timeout=OP_TIMEOUT_S)
                op["got"], op["version"], op["out"] = data.decode(), stat.version, "ok"
            elif f == "create":
                self.client.create_async(op["path"], op["value"].encode()).get(timeout=OP_TIMEOUT_S)
                op["out"] = "ok"
            elif f == "seq":
                path = self.client.create_async(ROOT + "/seq/s-", op["value"].encode(),
                                                sequence=True).get(timeout=OP_TIMEOUT_S)
                op["got"], op["out"] = path.rsplit("/", 1)[1], "ok"
            else:
                version = -1 if f == "write" else op["expect"]
                stat = self.client.set_async(key, op["value"].encode(), version).get(timeout=OP_TIMEOUT_S)
                op["version"], op["out"] = stat.version, "ok"
            op["ret"] = time.monotonic_ns()
            if op["key"] is not None:
                self.seen[key] = op["version"]
        except BadVersionError:
            op["ret"], op["out"] = time.monotonic_ns(), "fail"
            self.seen.pop(key, None)
        except (ZookeeperError, KazooTimeoutError, Exception) as e:  # noqa: BLE001
            op["ret"], op["out"] = None, None
            op["error"] = type(e).__name__
            if op["f"] == "read":
                # A read with no answer observed nothing.
                op["ret"] = time.monotonic_ns()
            self.recorder.add(op)
            self.recover()
            return
        self.recorder.add(op)

    def recover(self):
        """After an unknown outcome: wait for the client to reconnect (or
        open a new session if its own expired)."""
        deadline = time.monotonic() + 60
        while not self.stop.is_set() and time.monotonic() < deadline:
            state = self.client.state
            if state == "CONNECTED":
                return
            if state == "LOST" or not self.client.connected and self.client._stopped.is_set():
                self.connect()
                return
            time.sleep(0.05)
        if not self.stop.is_set():
            self.connect()


def read_final(address, keys, recorder):
    """The /lin subtree as one member (host:port) holds it, after a sync;
    with a recorder, the reads of the keys go into the history too."""
    client = new_client(address, None)
    client.start(timeout=60)
    try:
        client.sync(ROOT)
        state = {"keys": {}, "unique": {}, "seq": {}}
        for k in keys:
            t0 = time.monotonic_ns()
            data, stat = client.get(k)
            state["keys"][k] = (data.decode(), stat.version)
            if recorder is not None:
                recorder.add({"proc": 0, "key": k, "f": "read", "call": t0, "ret": time.monotonic_ns(), "out": "ok",
                              "got": data.decode(), "version": stat.version, "value": None, "expect": None})
        for name, parent in (("unique", ROOT + "/u"), ("seq", ROOT + "/seq")):
            for child in client.get_children(parent):
                data, _ = client.get(parent + "/" + child)
                state[name][child if name == "seq" else parent + "/" + child] = data.decode()
        return state
    finally:
        client.stop()
        client.close()


def partition(cluster, rng):
    """Cut the network one of four ways (3 members); returns what it did.
    The caller heals it."""
    lab, members = cluster.lab, cluster.members
    ids = [m.myid for m in members]
    leaders = [m.myid for m in members if m.mode() == "leader"]
    leader = leaders[0] if leaders else rng.choice(ids)
    shape = rng.choice(["isolate", "leader", "minority", "link"])
    if shape == "isolate":
        i = rng.choice(ids)
        lab.isolate(i)
        return "isolate member %d (%s) from peers and clients" % (i, "leader" if i == leader else "follower")
    if shape == "leader":
        lab.split({leader})
        return "split {%d (leader)} | {%s}" % (leader, ",".join(str(i) for i in ids if i != leader))
    followers = [i for i in ids if i != leader]
    if shape == "minority":
        i = rng.choice(followers)
        lab.split({i})
        return "split {%d} | {%s} (leader %d in the majority)" % (
            i, ",".join(str(j) for j in ids if j != i), leader)
    a = rng.choice(followers)
    b = rng.choice([i for i in ids if i != a])
    lab.cut_link(a, b)
    return "cut link %d-%d only (leader %d)" % (a, b, leader)


def nemesis(cluster, rng, interval, stop, log, kinds):
    """One fault at a time, healed before the next. log gets (kind, text)."""
    while not stop.wait(interval * (0.5 + rng.random())):
        what = rng.choice(kinds)
        if what == "partition":
            text = partition(cluster, rng)
            hold = rng.uniform(1.0, 6.0)
            log.append((what, "%s for %.1f s" % (text, hold)))
            time.sleep(hold)
            cluster.lab.heal()
            continue
        if what == "delay":
            ms, jitter, hold = rng.randint(50, 300), rng.randint(5, 50), rng.uniform(2.0, 6.0)
            ids = [m.myid for m in cluster.members]
            who = ids if rng.random() < 0.5 else [rng.choice(ids)]
            cluster.lab.slow(who, ms, jitter)
            log.append((what, "delay %d ms +-%d on members %s for %.1f s" % (
                ms, jitter, ",".join(map(str, who)), hold)))
            time.sleep(hold)
            cluster.lab.heal()
            continue
        victim = cluster.victim(rng)
        log.append((what, "%s %s (%s, %s)" % ("kill -9" if what == "kill" else "SIGSTOP", victim.kind, victim.name,
                                              victim.mode() or "?")))
        if what == "pause":
            victim.pause(rng.uniform(0.5, 4.0))
            continue
        victim.kill9()
        time.sleep(rng.uniform(0.2, 1.5))
        victim.start(cluster.ensemble)
        try:
            cluster.wait_serving([victim], 90)
        except RuntimeError as e:
            log.append(("error", "restart failed: %s" % e))
            return


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--target", choices=["swiftzk", "apache", "apache3"], required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--duration", type=float, default=30)
    ap.add_argument("--clients", type=int, default=5)
    ap.add_argument("--keys", type=int, default=3)
    ap.add_argument("--nemesis", choices=["kill", "pause", "partition", "delay", "mixed", "none"], default="mixed",
                    help="kill: SIGKILL and restart; pause: SIGSTOP for 0.5-4 s; partition: cut the "
                         "network 1-6 s; delay: 50-300 ms for 2-6 s; mixed: any of them (the last two "
                         "with --net netns only)")
    ap.add_argument("--net", choices=["loopback", "netns"], default="loopback",
                    help="netns: each ensemble member in its own network namespace (root)")
    ap.add_argument("--interval", type=float, default=4.0)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--plant", choices=["fake-ack"], default=None)
    a = ap.parse_args(argv)
    rng = random.Random(a.seed)
    os.makedirs(a.dir, exist_ok=True)
    kazoo_log = logging.getLogger("kazoo")
    kazoo_log.propagate = False
    handler = logging.FileHandler(os.path.join(a.dir, "kazoo.log"))
    handler.setFormatter(logging.Formatter("%(asctime)s %(threadName)s %(levelname)s %(message)s"))
    kazoo_log.addHandler(handler)
    say("seed %d, target %s, %d clients, %d keys, %.0f s, nemesis %s, net %s%s" % (
        a.seed, a.target, a.clients, a.keys, a.duration, a.nemesis, a.net,
        ", planted bug " + a.plant if a.plant else ""))
    if a.net == "netns" and not a.target.endswith("3"):
        say("--net netns needs an ensemble target")
        return 2
    if a.nemesis in ("partition", "delay") and a.net != "netns":
        say("--nemesis %s needs --net netns" % a.nemesis)
        return 2
    lab = None
    if a.net == "netns":
        why = netlab.available()
        if why:
            say("--net netns: %s" % why)
            return 2
        # SIGINT/SIGTERM unwind through the finally below; atexit covers the rest.
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda signum, _frame: sys.exit(128 + signum))
        try:
            lab = netlab.NetLab(3, rng, say)
        except (RuntimeError, OSError) as e:
            say("network setup failed: %s" % e)
            return 2
        atexit.register(lab.close)
    cluster = Cluster(a.target, a.dir, rng, lab)
    try:
        return run(a, rng, cluster)
    finally:
        cluster.stop()
        if lab is not None:
            lab.close()


def run(a, rng, cluster):
    try:
        cluster.start()
    except RuntimeError as e:
        say("setup failed: %s" % e)
        cluster.stop()
        return 2
    hosts = cluster.hosts
    proxy = None
    if a.plant == "fake-ack":
        first = cluster.members[0]
        proxy = FakeAckProxy(first.host, first.port, random.Random(a.seed + 1), 0.05)
        hosts = "127.0.0.1:%d" % proxy.port
    keys = ["%s/k%d" % (ROOT, i) for i in range(a.keys)]
    setup = new_client(cluster.hosts, rng)
    setup.start(timeout=60)
    setup.ensure_path(ROOT + "/u")
    setup.ensure_path(ROOT + "/seq")
    for k in keys:
        setup.create(k, b"")
    setup.stop()
    setup.close()

    recorder = Recorder()
    stop = threading.Event()
    workers = [Worker(i + 1, hosts, keys, random.Random(a.seed * 1000 + i), recorder, stop) for i in range(a.clients)]
    for w in workers:
        w.start()
    nemesis_log = []
    nem = None
    if a.nemesis != "none":
        kinds = [a.nemesis] if a.nemesis != "mixed" else (
            ["kill", "pause", "partition", "delay"] if cluster.lab is not None else ["kill", "pause"])
        nem = threading.Thread(target=nemesis, args=(cluster, rng, a.interval, stop, nemesis_log, kinds), daemon=True)
        nem.start()
    time.sleep(a.duration)
    stop.set()
    if nem is not None:
        nem.join(120)
    for w in workers:
        w.join(OP_TIMEOUT_S + 70)
    # Every member up again, then one last read of each key through a fresh
    # client: an acknowledged write lost in the last crash shows here.
    if cluster.lab is not None:
        cluster.lab.heal()
    for m in cluster.members:
        if not m.alive():
            m.start(cluster.ensemble)
    try:
        cluster.wait_serving(cluster.members, 90)
        final_states = [read_final(m.name, keys, recorder if i == 0 else None)
                        for i, m in enumerate(cluster.members)]
    except Exception as e:  # noqa: BLE001
        say("final read failed: %s: %s" % (type(e).__name__, e))
        cluster.stop()
        return 2
    cluster.stop()
    kinds_seen = {}
    for kind, line in nemesis_log:
        say("nemesis: " + line)
        kinds_seen[kind] = kinds_seen.get(kind, 0) + 1
    errors = [w.error for w in workers if w.error]
    for e in errors:
        say("worker error: %s" % e)
    ops = sorted(recorder.ops, key=lambda o: o["call"])
    path = os.path.join(a.dir, "history.jsonl")
    with open(path, "w") as f:
        for op in ops:
            f.write(json.dumps(op) + "\n")
    counts = {}
    for op in ops:
        counts[op.get("out") or "unknown"] = counts.get(op.get("out") or "unknown", 0) + 1
    say("history: %d operations (%s) in %s; %d faults (%s)%s" % (
        len(ops), ", ".join("%s %d" % kv for kv in sorted(counts.items())), path, len(nemesis_log),
        ", ".join("%s %d" % kv for kv in sorted(kinds_seen.items())) or "none",
        "; %d forged acks" % proxy.forged if proxy else ""))
    if cluster.ensemble and cluster.target.startswith("apache"):
        # Leaderships won over the run (the first election included), from
        # Apache's own log: how much the faults moved the leader.
        won = 0
        for m in cluster.members:
            try:
                with open(os.path.join(m.dir, "server.log"), errors="replace") as f:
                    won += sum(1 for line in f if line.rstrip().endswith("Peer state changed: leading"))
            except OSError:
                pass
        say("leaderships won: %d" % won)
    checked = [o for o in ops if not (cluster.ensemble and o["f"] == "read" and o["proc"] != 0)]
    t0 = time.monotonic()
    findings = lincheck.check_history([o for o in checked if o["key"] is not None], "")
    if cluster.ensemble:
        findings += lincheck.check_reads_sequential([o for o in ops if o["key"] is not None])
    findings += lincheck.check_creates(ops, final_states[0])
    for m, st in zip(cluster.members[1:], final_states[1:]):
        if st != final_states[0]:
            findings.append("member %s holds another /lin tree than member %s" % (
                m.name, cluster.members[0].name))
    say("checked in %.1f s: %s" % (time.monotonic() - t0, "linearizable" if not findings else "NOT linearizable"))
    for line in findings[:10]:
        say("finding: " + line)
    if errors or (a.nemesis == "kill" and not nemesis_log) or "error" in kinds_seen:
        return 2
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
