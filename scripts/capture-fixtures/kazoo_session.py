#!/usr/bin/env python3
"""Scripted kazoo sessions against the capture server (see run.sh).

    kazoo_session.py HOSTPORT main
    kazoo_session.py HOSTPORT reconnect
    kazoo_session.py HOSTPORT resume-orphan IDFILE   # connects, then dies without closeSession
    kazoo_session.py HOSTPORT resume IDFILE          # resumes that session id + password

Every request goes through kazoo's own serializers; nothing is hand-built.
kazoo 2.11.0 has no API for container/TTL nodes, addWatch, removeWatches,
getEphemerals, getAllChildrenNumber, whoAmI, multiRead, and it never sends
SetWatches on reconnect -- those are covered by the Java clients.
"""
import logging
import os
import socket
import sys
import threading
import time

from kazoo.client import KazooClient
from kazoo.exceptions import (
    BadVersionError,
    KazooException,
    NoAuthError,
    NodeExistsError,
    NoNodeError,
    NotEmptyError,
    ZookeeperError,
)
from kazoo.protocol.states import KazooState
from kazoo.security import make_acl, make_digest_acl

logging.basicConfig(level=logging.WARNING, format="kazoo: %(levelname)s %(message)s")
HOSTS = sys.argv[1]
MODE = sys.argv[2]

events = []
ev_lock = threading.Condition()


def watcher(ev):
    with ev_lock:
        events.append(ev)
        ev_lock.notify_all()
    print("  watch:", ev, flush=True)


def wait_events(n, timeout=5.0):
    deadline = time.time() + timeout
    with ev_lock:
        while len(events) < n and time.time() < deadline:
            ev_lock.wait(deadline - time.time())
        return len(events)


def expect(exc, fn, *a, **kw):
    try:
        fn(*a, **kw)
    except exc as e:
        print(f"  expected {type(e).__name__}", flush=True)
        return
    except KazooException as e:
        print(f"  got {type(e).__name__} instead of {exc.__name__}", flush=True)
        return
    print(f"  WARNING: no {exc.__name__}", flush=True)


def step(msg):
    print(f"kazoo[{MODE}]: {msg}", flush=True)
    time.sleep(0.05)  # keep requests apart on the wire; makes fixtures easier to read


def client(**kw):
    zk = KazooClient(hosts=HOSTS, timeout=4.0, randomize_hosts=False, **kw)
    zk.start(timeout=10)
    return zk


def main():
    zk = client()
    b = "/kazoo"
    step("create persistent / ephemeral / sequential / ephemeral-sequential")
    zk.create(b, b"kazoo-root")
    zk.create(b + "/persistent", b"p")
    zk.create(b + "/ephemeral", b"e", ephemeral=True)
    zk.create(b + "/seq-", b"s", sequence=True)
    zk.create(b + "/eseq-", b"es", ephemeral=True, sequence=True)
    step("create with makepath (exists + create chain)")
    zk.create(b + "/deep/a/b", b"mp", makepath=True)
    step("create2 (include_data)")
    zk.create(b + "/withstat", b"c2", include_data=True)
    zk.create(b + "/withstat-eseq-", b"c2", ephemeral=True, sequence=True, include_data=True)
    step("create errors: NodeExists, NoNode parent")
    expect(NodeExistsError, zk.create, b + "/persistent", b"dup")
    expect(NoNodeError, zk.create, "/kazoo-no-parent/x", b"")
    expect(NodeExistsError, zk.create, b + "/withstat", b"dup", include_data=True)

    step("exists (existing, missing)")
    zk.exists(b + "/persistent")
    zk.exists(b + "/missing")
    step("exists watch on missing node, then create it -> NodeCreated")
    zk.exists(b + "/later", watch=watcher)
    zk.create(b + "/later", b"now")
    wait_events(1)

    step("get with watch, then set -> NodeDataChanged")
    _, st = zk.get(b + "/persistent", watch=watcher)
    zk.set(b + "/persistent", b"p2")
    wait_events(2)
    step("set with correct version, bad version")
    st = zk.set(b + "/persistent", b"p3", version=st.version + 1)
    expect(BadVersionError, zk.set, b + "/persistent", b"bad", version=st.version + 7)
    step("get missing -> NoNode; set missing -> NoNode")
    expect(NoNodeError, zk.get, b + "/missing")
    expect(NoNodeError, zk.set, b + "/missing", b"x")

    step("getChildren with watch, then create child -> NodeChildrenChanged")
    zk.get_children(b, watch=watcher)
    zk.create(b + "/child-trigger", b"")
    wait_events(3)
    step("getChildren2 (include_data), getChildren missing")
    zk.get_children(b, include_data=True)
    zk.get_children(b + "/deep", include_data=True, watch=watcher)
    expect(NoNodeError, zk.get_children, b + "/missing")
    step("create under watched /kazoo/deep -> NodeChildrenChanged")
    zk.create(b + "/deep/x", b"")
    wait_events(4)
    step("exists watch on existing node, then delete it -> NodeDeleted")
    zk.exists(b + "/deep/a/b", watch=watcher)
    zk.delete(b + "/deep/a/b")
    wait_events(5)

    step("ACLs: getACL, create with digest ACL, NoAuth, addauth, setACL")
    zk.get_acls(b + "/persistent")
    dacl = make_digest_acl("kazoo", "secret", all=True)
    zk.create(b + "/secret", b"hidden", acl=[dacl])
    expect(NoAuthError, zk.get, b + "/secret")
    zk.add_auth("digest", "kazoo:secret")
    zk.get(b + "/secret")
    zk.get_acls(b + "/secret")
    zk.set_acls(b + "/persistent", [dacl, make_acl("world", "anyone", read=True)])
    expect(BadVersionError, zk.set_acls, b + "/persistent", [dacl], version=42)
    zk.set_acls(b + "/withstat", [make_acl("ip", "127.0.0.1", all=True)], version=0)
    zk.get_acls(b + "/persistent")
    expect(NoNodeError, zk.get_acls, b + "/missing")

    step("delete, delete with version, delete non-empty, delete missing")
    zk.delete(b + "/later")
    _, st = zk.get(b + "/child-trigger")
    expect(BadVersionError, zk.delete, b + "/child-trigger", version=st.version + 1)
    zk.delete(b + "/child-trigger", version=st.version)
    expect(NotEmptyError, zk.delete, b + "/deep")
    expect(NoNodeError, zk.delete, b + "/missing")

    step("sync")
    zk.sync(b)

    step("idle 3s -> pings")
    time.sleep(3.0)

    step("70000-byte value (frame larger than one loopback segment)")
    zk.create(b + "/big", b"z" * 70000)
    zk.get(b + "/big")
    zk.delete(b + "/big")

    step("multi: create+check+set+delete that succeeds")
    _, st = zk.get(b + "/persistent")
    zk.create(b + "/tx-victim", b"")
    t = zk.transaction()
    t.create(b + "/tx", b"t1")
    t.check(b + "/persistent", st.version)
    t.set_data(b + "/tx", b"t2")
    t.delete(b + "/tx-victim")
    print("  results:", t.commit(), flush=True)
    step("multi that fails (bad check version / node exists)")
    t = zk.transaction()
    t.create(b + "/tx2", b"never")
    t.check(b + "/persistent", st.version + 5)
    t.set_data(b + "/tx", b"never")
    t.delete(b + "/tx")
    print("  results:", t.commit(), flush=True)
    t = zk.transaction()
    t.create(b + "/tx", b"exists-already")
    t.delete(b + "/missing")
    print("  results:", t.commit(), flush=True)

    step("reconfig (standalone: error expected)")
    try:
        zk.reconfig(joining="server.2=127.0.0.1:21820:21821;127.0.0.1:21822", leaving=None, new_members=None)
        print("  reconfig unexpectedly succeeded", flush=True)
    except (KazooException, ZookeeperError) as e:
        print(f"  reconfig -> {type(e).__name__}", flush=True)

    step("idle 3s -> pings, then close")
    time.sleep(3.0)
    zk.stop()
    zk.close()


