#!/usr/bin/env python3
"""Disk full: fill the filesystem under the server's dataDir, then check that
writes fail with an error reply, reads go on, no acknowledged write is lost,
writes work again once space is freed, and a restart recovers everything.

    scripts/durability/disk_full.py --fs MOUNTPOINT --workdir DIR
                                    [--server swiftzk|apache] ...

Driven by scripts/interop/disk-full, which mounts the small filesystem
(tmpfs, or an ext4 loop image) at MOUNTPOINT and unmounts it on exit.

  0. A filler file (--filler-mb, default half the filesystem) is written and
     fsynced into MOUNTPOINT; dataDir = MOUNTPOINT/data (DIR/server/data is a
     symlink to it); the server starts (snapCount=1000, preAllocSize=64).
  1. Fill: one session creates /df/n<i> with --data-kb of random data, one at
     a time, until 5 writes in a row got an error reply (bounded in count and
     time).  Every success reply is journalled (flushed) when it arrives.
  2. While full: getData/getChildren on acknowledged nodes (same session),
     and every acknowledged node is read back with its data.  A fresh
     session is also tried (information only: opening a session is a write).
  3. The filler is deleted; a write is tried every 0.5 s until one succeeds
     (bound --recover-timeout), then 10 more must succeed.
  4. kill -9, restart on the same dataDir, every acknowledged write must be
     there with its data, and a new write must succeed.

Criteria (the exit status; they are what swiftzk must do):
  C1 writes start failing with an error reply (not a lost connection/timeout)
  C2 reads keep working while the disk is full
  C3 no acknowledged write is missing while the disk is full
  C4 writes succeed again within the bound after space is freed
  C5 after kill -9 the server restarts and every acknowledged write is there
Writes that got an error reply but are present anyway are reported as a
warning.  Apache ZooKeeper 3.8 is expected to fail C1 (it shuts down on a
log I/O error); run it with --server apache to see what it does.
"""

import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zkharness as h  # noqa: E402
import kazoo.exceptions as kex  # noqa: E402

PREFIX = "disk-full"
ROOT = "/df"
OP_TIMEOUT = 10.0


def say(msg):
    h.log(PREFIX, msg)


