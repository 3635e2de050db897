#!/usr/bin/env python3
"""Captures election and quorum messages from a live Apache ZooKeeper
ensemble on loopback (started by capture-apache.sh) by speaking the
protocol to it, written here from the reference doc independently of the
Swift code under test. Prints "name hex" lines on stdout.

Election: connect to each member as server 0 (a lower id, so the member
closes and connects back, sending its own initial message), and as server 9
(a non-member, so the member answers a LOOKING notification with its vote).
Quorum: join the leader as follower 9 (Apache accepts a sid absent from
the config as a non-voting learner), claiming the leader's own last zxid so
the sync is an empty DIFF, then watch the broadcast of a few kazoo writes,
and ask for a REVALIDATE and a forwarded sync.
"""
import socket
import struct
import sys
import time

from kazoo.client import KazooClient

CLIENT_PORTS = [int(p) for p in sys.argv[1].split(",")]
QUORUM_PORTS = [int(p) for p in sys.argv[2].split(",")]
ELECTION_PORTS = [int(p) for p in sys.argv[3].split(",")]
LISTEN_PORT = int(sys.argv[4])
CONFIG = sys.argv[5].encode() if len(sys.argv) > 5 else b""
TIMEOUT_S = 10


def out(name, data):
    print(name, data.hex(), flush=True)


def read_exactly(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("connection closed after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf


def four_letter(port, word):
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as s:
        s.sendall(word.encode())
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                return data.decode()
            data += chunk


def initial_message(sid, address):
    addr = address.encode()
    return struct.pack(">qqi", -65536, sid, len(addr)) + addr


def notification(state, leader, zxid, round_, peer_epoch, config):
    body = struct.pack(">iqqqqii", state, leader, zxid, round_, peer_epoch, 2, len(config)) + config
    return struct.pack(">i", len(body)) + body


def election_captures():
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", LISTEN_PORT))
    listener.listen(4)
    listener.settimeout(TIMEOUT_S)
    for index, port in enumerate(ELECTION_PORTS):
        # As server 0: the member hangs up and dials our address back.
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as s:
            s.sendall(initial_message(0, "127.0.0.1:%d" % LISTEN_PORT))
            conn, _ = listener.accept()
            with conn:
                conn.settimeout(TIMEOUT_S)
                head = read_exactly(conn, 20)
                version, sid, length = struct.unpack(">qqi", head)
                out("capture.election.initial.%d" % (index + 1), head + read_exactly(conn, length))
        # As server 9: a LOOKING notification gets the member's vote back.
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as s:
            s.sendall(initial_message(9, "127.0.0.1:%d" % LISTEN_PORT))
            s.sendall(notification(0, 9, 0, 1, 0, CONFIG))
            (length,) = struct.unpack(">i", read_exactly(s, 4))
            out("capture.election.reply.%d" % (index + 1), read_exactly(s, length))
    listener.close()


def write_packet(sock, type_, zxid, data=None, auth=None):
    buf = struct.pack(">iq", type_, zxid)
    buf += struct.pack(">i", -1) if data is None else struct.pack(">i", len(data)) + data
    if auth is None:
        buf += struct.pack(">i", -1)
    else:
        buf += struct.pack(">i", len(auth))
        for scheme, ident in auth:
            buf += struct.pack(">i", len(scheme)) + scheme + struct.pack(">i", len(ident)) + ident
    sock.sendall(buf)


def read_packet(sock):
    raw = read_exactly(sock, 16)
    type_, zxid, length = struct.unpack(">iqi", raw)
    if length > 0:
        raw += read_exactly(sock, length)
    count_raw = read_exactly(sock, 4)
    raw += count_raw
    (count,) = struct.unpack(">i", count_raw)
    for _ in range(max(count, 0)):
        for _field in range(2):
            len_raw = read_exactly(sock, 4)
            raw += len_raw
            (n,) = struct.unpack(">i", len_raw)
            if n > 0:
                raw += read_exactly(sock, n)
    return type_, zxid, raw


NAMES = {1: "request", 2: "proposal", 3: "ack", 4: "commit", 5: "ping", 6: "revalidate", 7: "sync",
         8: "inform", 10: "newleader", 12: "uptodate", 13: "diff", 14: "trunc", 15: "snap", 17: "leaderinfo"}


def quorum_captures():
    leader = None
    for index, port in enumerate(CLIENT_PORTS):
        if "Mode: leader" in four_letter(port, "srvr"):
            leader = index
    if leader is None:
        raise SystemExit("no leader found")
    zxid_line = [l for l in four_letter(CLIENT_PORTS[leader], "srvr").splitlines() if l.startswith("Zxid:")][0]
    last_zxid = int(zxid_line.split()[1], 16)
    seen = {}

    def keep(type_, raw):
        name = NAMES.get(type_, str(type_))
        seen[name] = seen.get(name, 0) + 1
        if seen[name] <= 5:
            out("capture.quorum.%s.%d" % (name, seen[name]), raw)

    sock = socket.create_connection(("127.0.0.1", QUORUM_PORTS[leader]), timeout=TIMEOUT_S)
    learner_info = struct.pack(">qiq", 9, 0x10000, 0)
    write_packet(sock, 11, 0, learner_info)  # FOLLOWERINFO, acceptedEpoch 0
    type_, zxid, raw = read_packet(sock)
    keep(type_, raw)
    assert type_ == 17, "expected LEADERINFO, got %d" % type_
    epoch = zxid >> 32
    # Claim the leader's own history so the sync is an empty DIFF.
    write_packet(sock, 18, last_zxid, struct.pack(">i", last_zxid >> 32))
    while True:
        type_, zxid, raw = read_packet(sock)
        keep(type_, raw)
        if type_ == 10:  # NEWLEADER
            write_packet(sock, 3, zxid)
        if type_ == 12:  # UPTODATE
            write_packet(sock, 3, epoch << 32)
            break

    def pump(seconds):
        deadline = time.time() + seconds
        sock.settimeout(0.2)
        while time.time() < deadline:
            try:
                type_, zxid, raw = read_packet(sock)
            except socket.timeout:
                continue
            keep(type_, raw)
            if type_ == 5:
                write_packet(sock, 5, zxid, b"", None)
            elif type_ == 2:
                write_packet(sock, 3, zxid)
        sock.settimeout(TIMEOUT_S)

    client = KazooClient(hosts="127.0.0.1:%d" % CLIENT_PORTS[leader], timeout=10)
    client.start(timeout=TIMEOUT_S)
    pump(0.5)
    client.create("/probe", b"hello")
    client.set("/probe", b"world")
    pump(1.0)
    session_id, password = client.client_id
    out("capture.session.id", struct.pack(">q", session_id))
    out("capture.session.password", password)
    write_packet(sock, 6, -1, struct.pack(">qi", session_id, 10000))  # REVALIDATE
    sync = struct.pack(">i", 1) + b"/"
    write_packet(sock, 1, -1, struct.pack(">qii", session_id, 1000, 9) + sync, [])  # REQUEST sync
    pump(1.0)
    client.stop()
    client.close()
    pump(1.0)
    sock.close()


election_captures()
quorum_captures()
