#!/usr/bin/env python3
"""Client side of scripts/interop/apache-compat: the deterministic workload,
the canonical tree walk and the after-move checks.

  zkcompat.py workload PORT OUTDIR
      Runs the workload against 127.0.0.1:PORT, writes OUTDIR/before.txt
      (the canonical walk, taken by the workload's own session just before
      the server is stopped), OUTDIR/before.json (facts the checks need:
      the live session, its ephemerals, the sequential parents) and then
      touches OUTDIR/ready and sleeps.  The caller stops the server and
      then SIGKILLs this process: the session that holds ephemerals is
      alive in the server's files when it stops, and nobody resumes it.

  zkcompat.py walk PORT
      Prints the canonical walk of the server's tree.

  zkcompat.py after-move OUTDIR SRC_PORT DST_PORT SRC_NAME DST_NAME
      Both servers run on copies of the same moved dataDir: SRC is the
      server that wrote it, restarted on its own files (the reference),
      DST is the other one.  Checks, each a diff on failure:
        1. right after start (before the live session's timeout): DST's
           tree = before.txt, SRC's tree = before.txt, and the sessions
           with ephemerals in `dump` agree;
        2. after the timeout: the session's ephemerals are gone on both,
           exactly those, and DST's tree = SRC's tree (every stat field:
           the expiry is the same closeSession transaction on both);
        3. sequential creates under existing sequential parents continue
           the counter (the parent's cversion) on both, with equal names;
        4. then the trees are equal again (ctime/mtime of the nodes created
           in step 3 excepted: each server stamps its own clock).
      Exit 0 when all pass, 1 otherwise.

  zkcompat.py check-walk PORT EXPECTED WHAT EXPECTED_LABEL ACTUAL_LABEL SAVE_TO
      The served tree must equal the walk saved in EXPECTED (exit 1 and a
      diff otherwise); the walk is saved to SAVE_TO.

  zkcompat.py cross DIR_A NAME_A DIR_B NAME_B
      The workload's before.txt from two fresh servers: equal apart from
      ctime/mtime and the live session's id.

The canonical walk: every znode reachable from "/", children sorted, one
line per fact: "PATH data ...", "PATH acl ...", "PATH <statfield> ...",
so a unified diff names the exact node and field that differs.  Nothing
is masked: after a move every field, ctime and mtime included, comes from
the files.  Nodes the walker may not read (an ACL for another address)
are read as the super user.
"""

import difflib
import json
import logging
import os
import sys
import time

from kazoo.client import KazooClient
from kazoo.exceptions import KazooException, NoAuthError, NoNodeError, BadVersionError, NodeExistsError
from kazoo.protocol.serialization import (Create2, int_struct, long_struct, read_string, stat_struct,
                                          write_buffer, write_string)
from kazoo.protocol.states import ZnodeStat
from kazoo.security import ACL, Id, Permissions, make_digest_acl, OPEN_ACL_UNSAFE

logging.basicConfig(level=logging.CRITICAL)

# The live session's timeout (s).  tickTime is 2000, so 4 s is the minimum;
# 8 s leaves time for the first walks after the servers start.
LIVE_SESSION_TIMEOUT = 8.0
# The walker authenticates as the super user (both servers run with
# DigestAuthenticationProvider.superDigest=super:SUPER_DIGEST in zoo.cfg), so
# it reads every node and every ACL unredacted, whatever the node's ACL.
SUPER_DIGEST = "super:2KCAOlea08rlrYvOZvQwvrr82Jc="   # base64(sha1("super:super-secret"))
AUTHS = [("digest", "super:super-secret")]
STAT_FIELDS = ["czxid", "mzxid", "ctime", "mtime", "version", "cversion", "aversion",
               "ephemeralOwner", "dataLength", "numChildren", "pzxid"]
HEX_FIELDS = {"czxid", "mzxid", "pzxid", "ephemeralOwner"}


