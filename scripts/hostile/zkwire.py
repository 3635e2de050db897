"""Raw ZooKeeper wire client and measuring tools for the hostile-client checks.

The checks need clients that misbehave on purpose (never read, pipeline
without limit), so they speak Jute over plain sockets instead of using a
client library. Only what the checks need is here: the handshake, a few
requests, reply headers, a bystander session that times its reads, and a
sampler of a server's resident memory.
"""
import json
import os
import socket
import struct
import threading
import time

# Operation codes (zookeeper.jute, ZooDefs.OpCode).
OP_CREATE = 1
OP_EXISTS = 3
OP_GET_DATA = 4
OP_SET_DATA = 5
OP_GET_CHILDREN = 8
OP_PING = 11
OP_CLOSE_SESSION = -11

# Error codes that the checks look at (KeeperException.Code).
OK = 0
NONODE = -101
NODEEXISTS = -110
QUOTAEXCEEDED = -125

PING_XID = -2
NOTIFICATION_XID = -1

# world:anyone with every permission (ZooDefs.Ids.OPEN_ACL_UNSAFE).
OPEN_ACL = struct.pack(">i", 1) + struct.pack(">i", 31) + struct.pack(">i", 5) + b"world" + struct.pack(">i", 6) + b"anyone"


def ustring(text):
    data = text.encode() if isinstance(text, str) else text
    return struct.pack(">i", len(data)) + data


def buffer(data):
    return struct.pack(">i", len(data)) + data


def frame(xid, op, body=b""):
    payload = struct.pack(">ii", xid, op) + body
    return struct.pack(">i", len(payload)) + payload


def create_request(xid, path, data=b""):
    return frame(xid, OP_CREATE, ustring(path) + buffer(data) + OPEN_ACL + struct.pack(">i", 0))


def get_data_request(xid, path, watch=False):
    return frame(xid, OP_GET_DATA, ustring(path) + (b"\1" if watch else b"\0"))


def exists_request(xid, path, watch=False):
    return frame(xid, OP_EXISTS, ustring(path) + (b"\1" if watch else b"\0"))


def get_children_request(xid, path, watch=False):
    return frame(xid, OP_GET_CHILDREN, ustring(path) + (b"\1" if watch else b"\0"))


def set_data_request(xid, path, data, version=-1):
    return frame(xid, OP_SET_DATA, ustring(path) + buffer(data) + struct.pack(">i", version))


def connect_request(timeout_ms):
    body = struct.pack(">iqiq", 0, 0, timeout_ms, 0) + buffer(b"\0" * 16) + b"\0"
    return struct.pack(">i", len(body)) + body


class Closed(Exception):
    """The server closed the connection."""


