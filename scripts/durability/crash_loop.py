#!/usr/bin/env python3
"""Crash loop: kill -9 a ZooKeeper server under write load, restart it on the
same dataDir, and check that no acknowledged write was lost.

    scripts/durability/crash_loop.py [--server swiftzk|apache] [--rounds N]
                                     [--seed S] [--keep] ...

Driven by scripts/interop/crash-loop (which adds a trap as a backstop).

The durability model itself (acknowledged writes survive any crash, torn
tails, lost unsynced data, failed fsyncs, a full disk, ephemerals gone with
their sessions) now runs in the deterministic simulator, over thousands of
seeded crashes a minute: `scripts/simulate --seeds N` (Sources/ZKSimulation).
This script stays as a short smoke run of the real process under kill -9
(3 rounds by default).

One dataDir persists across all rounds.  Round r:
  1. K writer threads (kazoo, one session each) connect; each one creates its
     round directory /crash/w<k>/r<r> and an ephemeral /crash/eph/w<k>-r<r>-0
     (a second one after its 10th write), then writes in a loop:
       create  /crash/w<k>/r<r>/c<i>   random data (0-256 bytes)
       setData /crash/w<k>/counter     value+1, with the expected version
       multi   create m<i>a, create m<i>b, setData counter (version checked)
       delete  an older node of this writer (acknowledged earlier)
     Each write is journalled ("send") before it is sent, and its outcome
     ("ack" only after the success reply arrived, "err" for an error reply,
     "unknown" for no reply) after; every line is flushed at once.
  2. After a random 0.5-3 s the server gets SIGKILL while the writers run.
     Writes in flight then are unknown: neither required nor forbidden.
  3. The server restarts on the same dataDir (failed restart = no imok within
     30 s, or it exits), and a fresh client checks, against the model built
     from the journal:
       - every acknowledged create is present with its data, every
         acknowledged delete stays deleted, every counter is at least its
         last acknowledged value (and its version equals its value);
       - nothing was ever lost after a client saw it following a restart
         (an unknown write that landed becomes expected from then on);
       - a multi is all or nothing; no node appears that nobody created.
  4. Ephemerals of the sessions from before the crash (timeout 4000 ms) must
     disappear: polled right after the restart, for at most 2 x timeout +
     2 ticks + 2 s (14 s).  Apache takes 3.5-5 s.

zoo.cfg: servers.sh's config plus snapCount=200 (a snapshot and a log roll
every 100-200 transactions), preAllocSize=64 (KiB: small log pre-allocation)
and autopurge.purgeInterval=0, so every snapshot and log stays: Apache's
dataDir grows by about 15 MB a round (1.5 GB for 100 rounds, in /tmp).
Every (re)start is on a fresh port (below the ephemeral port range), so the
old sessions' clients can never reconnect.  --sabotage drop-newest-log
deletes the newest log.* before each restart: the run must then FAIL (a
self-test of the checker; Apache loses dozens of writes a round with it).

Summary at the end; exit 0 only if lost acknowledged writes = 0, failed
restarts = 0 and no other durability violation (torn multi, phantom node,
regression of observed state, impossible reply).  Stale ephemerals are
reported separately and fail the run only with --fail-on-stale-ephemerals.
Exit 2 for setup problems (bad arguments, first start failed).
"""

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zkharness as h  # noqa: E402
import kazoo.exceptions as kex  # noqa: E402

PREFIX = "crash-loop"
ROOT = "/crash"
EPH = "/crash/eph"
OP_TIMEOUT = 5.0          # seconds a writer waits for one reply
DELETE_CAP = 300          # per writer: above this many deletable nodes, delete more
BATCH = 200               # most requests queued at once on the checking client


def say(msg):
    h.log(PREFIX, msg)


def rnd_data(rng):
    n = rng.choice((0, 1, 8, 32, 100, rng.randint(0, 256)))
    return bytes(rng.getrandbits(8) for _ in range(n))


# ---------------------------------------------------------------- writers