def log(msg):
    print("[zkcompat %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def connect(port, timeout=10.0, auths=True):
    client = KazooClient(hosts="127.0.0.1:%d" % port, timeout=timeout,
                         connection_retry={"max_tries": 3, "delay": 0.2, "max_delay": 1},
                         command_retry={"max_tries": 0})
    client.start(timeout=20)
    if auths:
        for scheme, cred in AUTHS:
            client.add_auth(scheme, cred)
    return client


# ---------------------------------------------------------------- extended
# kazoo has no container or TTL create: the same wire requests as the Java
# client's create(..., CreateMode.CONTAINER / PERSISTENT_WITH_TTL, ttl).
CONTAINER, PERSISTENT_WITH_TTL, PERSISTENT_SEQUENTIAL_WITH_TTL = 4, 5, 6


class CreateContainer(Create2):
    type = 19


class CreateTTL(Create2):
    """CreateTTLRequest: path, data, acl, flags, ttl."""
    type = 21

    def __new__(cls, path, data, acl, flags, ttl):
        self = super().__new__(cls, path, data, acl, flags)
        self.ttl = ttl
        return self

    def serialize(self):
        return super().serialize() + long_struct.pack(self.ttl)


def create_container(client, path, data=b""):
    async_result = client.handler.async_result()
    client._call(CreateContainer(path, data, OPEN_ACL_UNSAFE, CONTAINER), async_result)
    return async_result.get(timeout=10)


def create_ttl(client, path, data=b"", ttl=10000, sequence=False):
    async_result = client.handler.async_result()
    flags = PERSISTENT_SEQUENTIAL_WITH_TTL if sequence else PERSISTENT_WITH_TTL
    client._call(CreateTTL(path, data, OPEN_ACL_UNSAFE, flags, ttl), async_result)
    return async_result.get(timeout=10)


# -------------------------------------------------------------------- walk
def fmt_acl(acls):
    return "[" + ", ".join("%d:%s:%s" % (a.perms, a.id.scheme, a.id.id) for a in acls) + "]"


def walk(client):
    """The canonical text of the whole tree, as a list of lines."""
    lines = []

    def visit(path):
        stat = client.exists(path)
        if stat is None:
            lines.append("%s vanished-during-walk" % path)
            return
        try:
            data, _ = client.get(path)
            lines.append("%s data %s" % (path, "null" if data is None else repr(bytes(data))))
        except KazooException as e:
            lines.append("%s data <%s>" % (path, type(e).__name__))
        try:
            acls, _ = client.get_acls(path)
            lines.append("%s acl %s" % (path, fmt_acl(acls)))
        except KazooException as e:
            lines.append("%s acl <%s>" % (path, type(e).__name__))
        for field in STAT_FIELDS:
            value = getattr(stat, field)
            if field in HEX_FIELDS:
                value = "0x%x" % (value & 0xFFFFFFFFFFFFFFFF)
            lines.append("%s %s %s" % (path, field, value))
        try:
            children = sorted(client.get_children(path))
        except NoNodeError:
            return
        except KazooException as e:
            lines.append("%s children <%s>" % (path, type(e).__name__))
            return
        for child in children:
            visit(path.rstrip("/") + "/" + child)

    visit("/")
    return lines


def ephemerals_section(port):
    """The 'Sessions with Ephemerals' part of the dump four-letter word."""
    import socket
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"dump")
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    text = b"".join(chunks).decode("utf-8", "replace")
    start = text.find("Sessions with Ephemerals")
    if start < 0:
        return ["<no 'Sessions with Ephemerals' section in dump: %r>" % text[:200]]
    section = [l.rstrip() for l in text[start:].splitlines() if l.strip()]
    # Apache: "0x<id>:" then one "\t<path>" line per ephemeral.  Canonical
    # order: session blocks sorted, paths sorted within a block; anything
    # else in a block (swiftzk adds connection details) is left out.
    header, blocks, cur = section[0], [], None
    for line in section[1:]:
        if line.startswith("Connections dump"):
            break
        if line.startswith("0x"):
            cur = [line.split(":", 1)[0] + ":", []]
            blocks.append(cur)
        elif cur is not None and line.startswith("\t/"):
            cur[1].append(line.strip())
    out = [header]
    for sid, paths in sorted(blocks):
        out.append(sid)
        out.extend("\t" + p for p in sorted(paths))
    return out