class Session:
    """One session on one socket, used synchronously or as a pipeline."""

    def __init__(self, host, port, timeout_ms=30000, source=None, connect_timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=connect_timeout,
                                             source_address=(source, 0) if source else None)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.inbound = bytearray()
        self.xid = 0
        self.sock.sendall(connect_request(timeout_ms))
        reply = self.read_frame(connect_timeout)
        if len(reply) < 20:
            raise Closed("short ConnectResponse")
        _proto, self.timeout_ms, self.session_id = struct.unpack(">iiq", reply[:16])
        if self.session_id == 0:
            raise Closed("session refused")

    def next_xid(self):
        self.xid += 1
        return self.xid

    def read_frame(self, timeout=None):
        """The next frame's payload; raises Closed at EOF, socket.timeout on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if len(self.inbound) >= 4:
                (length,) = struct.unpack_from(">i", self.inbound)
                if len(self.inbound) >= 4 + length:
                    payload = bytes(self.inbound[4:4 + length])
                    del self.inbound[:4 + length]
                    return payload
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise socket.timeout("no reply")
                self.sock.settimeout(left)
            else:
                self.sock.settimeout(None)
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise Closed("connection closed by the server")
            self.inbound += chunk

    def read_reply(self, timeout=None):
        """(xid, zxid, err, body) of the next reply that is not a watch event."""
        while True:
            payload = self.read_frame(timeout)
            xid, zxid, err = struct.unpack_from(">iqi", payload)
            if xid != NOTIFICATION_XID:
                return xid, zxid, err, payload[16:]

    def call(self, request_of_xid, timeout=30.0):
        """Sends one request (a function of its xid) and waits for its reply."""
        xid = self.next_xid()
        self.sock.sendall(request_of_xid(xid))
        while True:
            rxid, _zxid, err, body = self.read_reply(timeout)
            if rxid == xid:
                return err, body

    def pipeline(self, requests_of_xid, window=1000):
        """Sends many requests, `window` at a time, reading the replies in
        between; returns {err: count}."""
        counts = {}
        pending = 0
        batch = []
        for make in requests_of_xid:
            batch.append(make(self.next_xid()))
            if len(batch) == window:
                self.sock.sendall(b"".join(batch))
                pending += len(batch)
                batch = []
                while pending > 0:
                    _x, _z, err, _b = self.read_reply(60.0)
                    counts[err] = counts.get(err, 0) + 1
                    pending -= 1
        if batch:
            self.sock.sendall(b"".join(batch))
            pending += len(batch)
        while pending > 0:
            _x, _z, err, _b = self.read_reply(60.0)
            counts[err] = counts.get(err, 0) + 1
            pending -= 1
        return counts

    def close_session(self):
        try:
            self.sock.sendall(frame(self.next_xid(), OP_CLOSE_SESSION))
            self.read_reply(5.0)
        except (OSError, Closed):
            pass
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def rss_bytes(pid):
    """The resident set size of `pid` (VmRSS in /proc/PID/status), or None when it is gone."""
    try:
        with open("/proc/%d/status" % pid) as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return None


class RssSampler:
    """Samples a process's RSS every `interval` seconds in a thread and
    keeps the peak. `on_sample(rss)` is called with each sample (the safety
    stop uses it)."""

    def __init__(self, pid, interval=0.05, on_sample=None):
        self.pid = pid
        self.interval = interval
        self.on_sample = on_sample
        self.peak = rss_bytes(pid) or 0
        self.last = self.peak
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.is_set():
            rss = rss_bytes(self.pid)
            if rss is not None:
                self.last = rss
                self.peak = max(self.peak, rss)
                if self.on_sample:
                    self.on_sample(rss)
            self._stop.wait(self.interval)


def settled_rss(pid, seconds=1.0):
    """The RSS after letting the server settle for `seconds` (the lowest of a few samples)."""
    samples = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        rss = rss_bytes(pid)
        if rss is not None:
            samples.append(rss)
        time.sleep(0.1)
    return min(samples) if samples else (rss_bytes(pid) or 0)


class Bystander:
    """A well-behaved session that reads one small znode in a loop, in its
    own thread, and records when each read started and ended. Phases of a
    check are cut out of the record by time."""

    def __init__(self, host, port, path, request_timeout=120.0):
        self.session = Session(host, port, timeout_ms=40000)
        self.path = path
        self.request_timeout = request_timeout
        self.samples = []          # (start, end) in time.monotonic()
        self.error = None          # why the loop stopped early
        self.in_flight = None      # when the read now outstanding started
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def _run(self):
        path = self.path
        try:
            while not self._stop.is_set():
                start = time.monotonic()
                self.in_flight = start
                err, _body = self.session.call(lambda xid: get_data_request(xid, path), self.request_timeout)
                end = time.monotonic()
                self.in_flight = None
                if err != OK:
                    self.error = "getData %s failed with error %d" % (path, err)
                    return
                self.samples.append((start, end))
        except (OSError, Closed) as error:
            if not self._stop.is_set():
                self.error = "bystander session lost: %s" % error

    def stop(self):
        self._stop.set()
        self._thread.join(10)
        if self._thread.is_alive():
            # Stuck waiting for a reply: shutting the socket wakes it.
            try:
                self.session.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._thread.join(5)
            self.session.close()
        else:
            self.session.close_session()

    def phase(self, begin, end):
        """Figures for the reads that overlap [begin, end): count, p50, p99
        and the longest time without a completed read (gap), all in seconds.
        A read that started before `begin` and was stuck through it counts,
        and so does a read still outstanding, with its latency so far."""
        now = time.monotonic()
        latencies = [e - s for s, e in self.samples if s < end and e >= begin]
        in_flight = self.in_flight
        if in_flight is not None and in_flight < end:
            latencies.append(now - in_flight)
        latencies.sort()
        completions = [e for s, e in self.samples if begin <= e < end]
        gap = 0.0
        previous = begin
        for done in completions:
            gap = max(gap, done - previous)
            previous = done
        gap = max(gap, end - previous)
        return {
            "reads": len(latencies),
            "p50": percentile(latencies, 50),
            "p99": percentile(latencies, 99),
            "max_gap": gap,
        }


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


def mb(n_bytes):
    return None if n_bytes is None else round(n_bytes / (1024.0 * 1024.0), 1)


def ms(seconds):
    return None if seconds is None else round(seconds * 1000.0, 2)


def write_result(path, result):
    """Appends one check's result (a dict) as a JSON line to `path` and prints it."""
    line = json.dumps(result, sort_keys=True)
    print(line, flush=True)
    if path:
        with open(path, "a") as out:
            out.write(line + "\n")


def common_args(parser):
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True, help="the server's pid (for Apache, the java process)")
    parser.add_argument("--server", required=True, help="name for the report: apache or swiftzk")
    parser.add_argument("--full", action="store_true", help="the issue's durations and sizes (default: CI mode)")
    parser.add_argument("--json", help="append the result as a JSON line to this file")


def log(*parts):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), " ".join(str(p) for p in parts)), flush=True)


def server_alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return rss_bytes(pid) is not None


class Attack:
    """What the flood checks share: a bystander measured idle for
    `idle_seconds`, the server's settled RSS as the baseline, and a stop
    event that the RSS sampler sets (and records) once the server grows past
    `safety_stop_bytes`, to protect the shared machine."""

    def __init__(self, host, port, pid, idle_seconds, safety_stop_bytes):
        import multiprocessing
        self.bystander = Bystander(host, port, "/hostile/small").start()
        idle_begin = time.monotonic()
        time.sleep(idle_seconds)
        self.idle = self.bystander.phase(idle_begin, time.monotonic())
        self.baseline = settled_rss(pid, 0.5)
        self.ctx = multiprocessing.get_context("fork")
        self.stop = self.ctx.Event()
        self.report = self.ctx.Queue()
        self.safety_stopped = False
        self._limit = safety_stop_bytes

    def watch_memory(self, rss):
        if rss - self.baseline > self._limit and not self.stop.is_set():
            self.safety_stopped = True
            self.stop.set()