class Writer(threading.Thread):
    def __init__(self, k, rnd, hosts, journal, session_timeout_s, seed, deletable, go, stop):
        super().__init__(name="writer-%d" % k, daemon=True)
        self.k, self.rnd, self.hosts, self.journal = k, rnd, hosts, journal
        self.session_timeout_s = session_timeout_s
        self.rng = random.Random(seed)
        self.deletable = list(deletable)
        self.go, self.stop = go, stop
        self.ready = threading.Event()
        self.setup_error = None
        self.anomalies = []
        self.pending = None          # id of the write whose reply is awaited
        self.ops = 0
        self.client = None
        self.counter = "%s/w%d/counter" % (ROOT, k)
        self.rdir = "%s/w%d/r%d" % (ROOT, k, rnd)
        self.value = None            # counter value = version, as last known

    # One journalled write.  Returns (outcome, result_or_error_name).
    def write(self, op, call, **fields):
        oid = self.journal.new_id()
        self.journal.write(ev="send", id=oid, w=self.k, r=self.rnd, op=op, **fields)
        self.pending = oid
        try:
            res = call().get(timeout=OP_TIMEOUT)
        except Exception as e:  # noqa: BLE001 - classified below
            outcome, name = h.classify(e)
            self.journal.write(ev=outcome, id=oid, code=name)
            self.pending = None
            return outcome, name
        if op == "multi":
            err = h.multi_error(res)
            if err is not None:
                outcome, name = h.classify(err)
                self.journal.write(ev=outcome, id=oid, code=name)
                self.pending = None
                return outcome, name
        extra = {}
        if op == "set":
            extra["version"] = res.version
        elif op == "multi":
            extra["version"] = res[-1].version
        self.journal.write(ev=h.ACK, id=oid, **extra)   # only now: acknowledged
        self.pending = None
        self.ops += 1
        return h.ACK, res

    def read_counter(self):
        c = self.client
        try:
            data, stat = c.get_async(self.counter).get(timeout=OP_TIMEOUT)
        except kex.NoNodeError:
            out, _ = self.write("create", lambda: c.create_async(self.counter, b"0"),
                                path=self.counter, data=b"0".hex())
            if out != h.ACK:
                raise RuntimeError("creating %s: %s" % (self.counter, out))
            self.value = 0
            return
        try:
            v = int(data.decode())
        except ValueError:
            v = None
        if v != stat.version:
            self.anomalies.append("counter %s holds %r at version %d" % (self.counter, data, stat.version))
        self.value = stat.version

    def setup(self):
        c = self.client = h.new_client(self.hosts, self.session_timeout_s)
        c.start(timeout=10)
        c.ensure_path("%s/w%d" % (ROOT, self.k))
        c.ensure_path(EPH)
        self.read_counter()
        out, res = self.write("create", lambda: c.create_async(self.rdir, b""), path=self.rdir, data="")
        if out != h.ACK:
            raise RuntimeError("creating %s: %s" % (self.rdir, res))
        self.ephemeral(0)

    def ephemeral(self, j):
        c = self.client
        path = "%s/w%d-r%d-%d" % (EPH, self.k, self.rnd, j)
        out, res = self.write("ephemeral", lambda: c.create_async(path, b"e", ephemeral=True), path=path)
        return out

    def run(self):
        try:
            self.setup()
        except Exception as e:  # noqa: BLE001
            self.setup_error = "%s: %s" % (type(e).__name__, e)
            self.ready.set()
            self.close()
            return
        self.ready.set()
        if not self.go.wait(60):
            self.close()
            return
        c, rng = self.client, self.rng
        i = 0
        try:
            while not self.stop.is_set() and i < 1_000_000:
                i += 1
                if i == 10:
                    if self.ephemeral(1) == h.UNKNOWN:
                        break
                    continue
                p_delete = 0.1 if len(self.deletable) < DELETE_CAP else 0.45
                x = rng.random()
                if self.deletable and x < p_delete:
                    path = self.deletable.pop(rng.randrange(len(self.deletable)))
                    out, res = self.write("delete", lambda: c.delete_async(path), path=path)
                else:
                    kind = rng.choices(("create", "set", "multi"), weights=(5, 2, 1))[0]
                    if kind == "create":
                        path, data = "%s/c%d" % (self.rdir, i), rnd_data(rng)
                        out, res = self.write("create", lambda: c.create_async(path, data),
                                              path=path, data=data.hex())
                    elif kind == "set":
                        nv = self.value + 1
                        out, res = self.write("set", lambda: c.set_async(self.counter, str(nv).encode(), self.value),
                                              path=self.counter, value=nv, expect=self.value)
                        if out == h.ACK:
                            self.value = nv
                    else:
                        a, b = "%s/m%da" % (self.rdir, i), "%s/m%db" % (self.rdir, i)
                        da, db = rnd_data(rng), rnd_data(rng)
                        nv = self.value + 1
                        t = c.transaction()
                        t.create(a, da)
                        t.create(b, db)
                        t.set_data(self.counter, str(nv).encode(), self.value)
                        out, res = self.write("multi", t.commit_async, creates=[[a, da.hex()], [b, db.hex()]],
                                              counter=self.counter, value=nv, expect=self.value)
                        if out == h.ACK:
                            self.value = nv
                if out == h.UNKNOWN:
                    break      # no reply: the server is gone (or stuck); stop this round
                if out == h.ERR:
                    self.read_counter()   # the model reports the error reply itself
        except Exception as e:  # noqa: BLE001
            if not self.stop.is_set():
                self.anomalies.append("writer crashed: %s: %s" % (type(e).__name__, e))
        finally:
            self.close()

    def close(self):
        if self.client is not None:
            if not h.stop_client(self.client, 10):
                self.anomalies.append("kazoo client did not stop within 10 s")
            self.client = None