def fs_state(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize, st.f_blocks * st.f_frsize


def fmt_fs(path):
    free, total = fs_state(path)
    return "%.2f MB free of %.1f MB" % (free / 1e6, total / 1e6)


def write_filler(path, mb):
    chunk = os.urandom(1 << 20)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        for _ in range(mb):
            os.write(fd, chunk)
        os.fsync(fd)
    finally:
        os.close(fd)


def call(fn, timeout=OP_TIMEOUT):
    """(outcome, result or error name) of one kazoo async call."""
    try:
        return h.ACK, fn().get(timeout=timeout)
    except Exception as e:  # noqa: BLE001
        outcome, name = h.classify(e)
        return outcome, name


def interesting_log_lines(path, limit=12):
    keys = ("ERROR", "SEVERE", "Severe", "No space", "ENOSPC", "error", "exiting", "Exiting",
            "Exception", "critical", "warning")
    out = []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                if any(k in line for k in keys):
                    out.append(line.rstrip()[:300])
    except OSError:
        pass
    return out[:limit], len(out)


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", choices=("swiftzk", "apache"), default="swiftzk")
    ap.add_argument("--fs", required=True, help="mount point of the small filesystem")
    ap.add_argument("--fs-kind", default="?", help="for the report (tmpfs, ext4-loop)")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--filler-mb", type=int, default=None, help="default: half the filesystem")
    ap.add_argument("--data-kb", type=int, default=2, help="data per create (KiB)")
    ap.add_argument("--snap-count", type=int, default=1000)
    ap.add_argument("--prealloc-kb", type=int, default=64)
    ap.add_argument("--fill-timeout", type=float, default=120.0)
    ap.add_argument("--recover-timeout", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args(argv)
    if a.seed is None:
        a.seed = random.SystemRandom().randrange(1, 10**9)
    return a


def main(argv):
    a = parse_args(argv)
    h.install_signal_exit()
    h.become_subreaper()
    srv = None
    try:
        # In a worker thread, so that this (main) thread can always take
        # signals and enforce an overall bound (see h.bounded).
        srv, rc = h.bounded(lambda: run(a), a.fill_timeout + a.recover_timeout + 600, "disk-full test")
        return rc
    except h.BoundExceeded as e:
        say("FAIL: %s: something hangs (see %s/kazoo.log and the server log)" % (e, a.workdir))
        return 1
    finally:
        srv = RUNNING.get("srv")
        if srv is not None:      # interrupted or failed: the run did not stop it
            srv.abort()


RUNNING = {}


def run(a):
    t0 = time.monotonic()
    rng = random.Random(a.seed)
    h.quiet_kazoo_logging(os.path.join(a.workdir, "kazoo.log"))
    free, total = fs_state(a.fs)
    filler_mb = a.filler_mb if a.filler_mb is not None else max(1, int(total / 2 / (1 << 20)))
    filler = os.path.join(a.fs, "filler")
    try:
        write_filler(filler, filler_mb)
    except OSError as e:
        say("FAIL: cannot write the %d MB filler into %s: %s" % (filler_mb, a.fs, e))
        return None, 2
    data_dir = os.path.join(a.fs, "data")
    os.makedirs(data_dir, exist_ok=True)
    sdir = os.path.join(a.workdir, "server")
    os.makedirs(sdir, exist_ok=True)
    os.symlink(data_dir, os.path.join(sdir, "data"))
    cfg = ["snapCount=%d" % a.snap_count, "preAllocSize=%d" % a.prealloc_kb, "autopurge.purgeInterval=0"]
    srv = RUNNING["srv"] = h.ServerProc(a.server, sdir, cfg)
    journal = h.Journal(os.path.join(a.workdir, "journal.jsonl"))
    say("server=%s fs=%s (%s) filler=%d MB, now %s; dataDir=%s; cfg: %s; data %d KiB/create; seed %d" % (
        a.server, a.fs, a.fs_kind, filler_mb, fmt_fs(a.fs), data_dir, " ".join(cfg), a.data_kb, a.seed))
    ok, took, msg = srv.start()
    if not ok:
        say("FAIL: %s did not start:\n%s" % (a.server, msg))
        return srv, 2
    say("%s up on %s in %.1fs; %s" % (a.server, srv.hosts, took, fmt_fs(a.fs)))

    crit = {}          # name -> (ok, text)
    warnings = []
    acked = {}         # path -> data
    refused = {}       # path -> error code (error reply)
    unknown = []       # paths without a reply

    client = h.new_client(srv.hosts, 10.0)
    client.start(timeout=15)
    client.ensure_path(ROOT)

    # ---- 1. fill
    size = a.data_kb * 1024
    max_writes = int(total / size) * 2 + 1000     # a durable server fills it in ~1x
    deadline = time.monotonic() + a.fill_timeout
    consecutive = 0
    first_err = None
    i = 0
    codes = {}
    while consecutive < 5 and i < max_writes and time.monotonic() < deadline:
        h.check_stop()
        i += 1
        path = "%s/n%06d" % (ROOT, i)
        data = rng.randbytes(size)
        oid = journal.new_id()
        journal.write(ev="send", id=oid, op="create", path=path)
        out, res = call(lambda: client.create_async(path, data))
        journal.write(ev=out, id=oid, code=None if out == h.ACK else res)
        if out == h.ACK:
            acked[path] = data
            consecutive = 0
        elif out == h.ERR:
            refused[path] = res
            codes[res] = codes.get(res, 0) + 1
            consecutive += 1
            if first_err is None:
                first_err = (i, res, fmt_fs(a.fs), time.monotonic() - t0)
                say("first error reply at write %d: %s (%d acknowledged before it; %s)" % (
                    i, res, len(acked), first_err[2]))
            time.sleep(0.1)
        else:
            unknown.append(path)
            say("write %d got no reply: %s (%d acknowledged before it; %s; server %s)" % (
                i, res, len(acked), fmt_fs(a.fs), "alive" if srv.alive() else
                "EXITED, %s" % h.describe_exit(srv.poll_exit())))
            break
    fill_s = time.monotonic() - t0
    say("fill: %d writes in %.1fs: %d acknowledged, %d error replies (%s), %d without reply; %s" % (
        i, fill_s, len(acked), len(refused), ", ".join("%s x%d" % kv for kv in codes.items()) or "-",
        len(unknown), fmt_fs(a.fs)))
    if first_err is not None and not unknown:
        crit["C1"] = (True, "writes fail with an error reply: first at write %d, %s" % (first_err[0], first_err[1]))
    elif unknown:
        crit["C1"] = (False, "write %d got no reply instead of an error reply%s" % (
            i, "" if srv.alive() else "; the server process exited (%s)" % h.describe_exit(srv.poll_exit())))
    else:
        crit["C1"] = (False, "the disk never filled up: %d writes, no error reply (%s)" % (i, fmt_fs(a.fs)))

    # ---- 2. reads while full, 3. acknowledged writes present while full
    if acked:
        probe = sorted(acked)[len(acked) // 2]
        r1, v1 = call(lambda: client.get_async(probe), 5)
        r2, v2 = call(lambda: client.get_children_async(ROOT), 10)
        good = r1 == h.ACK and v1[0] == acked[probe] and r2 == h.ACK
        crit["C2"] = (good, "getData %s: %s; getChildren %s: %s" % (
            probe, "ok" if r1 == h.ACK and v1[0] == acked[probe] else ("wrong data" if r1 == h.ACK else v1),
            ROOT, ("ok (%d children)" % len(v2)) if r2 == h.ACK else v2))
        if good:
            missing, wrong, present_refused = check_all(client, acked, refused)
            crit["C3"] = (not missing and not wrong, "%d acknowledged read back %s: %d missing, %d wrong data%s" % (
                len(acked), "while full" if first_err else "(disk not full)", len(missing), len(wrong),
                "" if not missing else " (e.g. %s)" % ", ".join(missing[:3])))
            if present_refused:
                warnings.append("while full: %d writes answered with an error are present (e.g. %s)" % (
                    len(present_refused), ", ".join(present_refused[:3])))
        else:
            crit["C3"] = (False, "not checked: reads do not work (server %s)" % (
                "alive" if srv.alive() else "exited, %s" % h.describe_exit(srv.poll_exit())))
        # Information only: a new session while full (creating a session is a write).
        c2 = h.new_client(srv.hosts, 10.0, connect_tries=1)
        try:
            c2.start(timeout=5)
            r3, v3 = call(lambda: c2.get_async(probe), 5)
            say("info: a new session %s: connected, getData %s" % (
                "while full" if first_err else "(disk not full)", "ok" if r3 == h.ACK else v3))
        except Exception as e:  # noqa: BLE001
            say("info: a new session %s: %s %s" % (
                "while full" if first_err else "after the failure", type(e).__name__, e))
        finally:
            h.stop_client(c2, 10)
    else:
        crit["C2"] = (False, "nothing was acknowledged")
        crit["C3"] = (False, "nothing was acknowledged")

    # ---- 4. free space, writes must come back
    os.unlink(filler)
    say("filler deleted: %s" % fmt_fs(a.fs))
    freed_at = time.monotonic()
    recovered = None
    tries = 0
    last = None
    while time.monotonic() < freed_at + a.recover_timeout:
        tries += 1
        path = "%s/recover-%03d" % (ROOT, tries)
        oid = journal.new_id()
        journal.write(ev="send", id=oid, op="create", path=path)
        out, res = call(lambda: client.create_async(path, b"r"), 5)
        journal.write(ev=out, id=oid, code=None if out == h.ACK else res)
        last = res if out != h.ACK else "ok"
        if out == h.ACK:
            acked[path] = b"r"
            recovered = time.monotonic() - freed_at
            break
        if out == h.ERR:
            refused[path] = res
        else:
            unknown.append(path)
        if not srv.alive():
            break
        time.sleep(0.5)
    if recovered is not None:
        more_fail = []
        for j in range(10):
            path = "%s/after-%02d" % (ROOT, j)
            data = rng.randbytes(100)
            oid = journal.new_id()
            journal.write(ev="send", id=oid, op="create", path=path)
            out, res = call(lambda: client.create_async(path, data), 5)
            journal.write(ev=out, id=oid, code=None if out == h.ACK else res)
            if out == h.ACK:
                acked[path] = data
            else:
                more_fail.append("%s: %s" % (path, res))
        crit["C4"] = (not more_fail, "writes succeed again %.1fs after the filler was deleted (%d tries)%s" % (
            recovered, tries, "" if not more_fail else "; but then %d of 10 failed: %s" % (len(more_fail), more_fail[0])))
    else:
        crit["C4"] = (False, "no write succeeded within %.0fs of freeing space (%d tries, last: %s; server %s)" % (
            a.recover_timeout, tries, last, "alive" if srv.alive() else "exited, %s" % h.describe_exit(srv.poll_exit())))
    h.stop_client(client, 10)

    # ---- 5. kill -9 and restart on the same dataDir
    was_alive = srv.alive()
    exit_code = srv.poll_exit()
    srv.kill9()
    say("server %s; restarting on the same dataDir (%s)" % (
        "killed with SIGKILL" if was_alive else "had already exited (%s)" % h.describe_exit(exit_code), fmt_fs(a.fs)))
    ok, took, msg = srv.start()
    if not ok:
        crit["C5"] = (False, "restart failed after %.1fs: %s" % (took, msg.splitlines()[0] if msg else "?"))
        say("restart failed:\n%s" % msg)
    else:
        c = h.new_client(srv.hosts, 10.0)
        try:
            c.start(timeout=15)
            missing, wrong, present_refused = check_all(c, acked, refused)
            out, res = call(lambda: c.create_async("%s/after-restart" % ROOT, b"x"), 5)
        finally:
            h.stop_client(c, 10)
        crit["C5"] = (not missing and not wrong and out == h.ACK,
                      "restarted in %.1fs; %d acknowledged: %d missing, %d wrong data%s; a new write: %s" % (
                          took, len(acked), len(missing), len(wrong),
                          "" if not missing else " (e.g. %s)" % ", ".join(missing[:3]),
                          "ok" if out == h.ACK else res))
        if present_refused:
            warnings.append("after restart: %d writes answered with an error are present (e.g. %s)" % (
                len(present_refused), ", ".join(present_refused[:3])))
    srv.stop()
    RUNNING.pop("srv", None)
    journal.close()

    lines, n = interesting_log_lines(srv.log_path)
    if lines:
        say("server log: %d error/warning lines; the first %d:" % (n, len(lines)))
        for line in lines:
            print("    " + line)
    print()
    say("SUMMARY server=%s fs=%s: %d acknowledged, %d error replies (%s), %d without reply; runtime %.0fs" % (
        a.server, a.fs_kind, len(acked), len(refused),
        ", ".join("%s x%d" % kv for kv in codes.items()) or "-", len(unknown), time.monotonic() - t0))
    for name in ("C1", "C2", "C3", "C4", "C5"):
        ok, text = crit.get(name, (False, "not reached"))
        say("SUMMARY %s %s: %s" % (name, "ok  " if ok else "FAIL", text))
    for w in warnings:
        say("SUMMARY warning: %s" % w)
    if first_err is None and not unknown:
        say("note: the disk never filled up, so C2-C4 ran on a disk with free space")
    size, files = h.dir_usage(data_dir)
    if files["snapshot"] + files["log"] == 0:
        say("note: %s/version-2 holds no snapshot or log files: the server does not persist anything" % data_dir)
    failed = [n for n in ("C1", "C2", "C3", "C4", "C5") if not crit.get(n, (False,))[0]]
    if failed:
        say("FAIL: %s" % ", ".join(failed))
        return srv, 1
    say("PASS")
    return srv, 0


def check_all(client, acked, refused):
    """Reads every acknowledged and every refused path.  Returns (missing,
    wrong data, refused-but-present)."""
    missing, wrong, present_refused = [], [], []
    paths = sorted(acked)
    for i in range(0, len(paths), 200):
        h.require_connected(client)
        batch = [(p, client.get_async(p)) for p in paths[i:i + 200]]
        for p, r in batch:
            try:
                if r.get(timeout=30)[0] != acked[p]:
                    wrong.append(p)
            except kex.NoNodeError:
                missing.append(p)
    refused_paths = sorted(refused)
    for i in range(0, len(refused_paths), 200):
        h.require_connected(client)
        batch = [(p, client.exists_async(p)) for p in refused_paths[i:i + 200]]
        for p, r in batch:
            if r.get(timeout=30) is not None:
                present_refused.append(p)
    return missing, wrong, present_refused


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