def summarize(a, b):
    """Which fields differ, on how many nodes: 'cversion on 9 nodes, ...'."""
    def facts(lines):
        out = {}
        for l in lines:
            parts = l.split(" ", 2)
            out[(parts[0], parts[1] if len(parts) > 1 else "")] = l
        return out
    fa, fb = facts(a), facts(b)
    fields = {}
    for key in set(fa) | set(fb):
        if fa.get(key) != fb.get(key):
            path, field = key
            if key not in fa or key not in fb:
                field = "node only in %s" % ("second" if key not in fa else "first")
            fields.setdefault(field, set()).add(path)
    return ", ".join("%s on %d node(s)" % (f, len(p)) for f, p in sorted(fields.items())) or "line order"


def diff(a, b, name_a, name_b):
    return list(difflib.unified_diff(a, b, name_a, name_b, lineterm="", n=2))


# ---------------------------------------------------------------- workload
def workload(port, outdir):
    """Deterministic: the same requests in the same order from the same
    sessions, so both servers assign the same zxids."""
    main = connect(port, timeout=LIVE_SESSION_TIMEOUT)   # S1: alive at stop
    main.add_auth("digest", "alice:alice-secret")
    digest_alice = make_digest_acl("alice", "alice-secret", all=True)
    digest_bob_read = make_digest_acl("bob", "bob-secret", read=True)
    world_read = ACL(Permissions.READ, Id("world", "anyone"))

    def seq_name(path):
        return path.rsplit("/", 1)[1]

    c = main
    c.create("/compat", b"compat root")
    # Persistent nodes: empty, null, text, binary, larger data.
    c.create("/compat/p", b"")
    c.create("/compat/p/empty", b"")
    c.create("/compat/p/null", None)
    c.create("/compat/p/text", "h\u00e9llo w\u00f6rld".encode("utf-8"))
    c.create("/compat/p/binary", bytes(range(256)))
    c.create("/compat/p/big", bytes((i * 7) & 0xFF for i in range(10000)))
    c.create("/compat/deep/a/b/c/d/e/f/g", b"deep", makepath=True)
    c.create("/compat/p/create2", b"c2", include_data=True)
    # Failed single writes: logged as error transactions, they use zxids.
    for op in (lambda: c.create("/compat/p/text", b"again"),
               lambda: c.delete("/compat/p/text", version=7),
               lambda: c.set("/compat/p/text", b"x", version=9),
               lambda: c.create("/compat/missing/child", b"")):
        try:
            op()
        except KazooException:
            pass
    # Many versions of one node.
    c.create("/compat/versions", b"v0")
    for i in range(1, 41):
        c.set("/compat/versions", ("v%d" % i).encode(), version=i - 1)
    # Sequential: persistent and ephemeral children, gaps from deletes.
    c.create("/compat/seq", b"seq parent")
    created = [c.create("/compat/seq/item-", ("%d" % i).encode(), sequence=True) for i in range(12)]
    for path in created[3:6]:
        c.delete(path)
    c.create("/compat/seq/eph-", b"e", ephemeral=True, sequence=True)
    # A sequential node that is itself a sequential parent.
    sp = c.create("/compat/seq/parent-", b"", sequence=True)
    for i in range(3):
        c.create(sp + "/child-", b"", sequence=True)
    # A sequential parent whose children were all deleted: the counter is
    # the cversion, not the number of children.
    c.create("/compat/seq2", b"")
    for i in range(5):
        c.delete(c.create("/compat/seq2/x-", b"", sequence=True))
    # Ephemerals of the live session.
    c.create("/compat/eph", b"")
    c.create("/compat/eph/live1", b"live", ephemeral=True)
    c.create("/compat/eph/live2", b"", ephemeral=True)
    # Another session: digest auth, its own ephemerals, closed normally (its
    # ephemerals go with its closeSession transaction).
    other = connect(port, auths=False)
    other.add_auth("digest", "bob:bob-secret")
    other.create("/compat/eph/gone1", b"bye", ephemeral=True)
    other.create("/compat/eph/gone-", b"", ephemeral=True, sequence=True)
    other.create("/compat/bob", b"bob's", acl=[ACL(Permissions.ALL, Id("auth", ""))])
    other.stop()
    other.close()
    # ACLs: digest, ip (address and network), world, auth, several entries,
    # one nobody here can read.
    c.create("/compat/acl", b"")
    c.create("/compat/acl/digest", b"d", acl=[digest_alice, world_read])
    c.create("/compat/acl/bobread", b"b", acl=[digest_alice, digest_bob_read])
    c.create("/compat/acl/ip", b"i", acl=[ACL(Permissions.ALL, Id("ip", "127.0.0.1"))])
    c.create("/compat/acl/ipnet", b"n", acl=[ACL(Permissions.ALL, Id("ip", "127.0.0.0/8"))])
    c.create("/compat/acl/world-read", b"w", acl=[world_read])
    c.create("/compat/acl/auth", b"a", acl=[ACL(Permissions.ALL, Id("auth", ""))])
    c.create("/compat/acl/unreadable", b"u", acl=[ACL(Permissions.ALL, Id("ip", "10.9.9.9"))])
    c.create("/compat/acl/multi", b"m", acl=[
        ACL(Permissions.READ | Permissions.WRITE, Id("world", "anyone")),
        ACL(Permissions.ALL, Id("ip", "127.0.0.1")), digest_alice])
    for i in range(3):   # aversion 3
        c.set_acls("/compat/acl/ip", [ACL(Permissions.ALL - i, Id("ip", "127.0.0.1")),
                                      ACL(Permissions.READ, Id("world", "anyone"))], version=i)
    try:
        c.set_acls("/compat/acl/ipnet", OPEN_ACL_UNSAFE, version=5)
    except BadVersionError:
        pass
    # Containers: with a child, emptied (once had a child), never used.
    create_container(c, "/compat/cont-full", b"cf")
    c.create("/compat/cont-full/kid", b"")
    create_container(c, "/compat/cont-emptied", b"")
    c.create("/compat/cont-emptied/kid", b"")
    c.delete("/compat/cont-emptied/kid")
    create_container(c, "/compat/cont-unused", b"")
    # TTL nodes (10 s; the container check runs every 60 s, after our runs).
    create_ttl(c, "/compat/ttl", b"t", ttl=10000)
    create_ttl(c, "/compat/ttl/kid", b"", ttl=3600000)
    create_ttl(c, "/compat/ttlseq-", b"ts", ttl=10000, sequence=True)
    # Quota: what zkCli's setquota writes.
    c.create("/compat/quota", b"")
    c.create("/compat/quota/a", b"12345")
    c.create("/zookeeper/quota/compat/quota/zookeeper_limits", b"count=100,bytes=100000", makepath=True)
    c.create("/zookeeper/quota/compat/quota/zookeeper_stats", b"count=2,bytes=5")
    c.create("/compat/quota/b", b"1234567890")
    # Multi: a successful one, a failed check, a failed op after successes.
    c.create("/compat/multi", b"")
    t = c.transaction()
    t.create("/compat/multi/m1", b"1")
    t.create("/compat/multi/m2", b"2")
    t.set_data("/compat/multi", b"set in multi")
    t.check("/compat/versions", 40)
    t.delete("/compat/p/empty")
    results = t.commit()
    assert not any(isinstance(r, Exception) for r in results), results
    t = c.transaction()
    t.create("/compat/multi/never1", b"")
    t.check("/compat/versions", 3)
    results = t.commit()
    assert any(isinstance(r, Exception) for r in results), results
    t = c.transaction()
    t.set_data("/compat/multi/m1", b"never")
    t.create("/compat/multi/m2", b"exists")
    results = t.commit()
    assert any(isinstance(r, Exception) for r in results), results
    # Bulk: enough transactions for several log rolls and snapshots
    # (snapCount=50), with creates, sets and deletes interleaved.
    c.create("/compat/bulk", b"")
    for i in range(120):
        c.create("/compat/bulk/b%03d" % i, ("bulk %d" % i).encode())
        if i % 3 == 0:
            c.set("/compat/bulk/b%03d" % i, b"changed")
        if i % 4 == 1:
            c.delete("/compat/bulk/b%03d" % i)
    for i in range(0, 120, 10):
        if c.exists("/compat/bulk/b%03d" % i):
            c.delete("/compat/bulk/b%03d" % i, version=-1)
    # Deletes of whole subtrees.
    c.create("/compat/doomed/x/y", b"", makepath=True)
    c.delete("/compat/doomed", recursive=True)
    c.set("/compat", b"compat root, done")

    before = walk(c)
    facts = {
        "session": "0x%x" % c.client_id[0],
        "ephemerals": sorted(l.split(" ")[0] for l in before
                             if l.split(" ")[1] == "ephemeralOwner" and l.split(" ")[2] == "0x%x" % c.client_id[0]),
        "seq_parents": ["/compat/seq", sp, "/compat/seq2"],
        "last_zxid": "0x%x" % max(int(l.split(" ")[2], 16) for l in before
                                  if l.split(" ")[1] in ("czxid", "mzxid", "pzxid")),
    }
    with open(os.path.join(outdir, "before.txt"), "w") as f:
        f.write("\n".join(before) + "\n")
    with open(os.path.join(outdir, "before.json"), "w") as f:
        json.dump(facts, f, indent=1)
    with open(os.path.join(outdir, "before-dump.txt"), "w") as f:
        f.write("\n".join(ephemerals_section(port)) + "\n")
    log("workload done: %d nodes, last zxid %s, live session %s with %d ephemerals" % (
        sum(1 for l in before if " czxid " in l), facts["last_zxid"], facts["session"], len(facts["ephemerals"])))
    open(os.path.join(outdir, "ready"), "w").close()
    while True:          # keep the session alive until SIGKILLed
        time.sleep(3600)