# ---------------------------------------------------------------- model

class Node:
    __slots__ = ("kind", "data", "basis", "group", "w", "r", "ack")

    def __init__(self, kind, data=None, basis=None, group=None, w=None, r=None, ack=None):
        self.kind, self.data, self.basis, self.group, self.w, self.r = kind, data, basis, group, w, r
        self.ack = ack             # journal id of the acknowledged write behind it


class Model:
    """Expected state, from the journal (and from what clients saw after a
    restart).  Each writer owns its own paths, so writers never interact."""

    def __init__(self, journal_path):
        self.journal_path = journal_path
        self.offset = 0
        self.nodes = {}            # path -> Node(kind present|absent|maybe)
        self.counters = {}         # path -> (min value or None, basis)
        self.counter_acks = defaultdict(list)   # path -> [(value, journal id)] acknowledged
        self.lost_ids = set()      # acknowledged writes found lost (counted once)
        self.sent = {}             # id -> send event awaiting its outcome
        self.acked = defaultdict(int)
        self.errors = []           # impossible/unexpected replies
        self.ephemerals = 0
        self.unknown = 0           # writes without a reply (in flight at a kill)

    def load(self, close_pending):
        """Applies the journal lines written since the last call.  With
        close_pending, sends without an outcome become unknown."""
        with open(self.journal_path) as f:
            f.seek(self.offset)
            for line in f:
                if not line.endswith("\n"):
                    break
                self.offset += len(line.encode())
                ev = json.loads(line)
                if ev["ev"] == "send":
                    self.sent[ev["id"]] = ev
                elif ev["ev"] in (h.ACK, h.ERR, h.UNKNOWN):
                    send = self.sent.pop(ev["id"])
                    self.apply(send, ev["ev"], ev)
        if close_pending:
            for oid in sorted(self.sent):
                self.apply(self.sent[oid], h.UNKNOWN, {})
            self.sent.clear()

    def apply(self, s, outcome, ev):
        op, w, r = s["op"], s["w"], s["r"]
        if op == "ephemeral":
            if outcome == h.ACK:
                self.ephemerals += 1
            return
        if outcome == h.ERR:
            self.errors.append("writer %d round %d: %s %s got error reply %s"
                               % (w, r, op, s.get("path", ""), ev.get("code")))
            return
        if outcome == h.ACK:
            self.acked[op] += 1
        elif outcome == h.UNKNOWN:
            self.unknown += 1
        if op == "create" and s["path"].endswith("/counter"):
            if outcome == h.ACK:
                self.counters[s["path"]] = (0, "ack")
                self.counter_acks[s["path"]].append((0, s["id"]))
            elif s["path"] not in self.counters:
                self.counters[s["path"]] = (None, None)
            return
        if op == "create":
            data = bytes.fromhex(s["data"])
            self.nodes[s["path"]] = Node("present", data, "ack", w=w, r=r, ack=s["id"]) if outcome == h.ACK \
                else Node("maybe", data, w=w, r=r)
        elif op == "delete":
            old = self.nodes.get(s["path"])
            data = old.data if old else None
            self.nodes[s["path"]] = Node("absent", None, "ack", w=w, r=r, ack=s["id"]) if outcome == h.ACK \
                else Node("maybe", data, w=w, r=r)
        elif op == "set":
            if outcome == h.ACK:
                self.bump_counter(s, ev)
        elif op == "multi":
            for path, hexdata in s["creates"]:
                data = bytes.fromhex(hexdata)
                self.nodes[path] = Node("present", data, "ack", w=w, r=r, ack=s["id"]) if outcome == h.ACK \
                    else Node("maybe", data, group=s["id"], w=w, r=r)
            if outcome == h.ACK:
                self.bump_counter(s, ev)

    def bump_counter(self, s, ev):
        path, v = s["path"] if "path" in s else s["counter"], s["value"]
        if ev.get("version") is not None and ev["version"] != v:
            self.errors.append("%s: acknowledged value %d came with version %d" % (path, v, ev["version"]))
        self.counter_acks[path].append((v, s["id"]))
        cur = self.counters.get(path, (None, None))[0]
        if cur is None or v >= cur:
            self.counters[path] = (v, "ack")

    def deletable(self, w, rnd):
        """Nodes writer w may delete in round rnd: its data nodes (not round
        directories) from earlier rounds, known to be present."""
        return [p for p, n in self.nodes.items()
                if n.w == w and n.r < rnd and n.kind == "present"
                and p.rsplit("/", 1)[1][:1] in ("c", "m")]

    # ------------------------------------------------------------ verify

    def verify(self, client):
        """Reads everything the model knows about; returns a dict of
        findings.  Afterwards the model holds what was observed."""
        lost, regressed, torn, phantom, inconsistent = [], [], [], [], []
        lost_ids = set()

        def lose(n_or_ids, what):
            ids = n_or_ids if isinstance(n_or_ids, list) else [n_or_ids.ack]
            lost.append(what)
            lost_ids.update(i for i in ids if i is not None and i not in self.lost_ids)
        by_parent = defaultdict(list)
        for path in self.nodes:
            by_parent[path.rsplit("/", 1)[0]].append(path)
        children = {}
        parents = sorted(by_parent)
        for i in range(0, len(parents), BATCH):
            h.require_connected(client)
            asyncs = [(p, client.get_children_async(p)) for p in parents[i:i + BATCH]]
            for p, a in asyncs:
                try:
                    children[p] = set(a.get(timeout=30))
                except kex.NoNodeError:
                    children[p] = set()
        # Data of everything present (in batches: bounded outstanding requests).
        present = [p for p in self.nodes if p.rsplit("/", 1)[1] in children[p.rsplit("/", 1)[0]]]
        data = {}
        for i in range(0, len(present), BATCH):
            h.require_connected(client)
            batch = [(p, client.get_async(p)) for p in present[i:i + BATCH]]
            for p, a in batch:
                try:
                    data[p] = a.get(timeout=30)[0]
                except kex.NoNodeError:
                    pass       # deleted between list and get: nobody writes now
        groups = defaultdict(list)
        for path, n in self.nodes.items():
            seen = path in data
            got = data.get(path)
            if n.kind == "present":
                if not seen or got != n.data:
                    what = "missing" if not seen else "wrong data (%d bytes, expected %d)" % (len(got or b""), len(n.data))
                    if n.basis == "ack":
                        lose(n, "%s: %s" % (path, what))
                    else:
                        regressed.append("%s: %s" % (path, what))
            elif n.kind == "absent":
                if seen:
                    if n.basis == "ack":
                        lose(n, "%s: deleted but present again" % path)
                    else:
                        regressed.append("%s: deleted but present again" % path)
            else:  # maybe
                if seen and n.data is not None and got != n.data:
                    inconsistent.append("%s: unknown write landed with wrong data" % path)
                if n.group is not None:
                    groups[n.group].append((path, seen))
        for g, members in groups.items():
            if len({seen for _, seen in members}) > 1:
                torn.append("multi %d half applied: %s" % (g, ", ".join("%s=%s" % (p, "present" if s else "absent") for p, s in members)))
        # Nodes nobody created (round dirs and writer dirs only; counters are exempt).
        for p, kids in children.items():
            for kid in kids:
                path = p + "/" + kid
                if path not in self.nodes and path not in self.counters:
                    phantom.append(path)
        # Counters.
        h.require_connected(client)
        counter_reads = [(p, client.get_async(p)) for p in sorted(self.counters)]
        observed_counters = {}
        for p, a in counter_reads:
            lo, basis = self.counters[p]
            try:
                raw, stat = a.get(timeout=30)
            except kex.NoNodeError:
                observed_counters[p] = (None, None)
                if lo is not None:
                    if basis == "ack":
                        lose([i for _, i in self.counter_acks[p]], "%s: missing (expected value >= %d)" % (p, lo))
                    else:
                        regressed.append("%s: missing (expected value >= %d)" % (p, lo))
                continue
            try:
                v = int(raw.decode())
            except ValueError:
                v = None
            if v != stat.version:
                inconsistent.append("%s: data %r but version %d" % (p, raw, stat.version))
            v = stat.version if v is None else v
            if lo is not None and v < lo:
                what = "%s: value %d, version %d < expected %d" % (p, v, stat.version, lo)
                if basis == "ack":
                    lose([i for val, i in self.counter_acks[p] if val > v], what)
                else:
                    regressed.append(what)
            observed_counters[p] = (v, "observed" if lo is None or v != lo else basis)
        # The model now holds what a client saw after this restart.
        for path, n in list(self.nodes.items()):
            seen = path in data
            if n.kind == "present" and seen and data[path] == n.data:
                continue
            if n.kind == "absent" and not seen:
                continue
            self.nodes[path] = Node("present", data[path], "observed", w=n.w, r=n.r) if seen \
                else Node("absent", None, "observed", w=n.w, r=n.r)
        self.counters.update(observed_counters)
        self.lost_ids |= lost_ids
        return dict(lost=lost, lost_writes=len(lost_ids), regressed=regressed, torn=torn, phantom=phantom,
                    inconsistent=inconsistent, checked=len(self.nodes) + len(self.counters),
                    present=len(data))