def reconnect():
    states = []
    connected = threading.Event()

    def listener(state):
        states.append(state)
        if state == KazooState.CONNECTED:
            connected.set()
        else:
            connected.clear()

    zk = client()
    zk.add_listener(listener)
    b = "/kazoo-rc"
    step("setup nodes, auth and three kinds of watches")
    zk.create(b, b"rc")
    zk.create(b + "/data", b"d0")
    zk.add_auth("digest", "kazoo:secret")
    zk.get(b + "/data", watch=watcher)
    zk.exists(b + "/missing", watch=watcher)
    zk.get_children(b, watch=watcher)
    step("shutdown the socket underneath kazoo -> kazoo reconnects with same session")
    connected.clear()
    zk._connection._socket.shutdown(socket.SHUT_RDWR)
    if not connected.wait(15):
        raise SystemExit("kazoo did not reconnect")
    print("  states:", states, flush=True)
    step("trigger the watched paths on the new connection")
    before = len(events)  # kazoo already fired local NONE/CONNECTING events to its watchers
    zk.set(b + "/data", b"d1")
    zk.create(b + "/missing", b"")
    wait_events(before + 3, timeout=2.0)
    print(f"  {len(events) - before} server watch events after reconnect "
          "(expected 0: kazoo 2.11 does not send SetWatches)", flush=True)
    step("new watch on the new connection fires normally")
    n = len(events)
    zk.get(b + "/data", watch=watcher)
    zk.set(b + "/data", b"d2")
    wait_events(n + 1)
    step("idle 3s -> pings, then close")
    time.sleep(3.0)
    zk.stop()
    zk.close()


def resume_orphan(idfile):
    zk = client()
    step("session that will be resumed elsewhere")
    zk.ensure_path("/kazoo-resume")
    zk.create("/kazoo-resume/eph", b"owned-by-resumed-session", ephemeral=True)
    sid, pw = zk.client_id
    with open(idfile, "w") as f:
        f.write(f"{sid:x} {pw.hex()}\n")
    step(f"session 0x{sid:x} written to {idfile}; exiting without closeSession")
    os._exit(0)


def resume(idfile):
    sid, pw = open(idfile).read().split()
    zk = client(client_id=(int(sid, 16), bytes.fromhex(pw)))
    step(f"resumed session 0x{zk.client_id[0]:x}")
    _, st = zk.get("/kazoo-resume/eph")
    print(f"  ephemeralOwner=0x{st.ephemeralOwner:x}", flush=True)
    zk.set("/kazoo-resume/eph", b"still-mine")
    zk.create("/kazoo-resume/eph2", b"", ephemeral=True)
    step("idle 3s -> pings, then close (ephemerals go away)")
    time.sleep(3.0)
    zk.stop()
    zk.close()


if MODE == "main":
    main()
elif MODE == "reconnect":
    reconnect()
elif MODE == "resume-orphan":
    resume_orphan(sys.argv[3])
elif MODE == "resume":
    resume(sys.argv[3])
else:
    raise SystemExit(f"unknown mode {MODE}")