# -------------------------------------------------------------- after-move
class Checks:
    def __init__(self, outdir):
        self.outdir = outdir
        self.failures = []

    def same(self, what, a, b, name_a, name_b):
        d = diff(a, b, name_a, name_b)
        if d:
            self.failures.append(what)
            print("FAIL: %s" % what)
            print("      differs in: %s" % summarize(a, b))
            print("\n".join(d[:200]))
            if len(d) > 200:
                print("... (%d more diff lines)" % (len(d) - 200))
        else:
            print("ok:   %s" % what)
        return not d

    def true(self, what, cond, detail=""):
        if cond:
            print("ok:   %s" % what)
        else:
            self.failures.append(what)
            print("FAIL: %s%s" % (what, (": " + detail) if detail else ""))
        return cond

    def save(self, name, lines):
        with open(os.path.join(self.outdir, name), "w") as f:
            f.write("\n".join(lines) + "\n")


def after_move(outdir, src_port, dst_port, src_name, dst_name):
    with open(os.path.join(outdir, "before.txt")) as f:
        before = f.read().splitlines()
    with open(os.path.join(outdir, "before-dump.txt")) as f:
        before_dump = f.read().splitlines()
    with open(os.path.join(outdir, "before.json")) as f:
        facts = json.load(f)
    chk = Checks(outdir)
    src_label, dst_label = "%s (own files)" % src_name, "%s (moved files)" % dst_name
    # One walker session per server, connected in the same order on both:
    # its createSession is the first new transaction on each.
    dst = connect(dst_port)
    src = connect(src_port)
    t0 = time.monotonic()
    dst_walk1, src_walk1 = walk(dst), walk(src)
    chk.save("walk1-dst.txt", dst_walk1)
    chk.save("walk1-src.txt", src_walk1)
    log("first walks took %.1fs" % (time.monotonic() - t0))
    for label, lines in ((dst_label, dst_walk1), (src_label, src_walk1)):
        paths = set(l.split(" ", 1)[0] for l in lines)
        missing = [p for p in facts["ephemerals"] if p not in paths]
        if missing:
            print("NOTE: %s has no %s at the first walk: the live session expired before it "
                  "(a start slower than the session timeout, %.0fs?)" % (label, missing, LIVE_SESSION_TIMEOUT))
    chk.same("1a. tree served by %s = tree %s served before stopping" % (dst_label, src_name),
             before, dst_walk1, "before-stop (%s)" % src_name, dst_label)
    chk.same("1b. tree served by %s = tree it served before stopping" % src_label,
             before, src_walk1, "before-stop (%s)" % src_name, src_label)
    # The live session was restored from the files, with its ephemerals.
    dst_dump, src_dump = ephemerals_section(dst_port), ephemerals_section(src_port)
    chk.same("1c. sessions with ephemerals (dump) on %s = before stopping" % dst_label,
             before_dump, dst_dump, "before-stop (%s)" % src_name, dst_label)
    chk.same("1d. sessions with ephemerals (dump) on %s = before stopping" % src_label,
             before_dump, src_dump, "before-stop (%s)" % src_name, src_label)

    # 2. Nobody resumes the live session: it expires on both.
    deadline = time.monotonic() + LIVE_SESSION_TIMEOUT + 10
    pending = list(facts["ephemerals"])
    while time.monotonic() < deadline:
        pending = [p for p in facts["ephemerals"] if dst.exists(p) or src.exists(p)]
        if not pending:
            break
        time.sleep(0.2)
    chk.true("2a. the restored session %s expired on both servers (its ephemerals are gone)" % facts["session"],
             not pending, "still there after %.0fs: %s" % (LIVE_SESSION_TIMEOUT + 10, pending))
    time.sleep(0.3)
    dst_walk2, src_walk2 = walk(dst), walk(src)
    chk.save("walk2-dst.txt", dst_walk2)
    chk.save("walk2-src.txt", src_walk2)
    gone = sorted(set(l.split(" ")[0] for l in before) - set(l.split(" ")[0] for l in dst_walk2))
    chk.true("2b. exactly the live session's ephemerals are gone on %s" % dst_label,
             gone == facts["ephemerals"], "gone %s, expected %s" % (gone, facts["ephemerals"]))
    chk.same("2c. after the expiry: tree on %s = tree on %s" % (dst_label, src_label),
             src_walk2, dst_walk2, src_label, dst_label)
    chk.same("2d. after the expiry: sessions with ephemerals (dump) agree",
             ephemerals_section(src_port), ephemerals_section(dst_port), src_label, dst_label)

    # 3. Sequence counters continue from the files.
    def stat_field(lines, path, name):
        for l in lines:
            p, field, value = l.split(" ", 2)
            if p == path and field == name:
                return int(value)
        raise KeyError((path, name))

    # The next sequence number is the parent's cversion as stored, which
    # Apache serves as 2 * stored - numChildren (DataNode.copyStat); derive
    # it from Apache's walk.
    apache_walk2 = dst_walk2 if dst_name == "apache" else src_walk2

    def stored_cversion(lines, path):
        return (stat_field(lines, path, "cversion") + stat_field(lines, path, "numChildren")) // 2

    for parent in facts["seq_parents"]:
        expected = "%s/next-%010d" % (parent, stored_cversion(apache_walk2, parent))
        got_dst = dst.create(parent + "/next-", b"after move", sequence=True)
        got_src = src.create(parent + "/next-", b"after move", sequence=True)
        chk.true("3. sequential create under %s continues the counter on %s" % (parent, dst_label),
                 got_dst == expected, "created %s, expected %s (the parent's stored cversion)" % (got_dst, expected))
        chk.true("3. sequential create under %s continues the counter on %s" % (parent, src_label),
                 got_src == expected, "created %s, expected %s (the parent's stored cversion)" % (got_src, expected))
    again_dst = dst.create("/compat/seq/eph-", b"", sequence=True)
    again_src = src.create("/compat/seq/eph-", b"", sequence=True)
    chk.true("3. a second sequential create agrees (%s)" % again_dst, again_dst == again_src,
             "%s vs %s" % (again_dst, again_src))

    # 4. Trees equal again, apart from the clocks of the new nodes.
    dst_walk3, src_walk3 = walk(dst), walk(src)
    last = int(facts["last_zxid"], 16)

    def mask_new(lines):
        new = set()
        for l in lines:
            p, field, value = l.split(" ", 2)
            if field == "czxid" and int(value, 16) > last:
                new.add(p)
        return [("%s %s <this server's clock>" % tuple(l.split(" ", 2)[:2]))
                if l.split(" ", 2)[0] in new and l.split(" ", 2)[1] in ("ctime", "mtime") else l
                for l in lines]

    chk.same("4. after the sequential creates: tree on %s = tree on %s (ctime/mtime of new nodes masked)" % (dst_label, src_label),
             mask_new(src_walk3), mask_new(dst_walk3), src_label, dst_label)
    chk.save("walk3-dst.txt", dst_walk3)
    chk.save("walk3-src.txt", src_walk3)
    for client in (dst, src):
        client.stop()
        client.close()
    if chk.failures:
        print("%d check(s) failed: %s" % (len(chk.failures), "; ".join(chk.failures)))
        return 1
    return 0