def check_ephemerals(client, ready_at, bound_s, stale_seen):
    """Polls EPH until empty or ready_at + bound_s.  Returns (seconds until
    empty or None, names still there, new stale names)."""
    remaining = []
    while True:
        h.require_connected(client)
        try:
            remaining = sorted(client.get_children_async(EPH).get(timeout=10))
        except kex.NoNodeError:
            remaining = []
        if not remaining:
            return time.monotonic() - ready_at, [], []
        if time.monotonic() >= ready_at + bound_s:
            break
        time.sleep(0.2)
    new = [n for n in remaining if n not in stale_seen]
    stale_seen.update(remaining)
    return None, remaining, new


def drop_newest_log(data_dir):
    """--sabotage: removes the transaction log with the highest start zxid."""
    v2 = os.path.join(data_dir, "version-2")
    logs = []
    for fn in os.listdir(v2) if os.path.isdir(v2) else []:
        if fn.startswith("log."):
            try:
                logs.append((int(fn[4:], 16), fn))
            except ValueError:
                pass
    if not logs:
        return "nothing (no log files)"
    fn = max(logs)[1]
    os.unlink(os.path.join(v2, fn))
    return fn


# ---------------------------------------------------------------- main

def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", choices=("swiftzk", "apache"), default="swiftzk")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--min-run", type=float, default=0.5, help="shortest write phase before the kill (s)")
    ap.add_argument("--max-run", type=float, default=3.0, help="longest write phase before the kill (s)")
    ap.add_argument("--session-timeout", type=int, default=4000, help="writer session timeout (ms)")
    ap.add_argument("--snap-count", type=int, default=200)
    ap.add_argument("--prealloc-kb", type=int, default=64, help="preAllocSize (KiB, as in zoo.cfg)")
    ap.add_argument("--start-timeout", type=int, default=30, help="seconds a (re)start may take to answer imok")
    ap.add_argument("--workdir", default=None, help="use this (empty or new) directory instead of a mktemp one")
    ap.add_argument("--keep", action="store_true", help="keep the work dir (dataDir, journal, logs)")
    ap.add_argument("--fail-on-stale-ephemerals", action="store_true")
    ap.add_argument("--sabotage", choices=("none", "drop-newest-log"), default="none",
                    help="checker self-test: after each kill, delete the newest log.* file of the "
                         "dataDir before the restart; the run must then FAIL with lost writes")
    a = ap.parse_args(argv)
    if a.rounds < 1 or a.writers < 1 or not (0 < a.min_run <= a.max_run):
        ap.error("need rounds >= 1, writers >= 1, 0 < min-run <= max-run")
    if a.seed is None:
        a.seed = random.SystemRandom().randrange(1, 10**9)
    return a


def main(argv):
    a = parse_args(argv)
    h.install_signal_exit()
    h.become_subreaper()
    work = a.workdir or tempfile.mkdtemp(prefix="crash-loop.")
    os.makedirs(work, exist_ok=True)
    srv = None
    # The rounds run in a worker thread, so that this (main) thread can
    # always take signals and enforce an overall bound (see h.bounded).
    overall = 120 + a.rounds * (a.max_run + 2 * a.start_timeout + 60 + 2 * a.session_timeout / 1000 + 200)
    try:
        return h.bounded(lambda: run(a, work), overall, "crash loop")
    except h.BoundExceeded as e:
        say("FAIL: %s: something hangs (see %s/kazoo.log and the server log)" % (e, work))
        return 1
    finally:
        srv = RUNNING.get("srv")
        if srv is not None:      # interrupted or failed: the run did not stop it
            srv.abort()
        if a.keep:
            open(os.path.join(work, "KEEP"), "w").close()
            say("work dir kept: %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


RUNNING = {}


def run(a, work):
    t_start = time.monotonic()
    rng = random.Random(a.seed)
    random.seed(a.seed)
    h.quiet_kazoo_logging(os.path.join(work, "kazoo.log"))
    sdir = os.path.join(work, "server")
    cfg = ["snapCount=%d" % a.snap_count, "preAllocSize=%d" % a.prealloc_kb,
           "autopurge.purgeInterval=0"]
    srv = RUNNING["srv"] = h.ServerProc(a.server, sdir, cfg, start_timeout=a.start_timeout)
    journal_path = os.path.join(work, "journal.jsonl")
    journal = h.Journal(journal_path)
    model = Model(journal_path)
    sess_s = a.session_timeout / 1000.0
    eph_bound = 2 * sess_s + 2 * 2.0 + 2.0     # 2 x timeout + 2 ticks + slack
    say("server=%s rounds=%d writers=%d seed=%d work=%s cfg: %s" % (
        a.server, a.rounds, a.writers, a.seed, work, " ".join(cfg)))

    ok, took, msg = srv.start()
    if not ok:
        say("FAIL: first start of %s failed:\n%s" % (a.server, msg))
        return 2
    say("%s up on %s in %.1fs" % (a.server, srv.hosts, took))

    totals = defaultdict(int)
    lost_writes_total = 0
    lost_all, regressed_all, torn_all, phantom_all, incons_all, anomalies = [], [], [], [], [], []
    stale_seen = set()
    stale_new_total = 0
    failed_restarts = 0
    rounds_done = 0
    inflight_total = 0

    for rnd in range(1, a.rounds + 1):
        h.check_stop()
        go, stop = threading.Event(), threading.Event()
        writers = [Writer(k, rnd, srv.hosts, journal, sess_s, a.seed * 1000 + rnd * 10 + k,
                          model.deletable(k, rnd), go, stop) for k in range(a.writers)]
        for w in writers:
            w.start()
        deadline = time.monotonic() + 30
        for w in writers:
            w.ready.wait(max(0.0, deadline - time.monotonic()))
        bad = [w for w in writers if not w.ready.is_set() or w.setup_error]
        for w in bad:
            anomalies.append("round %d writer %d setup failed: %s" % (rnd, w.k, w.setup_error or "timed out"))
        run_s = rng.uniform(a.min_run, a.max_run)
        go.set()
        time.sleep(run_s)
        # Kill while the writers are writing.
        if not srv.alive():
            anomalies.append("round %d: server died on its own before the kill" % rnd)
            say("round %d: server died on its own; tail of its log:\n%s" % (rnd, srv.log_tail()))
        running = sum(1 for w in writers if w.is_alive())
        killed = srv.kill9()
        kill_t = time.monotonic()
        stop.set()
        if not killed:
            say("FAIL: server pid %s survived SIGKILL" % srv.pid)
            return 2
        for w in writers:
            w.join(max(0.1, kill_t + OP_TIMEOUT + 15 - time.monotonic()))
        for w in writers:
            if w.is_alive():
                anomalies.append("round %d writer %d did not stop" % (rnd, w.k))
            for an in w.anomalies:
                anomalies.append("round %d writer %d: %s" % (rnd, w.k, an))
        before = dict(model.acked)
        errs_before = len(model.errors)
        unknown_before = model.unknown
        model.load(close_pending=True)
        inflight = model.unknown - unknown_before
        inflight_total += inflight
        acked_now = {k: model.acked[k] - before.get(k, 0) for k in model.acked}
        acked_round = sum(acked_now.values())
        for k, v in acked_now.items():
            totals[k] += v
        for e in model.errors[errs_before:]:
            anomalies.append("round %d: %s" % (rnd, e))

        if a.sabotage == "drop-newest-log":
            dropped = drop_newest_log(srv.data_dir)
            say("round %d: sabotage: deleted %s" % (rnd, dropped))

        # Restart on the same dataDir.
        h.check_stop()
        ok, took, msg = srv.start()
        rounds_done = rnd
        if not ok:
            failed_restarts += 1
            say("round %d: RESTART FAILED after %.1fs:\n%s" % (rnd, took, msg))
            break
        ready_at = time.monotonic()
        client = h.new_client(srv.hosts, 10.0)

        def check():
            client.start(timeout=15)
            res = model.verify(client)
            return (res,) + check_ephemerals(client, ready_at, eph_bound, stale_seen)
        try:
            res, eph_took, eph_left, eph_new = h.bounded(
                check, 15 + 120 + len(model.nodes) / 1000 + eph_bound, "check after restart")
        except Exception as e:  # noqa: BLE001 - the server stopped answering
            h.stop_client(client, 10)
            if not srv.alive():
                failed_restarts += 1
                say("round %d: RESTART FAILED: the server answered imok, then exited (%s) during "
                    "the check (%s: %s); tail of its log:\n%s" % (
                        rnd, h.describe_exit(srv.poll_exit()), type(e).__name__, e, srv.log_tail()))
            else:
                anomalies.append("round %d: checking after the restart failed: %s: %s" % (rnd, type(e).__name__, e))
                say("round %d: checking after the restart failed: %s: %s" % (rnd, type(e).__name__, e))
            break
        h.stop_client(client, 10)
        stale_new_total += len(eph_new)
        lost_all += ["round %d: %s" % (rnd, x) for x in res["lost"]]
        lost_writes_total += res["lost_writes"]
        regressed_all += ["round %d: %s" % (rnd, x) for x in res["regressed"]]
        torn_all += ["round %d: %s" % (rnd, x) for x in res["torn"]]
        phantom_all += ["round %d: %s" % (rnd, x) for x in res["phantom"]]
        incons_all += ["round %d: %s" % (rnd, x) for x in res["inconsistent"]]
        eph_txt = ("ephemerals gone %.1fs after restart" % eph_took) if eph_took is not None \
            else "%d ephemerals STILL THERE %.0fs after restart (%d new stale)" % (len(eph_left), eph_bound, len(eph_new))
        say("round %d/%d: wrote %.2fs, %d writers running, acked %d (%s), in flight at kill %d; "
            "restart %.1fs; checked %d paths: lost %d writes (%d paths)%s; %s" % (
                rnd, a.rounds, run_s, running, acked_round,
                " ".join("%s %d" % (k, v) for k, v in sorted(acked_now.items())),
                inflight, took, res["checked"], res["lost_writes"], len(res["lost"]),
                "".join(", %s %d" % (name, len(res[name])) for name in ("regressed", "torn", "phantom", "inconsistent") if res[name]),
                eph_txt))
        for x in res["lost"][:5]:
            say("  LOST: %s" % x)
        if len(res["lost"]) > 5:
            say("  ... and %d more lost" % (len(res["lost"]) - 5))
        for name in ("regressed", "torn", "phantom", "inconsistent"):
            for x in res[name][:3]:
                say("  %s: %s" % (name.upper(), x))

    size, files = h.dir_usage(srv.data_dir)
    srv.stop()
    RUNNING.pop("srv", None)
    journal.close()
    acked_total = sum(totals.values())
    elapsed = time.monotonic() - t_start
    print()
    say("SUMMARY server=%s seed=%d: rounds %d/%d, acknowledged writes %d (%s), ephemerals created %d, "
        "in flight at kills %d" % (a.server, a.seed, rounds_done, a.rounds, acked_total,
                                   " ".join("%s %d" % kv for kv in sorted(totals.items())),
                                   model.ephemerals, inflight_total))
    say("SUMMARY lost acknowledged writes: %d (%d znodes/counters missing, older or resurrected)" % (
        lost_writes_total, len(lost_all)))
    say("SUMMARY failed restarts: %d" % failed_restarts)
    say("SUMMARY stale ephemerals: %d%s" % (stale_new_total,
        "" if stale_new_total == 0 else " (ephemerals of pre-crash sessions still present %.0fs after restart)" % eph_bound))
    say("SUMMARY other violations: regressed %d, torn multi %d, phantom %d, inconsistent %d, anomalies %d" % (
        len(regressed_all), len(torn_all), len(phantom_all), len(incons_all), len(anomalies)))
    say("SUMMARY dataDir at the end: %.1f MB, %d snapshot files, %d log files; runtime %.0fs" % (
        size / 1e6, files["snapshot"], files["log"], elapsed))
    for x in anomalies[:20]:
        say("  ANOMALY: %s" % x)
    failed = []
    if lost_all:
        failed.append("%d acknowledged writes lost (%d znodes/counters)" % (lost_writes_total, len(lost_all)))
    if failed_restarts:
        failed.append("%d failed restarts" % failed_restarts)
    if regressed_all or torn_all or phantom_all or incons_all:
        failed.append("state violations (regressed/torn/phantom/inconsistent)")
    if anomalies:
        failed.append("%d anomalies (impossible replies, stuck writers, server died by itself)" % len(anomalies))
    if a.fail_on_stale_ephemerals and stale_new_total:
        failed.append("%d stale ephemerals" % stale_new_total)
    if failed:
        if lost_all and files["snapshot"] + files["log"] == 0:
            say("note: %s/version-2 holds no snapshot or log files: the server does not persist anything"
                % srv.data_dir)
        say("FAIL: %s (rerun: --server %s --seed %d --rounds %d --keep)" % (
            "; ".join(failed), a.server, a.seed, a.rounds))
        return 1
    say("PASS: %d rounds, %d acknowledged writes, 0 lost, 0 failed restarts%s" % (
        rounds_done, acked_total, "" if not stale_new_total else ", %d stale ephemerals (reported only)" % stale_new_total))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