def check_walk(port, expected_file, what, expected_label, actual_label, save_to):
    """The served tree must equal a saved walk, to the byte."""
    with open(expected_file) as f:
        expected = f.read().splitlines()
    client = connect(port)
    actual = walk(client)
    client.stop()
    client.close()
    with open(save_to, "w") as f:
        f.write("\n".join(actual) + "\n")
    chk = Checks(os.path.dirname(save_to))
    return 0 if chk.same(what, expected, actual, expected_label, actual_label) else 1


def cross(a_dir, a_name, b_dir, b_name):
    """The same workload on the two servers, each on a fresh dataDir: equal
    trees apart from the clocks (ctime, mtime) and the live session's id
    (ephemeralOwner of its ephemerals)."""
    def load(d):
        with open(os.path.join(d, "before.txt")) as f:
            lines = f.read().splitlines()
        with open(os.path.join(d, "before.json")) as f:
            session = json.load(f)["session"]
        out = []
        for l in lines:
            p, field, value = l.split(" ", 2)
            if field in ("ctime", "mtime"):
                value = "<clock>"
            elif field == "ephemeralOwner" and value == session:
                value = "<live session>"
            out.append("%s %s %s" % (p, field, value))
        return out
    chk = Checks(a_dir)
    ok = chk.same("0. the same workload on fresh %s and fresh %s serves the same tree "
                  "(ctime/mtime and the live session id masked)" % (a_name, b_name),
                  load(a_dir), load(b_dir), a_name, b_name)
    return 0 if ok else 1


def main(argv):
    if len(argv) >= 3 and argv[0] == "workload":
        workload(int(argv[1]), argv[2])
        return 0
    if len(argv) == 2 and argv[0] == "walk":
        client = connect(int(argv[1]))
        print("\n".join(walk(client)))
        client.stop()
        return 0
    if len(argv) == 7 and argv[0] == "check-walk":
        return check_walk(int(argv[1]), *argv[2:])
    if len(argv) == 5 and argv[0] == "cross":
        return cross(*argv[1:])
    if len(argv) == 6 and argv[0] == "after-move":
        return after_move(argv[1], int(argv[2]), int(argv[3]), argv[4], argv[5])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
