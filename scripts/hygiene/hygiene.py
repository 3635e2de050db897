#!/usr/bin/env python3
"""Driver of scripts/interop/session-hygiene: the seven cases of the
session-hygiene incident, measured against one running server.

  hygiene.py run --name swiftzk|apache --port P --work DIR --json OUT
                 --srv-ns NS --cli-ns NS --srv-veth IF --cli-veth IF
                 --srv4 IP --cli4 IP --vip IP --srv6 IP --cli6 IP
                 [--swiftzk BIN] [--cases 1,2,...] [--verbose]
  hygiene.py table A.json [B.json]      side-by-side table of two runs

`run` must itself run inside the server's network namespace (the session-
hygiene script starts it with `ip netns exec`): its observer client and its
four-letter words go to 127.0.0.1:P there, and `ss` shows the server's
sockets.  The clients under test run in the client namespace
(scripts/hygiene/client.py through `ip netns exec`) and reach the server over
the veth pair.  All waits are bounded and poll every 100 ms; all times are
on the monotonic clock, from the event to the effect.

For swiftzk each case is PASS or FAIL against the bounds below; for apache
the figures are only recorded (MEASURED).  A case that could not be carried
out is ERROR.  The exit status of `run` is 1 if any case is FAIL or ERROR.

Bounds (negotiated session timeout 6 s, tickTime 2 s):
  1 power-loss   ephemeral gone and server socket closed within 8 s
  2 frozen       the same
  3 silent       connection without ConnectRequest closed within 11 s
                 (sessionlessCnxnTimeout 10 s + 1 s)
  4 leak         `leak` names the client host, the 5 session ids and
                 /services/x (`swiftzk doctor` is checked when it exists)
  5 kill-fin     server socket closed within 1 s, `cons` no longer lists the
                 connection, `dump` still lists the ephemeral, and the
                 ephemeral goes between 5 s and 8 s after the kill
  6 vip          `cons` shows the client's own address, not the VIP
  7 dual-stack   an IPv4 and an IPv6 client both work; `cons` shows
                 /IPv4:port (no ::ffff:) and the IPv6 client
"""

import argparse
import ipaddress
import json
import logging
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENT_PY = os.path.join(HERE, "client.py")

TIMEOUT_S = 6.0       # requested (and expected negotiated) session timeout
TICK_S = 2.0          # tickTime
SESSION_BOUND = TIMEOUT_S + TICK_S          # cases 1, 2, 5
SESSIONLESS_BOUND = 10.0 + 1.0              # case 3
FIN_BOUND = 1.0                             # case 5
POLL = 0.1

CASE_NAMES = {1: "power-loss", 2: "frozen", 3: "silent", 4: "leak",
              5: "kill-fin", 6: "vip", 7: "dual-stack"}


def now():
    return time.monotonic()


def fmt(t):
    return "%.2f s" % t if t is not None else "never"


def sh(*cmd, check=True, timeout=15):
    r = subprocess.run(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), r.returncode, r.stderr.strip()))
    return r


def hexsid(sid):
    return "0x%x" % (sid & 0xFFFFFFFFFFFFFFFF)


def java_ipv6(addr):
    """Java's InetAddress form of an IPv6 address: no zero compression."""
    return ":".join("%x" % int(g, 16) for g in ipaddress.IPv6Address(addr).exploded.split(":"))


def cons_lines(text):
    """The per-connection lines of `cons` (or the client lines of `stat`)."""
    return [l.strip() for l in text.splitlines() if re.match(r"^\s*/\S+\[\d+\]\(", l)]


def cons_supported(text):
    # Every server lists at least the connection that asked.
    return bool(cons_lines(text))


class Client:
    """client.py in the client namespace; lines of its stdout in a queue."""

    def __init__(self, ctx, args):
        self.ctx = ctx
        cmd = ["ip", "netns", "exec", ctx.a.cli_ns, sys.executable, CLIENT_PY] + args
        self.errlog = open(os.path.join(ctx.a.work, "clients.log"), "a")
        self.errlog.write("=== %s %s\n" % (time.strftime("%H:%M:%S"), " ".join(args)))
        self.errlog.flush()
        # `ip netns exec` execs the command: self.proc.pid is python's pid.
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.errlog, text=True, bufsize=1)
        self.pid = self.proc.pid
        self.lines = queue.Queue()
        threading.Thread(target=self._reader, daemon=True).start()
        ctx.clients.append(self)

    def _reader(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def expect(self, prefix, timeout):
        deadline = now() + timeout
        while True:
            left = deadline - now()
            if left <= 0:
                raise RuntimeError("client %d: no %s line within %.0f s (see clients.log)" % (self.pid, prefix, timeout))
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise RuntimeError("client %d exited (status %s) before %s (see clients.log)"
                                   % (self.pid, self.proc.poll(), prefix))
            if line.startswith(prefix):
                rest = line[len(prefix):].strip()
                return json.loads(rest) if rest.startswith("{") else rest

    def send(self, cmd):
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()

    def touch(self):
        self.send("touch")
        self.expect("TOUCHED", 10)

    def quit(self):
        try:
            self.send("quit")
            self.expect("BYE", 15)
        except Exception:
            pass
        self.finish()

    def signal(self, sig):
        try:
            os.kill(self.pid, sig)
        except ProcessLookupError:
            pass

    def finish(self):
        """Kill (if alive) and reap; never blocks for long."""
        if self.proc.poll() is None:
            self.signal(signal.SIGKILL)
            self.signal(signal.SIGCONT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except Exception:
                pass
        self.errlog.close()
        if self in self.ctx.clients:
            self.ctx.clients.remove(self)


class Ctx:
    def __init__(self, a):
        self.a = a
        self.clients = []
        self.observer = None
        self.swiftzk = a.name == "swiftzk"
        self.limit = SESSION_BOUND + 4 if self.swiftzk else 20.0

    # -- server views -------------------------------------------------------

    def four(self, word, timeout=5.0):
        """A four-letter word to 127.0.0.1 (the server namespace's loopback);
        the answer, "" when the server closes without one."""
        data = b""
        try:
            with socket.create_connection(("127.0.0.1", self.a.port), timeout=timeout) as s:
                s.sendall(word.encode())
                deadline = now() + timeout
                while now() < deadline:
                    s.settimeout(max(0.05, deadline - now()))
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
        except (OSError, socket.timeout) as e:
            if not data:
                return "<%s: %s>" % (word, e.__class__.__name__)
        return data.decode("utf-8", "replace")

    def server_sockets(self):
        """(state, peer_ip, peer_port) of every connection to the server port."""
        r = sh("ss", "-Htan", "sport = :%d" % self.a.port, check=False)
        socks = []
        for line in r.stdout.splitlines():
            f = line.split()
            if len(f) < 5 or f[0] == "LISTEN":
                continue
            host, _, port = f[4].rpartition(":")
            host = host.strip("[]")
            if host.startswith("::ffff:") and "." in host:
                host = host[len("::ffff:"):]
            try:
                socks.append((f[0], host, int(port)))
            except ValueError:
                pass
        return socks

    def server_open(self, ip, port):
        """True while the server has not closed its end of ip:port's
        connection (ESTABLISHED, or CLOSE-WAIT: FIN read but not closed)."""
        return any(st in ("ESTAB", "CLOSE-WAIT") and h == ip and p == port
                   for st, h, p in self.server_sockets())

    def established_from(self, ip):
        return [(h, p) for st, h, p in self.server_sockets() if st == "ESTAB" and h == ip]

    def exists(self, path):
        return self.observer.exists(path) is not None

    # -- network ------------------------------------------------------------

    def link(self, up):
        a = self.a
        sh("ip", "-n", a.cli_ns, "link", "set", a.cli_veth, "up" if up else "down")
        if not up:
            return
        # An interface going down can flush its addresses; put them back.
        sh("ip", "-n", a.cli_ns, "addr", "replace", a.cli4 + "/24", "dev", a.cli_veth)
        sh("ip", "-n", a.cli_ns, "-6", "addr", "replace", a.cli6 + "/64", "dev", a.cli_veth, "nodad")
        deadline = now() + 5
        while now() < deadline:
            s = sh("ip", "-n", a.srv_ns, "-br", "link", "show", a.srv_veth).stdout.split()
            c = sh("ip", "-n", a.cli_ns, "-br", "link", "show", a.cli_veth).stdout.split()
            if len(s) > 1 and len(c) > 1 and s[1] == "UP" and c[1] == "UP":
                return
            time.sleep(POLL)
        raise RuntimeError("veth pair not back UP within 5 s")


def poll(t0, limit, checks, every=None):
    """Polls each check every 100 ms from t0 until all are true or `limit`
    seconds passed; returns {name: seconds from t0 or None}.  `every` is
    called once per round with the elapsed time."""
    seen = {}
    n = 0
    while True:
        for name, fn in checks.items():
            if name not in seen and fn():
                seen[name] = now() - t0
        if every:
            every(now() - t0)
        if len(seen) == len(checks) or now() - t0 > limit:
            break
        n += 1
        time.sleep(max(0.0, t0 + n * POLL - now()))
    return {name: seen.get(name) for name in checks}


# ---------------------------------------------------------------------------
# The cases.  Each returns (metrics dict, failures list, summary string,
# notes list); the caller turns failures into PASS/FAIL for swiftzk.


def start_holder(ctx, hosts, path, count=1, sequential=False, data=""):
    args = ["hold", "--path", path, "--count", str(count), "--timeout", str(TIMEOUT_S)]
    for h in hosts:
        args += ["--host", h]
    if sequential:
        args.append("--sequential")
    if data:
        args += ["--data", data]
    c = Client(ctx, args)
    info = c.expect("READY", 40)
    return c, info["handles"]


def check_negotiated(ctx, handles, failures, notes):
    neg = sorted({h["negotiated_ms"] for h in handles}, key=str)
    if neg != [int(TIMEOUT_S * 1000)]:
        failures.append("negotiated session timeout %s ms, expected %d" % (neg, TIMEOUT_S * 1000))
    return neg


def case_lost_client(ctx, freeze):
    """1 (link down + kill -9: no FIN ever arrives) and 2 (SIGSTOP)."""
    a = ctx.a
    path = "/hy/frozen" if freeze else "/hy/power"
    failures, notes = [], []
    c, handles = start_holder(ctx, ["%s:%d" % (a.srv4, a.port)], path)
    h = handles[0]
    neg = check_negotiated(ctx, handles, failures, notes)
    lip, lport = h["local"]
    if lip != a.cli4:
        failures.append("client's source address is %s, not %s" % (lip, a.cli4))
    if not ctx.exists(path):
        raise RuntimeError("the observer does not see %s" % path)
    if not ctx.server_open(a.cli4, lport):
        raise RuntimeError("ss shows no ESTABLISHED connection from %s:%d" % (a.cli4, lport))
    link_down = False
    try:
        c.touch()               # the server last heard from the session now
        t0 = now()
        if freeze:
            c.signal(signal.SIGSTOP)
        else:
            ctx.link(False)
            link_down = True
            c.signal(signal.SIGKILL)
        r = poll(t0, ctx.limit, {
            "gone": lambda: not ctx.exists(path),
            "closed": lambda: not ctx.server_open(a.cli4, lport),
        })
        state_after = [st for st, hh, p in ctx.server_sockets() if hh == a.cli4 and p == lport]
    finally:
        c.finish()              # SIGKILL + SIGCONT, reap
        if link_down:
            ctx.link(True)
    metrics = {"gone_s": r["gone"], "closed_s": r["closed"], "negotiated_ms": neg,
               "session": h["session"], "server_socket_after": state_after}
    for k, what in (("gone", "ephemeral gone"), ("closed", "server socket closed")):
        if r[k] is None:
            failures.append("%s not seen within %.0f s" % (what, ctx.limit))
        elif r[k] > SESSION_BOUND:
            failures.append("%s after %.2f s > %.0f s" % (what, r[k], SESSION_BOUND))
    summary = "ephemeral gone %s, server socket closed %s" % (fmt(r["gone"]), fmt(r["closed"]))
    if state_after:
        notes.append("server-side socket afterwards: %s" % ",".join(state_after))
    return metrics, failures, summary, notes


def case_silent(ctx):
    a = ctx.a
    failures, notes = [], []
    limit = SESSIONLESS_BOUND + 3 if ctx.swiftzk else 25.0
    c = Client(ctx, ["silent", "--host", a.srv4, "--port", str(a.port), "--limit", str(limit)])
    try:
        conn = c.expect("CONNECTED", 15)
        res = c.expect("RESULT", limit + 10)
    finally:
        c.finish()
    closed = res["elapsed"] if res["how"] in ("eof", "reset") else None
    if closed is None:
        failures.append("connection still open after %.0f s (%s)" % (limit, res["how"]))
    elif closed > SESSIONLESS_BOUND:
        failures.append("closed after %.2f s > %.0f s" % (closed, SESSIONLESS_BOUND))
    summary = "closed by server after %s (%s)" % (fmt(closed), res["how"]) if closed is not None \
        else "not closed within %.0f s" % limit
    return {"closed_s": closed, "how": res["how"], "local": conn["local"]}, failures, summary, notes


def doctor_check(ctx, sids):
    """Runs `swiftzk doctor SRV:PORT` if the subcommand exists."""
    bin_ = ctx.a.swiftzk
    if not bin_ or not os.access(bin_, os.X_OK):
        return {"doctor": "no swiftzk binary"}
    h = sh(bin_, "doctor", "--help", check=False, timeout=20)
    # ArgumentParser prints the root help, with status 0, for an unknown
    # subcommand followed by --help: the usage line must name `doctor`.
    if h.returncode != 0 or not re.search(r"USAGE:\s*swiftzk doctor\b", h.stdout + h.stderr):
        return {"doctor": "NOT YET", "doctor_help_rc": h.returncode}
    target = "%s:%d" % (ctx.a.srv4, ctx.a.port)
    try:
        r = sh(bin_, "doctor", target, check=False, timeout=30)
        text = r.stdout + r.stderr
        rc = r.returncode
    except subprocess.TimeoutExpired:
        text, rc = "<timed out after 30 s>", None
    ok = ctx.a.cli4 in text and re.search(r"\b5 sessions\b", text) is not None
    return {"doctor": "ok" if ok else "does not name %s and '5 sessions'" % ctx.a.cli4,
            "doctor_rc": rc, "doctor_output": text}


def case_leak(ctx):
    a = ctx.a
    failures, notes = [], []
    c, handles = start_holder(ctx, ["%s:%d" % (a.srv4, a.port)], "/services/x/member-",
                              count=5, sequential=True, data="host-a:8080")
    try:
        check_negotiated(ctx, handles, failures, notes)
        sids = [h["session"] for h in handles]
        paths = [h["path"] for h in handles]
        if not all(h["ok"] for h in handles) or len(set(paths)) != 5:
            failures.append("the 5 handles did not each create and read their ephemeral")
        time.sleep(0.2)
        cons = ctx.four("cons")
        dump = ctx.four("dump")
        leak = ctx.four("leak")
        doc = doctor_check(ctx, sids)
    finally:
        c.quit()
    cons_from = [l for l in cons_lines(cons) if l.startswith("/%s:" % a.cli4)]
    cons_sids = sum(1 for s in sids if ("sid=%s," % s) in cons or ("sid=%s)" % s) in cons)
    dump_sids = sum(1 for s in sids if s in dump)
    dump_paths = sum(1 for p in paths if p in dump)
    leak_sids = sum(1 for s in sids if s in leak)
    leak_ok = a.cli4 in leak and leak_sids == 5 and "/services/x" in leak
    metrics = {"sessions": sids, "paths": paths,
               "cons_supported": cons_supported(cons), "cons_lines_from_client": len(cons_from),
               "cons_sids": cons_sids, "dump_sids": dump_sids, "dump_paths": dump_paths,
               "leak_ok": leak_ok, "leak_sids": leak_sids, "leak_answered": bool(leak.strip()),
               "cons": cons, "dump": dump, "leak": leak}
    metrics.update(doc)
    if not leak.strip():
        leak_desc = "leak: no answer"
        failures.append("`leak` gave no answer (not a four-letter word here)")
    elif not leak_ok:
        leak_desc = "leak: names host %s, %d/5 sids, /services/x %s" % (
            "yes" if a.cli4 in leak else "NO", leak_sids, "yes" if "/services/x" in leak else "NO")
        failures.append("`leak` does not name %s, all 5 session ids and /services/x" % a.cli4)
    else:
        leak_desc = "leak: host, 5/5 sids, /services/x"
    cons_desc = ("cons: %d lines from %s, %d/5 sids" % (len(cons_from), a.cli4, cons_sids)
                 if cons_supported(cons) else "cons: not supported")
    summary = "%s; %s; dump: %d/5 sids, %d/5 ephemerals; doctor: %s" % (
        leak_desc, cons_desc, dump_sids, dump_paths, doc["doctor"])
    if ctx.swiftzk and doc["doctor"] not in ("ok", "NOT YET", "no swiftzk binary"):
        notes.append("swiftzk doctor output does not name the host and '5 sessions' (not counted)")
    return metrics, failures, summary, notes


def case_kill_fin(ctx):
    a = ctx.a
    path = "/hy/kill"
    failures, notes = [], []
    c, handles = start_holder(ctx, ["%s:%d" % (a.srv4, a.port)], path)
    h = handles[0]
    check_negotiated(ctx, handles, failures, notes)
    lip, lport = h["local"]
    if not ctx.server_open(a.cli4, lport):
        raise RuntimeError("ss shows no ESTABLISHED connection from %s:%d" % (a.cli4, lport))
    seen = {}

    def closed():
        if ctx.server_open(a.cli4, lport):
            return False
        if "cons" not in seen:
            seen["cons"] = ctx.four("cons")
        return True

    def every(t):
        if t >= FIN_BOUND and "cons" not in seen:
            seen["cons"] = ctx.four("cons")
        if t >= 1.5 and "dump" not in seen:
            seen["dump_at"] = t
            seen["dump_exists"] = ctx.exists(path)
            seen["dump"] = ctx.four("dump")
            seen["leak"] = ctx.four("leak")

    try:
        c.touch()
        t0 = now()
        c.signal(signal.SIGKILL)
        r = poll(t0, ctx.limit, {"closed": closed, "gone": lambda: not ctx.exists(path)}, every)
    finally:
        c.finish()
    cons = seen.get("cons", "")
    dump = seen.get("dump", "")
    leak = seen.get("leak", "")
    peer = "/%s:%d[" % (a.cli4, lport)
    cons_lists_dead = peer in cons
    dump_lists = path in dump
    leak_line = [l.strip() for l in leak.splitlines() if h["session"] in l]
    metrics = {"closed_s": r["closed"], "gone_s": r["gone"], "session": h["session"],
               "cons_supported": cons_supported(cons), "cons_lists_dead": cons_lists_dead,
               "dump_lists_ephemeral": dump_lists, "dump_at_s": seen.get("dump_at"),
               "leak_line": leak_line, "cons": cons, "dump": dump, "leak": leak}
    if r["closed"] is None or r["closed"] > FIN_BOUND:
        failures.append("server socket closed after %s > %.0f s" % (fmt(r["closed"]), FIN_BOUND))
    if r["gone"] is None:
        failures.append("ephemeral not gone within %.0f s" % ctx.limit)
    elif r["gone"] > SESSION_BOUND:
        failures.append("ephemeral gone after %.2f s > %.0f s" % (r["gone"], SESSION_BOUND))
    elif r["gone"] < TIMEOUT_S - 1.0:
        failures.append("ephemeral gone after %.2f s: before the session timeout" % r["gone"])
    if not cons_supported(cons):
        failures.append("`cons` not supported, cannot check the dead connection is gone")
    elif cons_lists_dead:
        failures.append("`cons` still lists the dead connection %s" % peer[:-1])
    if not seen.get("dump_exists"):
        notes.append("ephemeral already gone when `dump` was asked")
    elif not dump_lists:
        failures.append("`dump` before expiry does not list %s" % path)
    summary = "server socket closed %s, ephemeral gone %s; cons %s; dump %s" % (
        fmt(r["closed"]), fmt(r["gone"]),
        "not supported" if not cons_supported(cons) else ("lists dead cnxn" if cons_lists_dead else "drops dead cnxn"),
        "lists ephemeral" if dump_lists else "does not list ephemeral")
    if leak_line:
        notes.append("leak before expiry: %s" % " | ".join(leak_line))
    return metrics, failures, summary, notes


def case_vip(ctx):
    a = ctx.a
    failures, notes = [], []
    sh("ip", "-n", a.srv_ns, "addr", "add", a.vip + "/24", "dev", a.srv_veth)
    try:
        c, handles = start_holder(ctx, ["%s:%d" % (a.vip, a.port)], "/hy/vip")
        try:
            h = handles[0]
            lip, lport = h["local"]
            cons = ctx.four("cons")
            stat = ctx.four("stat")
        finally:
            c.quit()
    finally:
        sh("ip", "-n", a.srv_ns, "addr", "del", a.vip + "/24", "dev", a.srv_veth, check=False)
    if h["peer"][0] != a.vip or lip != a.cli4:
        failures.append("client connected %s -> %s, expected %s -> %s" % (lip, h["peer"][0], a.cli4, a.vip))
    mine = [l for l in cons_lines(cons) if l.startswith("/%s:%d[" % (a.cli4, lport))]
    stat_mine = [l for l in cons_lines(stat) if ":%d[" % lport in l]
    vip_shown = a.vip in cons
    if not cons_supported(cons):
        failures.append("`cons` not supported")
        summary = "cons: not supported (stat shows %s)" % (stat_mine[0].split("[")[0] if stat_mine else "nothing")
    else:
        if not mine:
            failures.append("`cons` has no line /%s:%d" % (a.cli4, lport))
        if vip_shown:
            failures.append("`cons` shows the VIP %s" % a.vip)
        shown = mine[0].split("[")[0] if mine else "no line for the client"
        summary = "cons shows %s%s" % (shown, " (and the VIP!)" if vip_shown else ", not the VIP")
    return {"local": h["local"], "peer": h["peer"], "cons_line": mine, "stat_line": stat_mine,
            "vip_in_cons": vip_shown, "cons": cons}, failures, summary, notes


def case_dual(ctx):
    a = ctx.a
    failures, notes = [], []
    c, handles = start_holder(ctx, ["%s:%d" % (a.srv4, a.port), "[%s]:%d" % (a.srv6, a.port)],
                              "/hy/dual/member-", sequential=True, data="dual")
    try:
        cons = ctx.four("cons")
        stat = ctx.four("stat")
    finally:
        c.quit()
    h4, h6 = handles
    if not (h4["ok"] and h6["ok"]):
        failures.append("create+get failed (v4 %s, v6 %s)" % (h4["ok"], h6["ok"]))
    if h4["local"][0] != a.cli4 or ipaddress.ip_address(h6["local"][0]) != ipaddress.ip_address(a.cli6):
        failures.append("source addresses %s / %s" % (h4["local"][0], h6["local"][0]))
    p4, p6 = h4["local"][1], h6["local"][1]
    # Apache 3.8 prints [fd00:231:0:0:0:0:0:2]:port (Java's InetAddress
    # form, bracketed); the unbracketed Java form is accepted too.
    forms6 = {"[%s]:%d" % (a.cli6, p6): "natural",
              "[%s]:%d" % (java_ipv6(a.cli6), p6): "java",
              "%s:%d" % (java_ipv6(a.cli6), p6): "java unbracketed"}

    def find(text):
        lines = cons_lines(text)
        v4 = [l.split("[")[0] for l in lines if l.startswith("/%s:%d[" % (a.cli4, p4))]
        v4_mapped = [l for l in lines if "::ffff:" in l]
        v6 = [(l[1:].split("(")[0].rsplit("[", 1)[0], kind) for l in lines for f, kind in forms6.items()
              if l.startswith("/" + f + "[")]
        return v4, v4_mapped, v6

    v4, mapped, v6 = find(cons)
    s4, smapped, s6 = find(stat)
    metrics = {"v4_ok": h4["ok"], "v6_ok": h6["ok"], "v4_local": h4["local"], "v6_local": h6["local"],
               "cons_supported": cons_supported(cons), "cons_v4": v4, "cons_v6": v6,
               "cons_mapped": mapped, "stat_v4": s4, "stat_v6": s6, "stat_mapped": smapped, "cons": cons}
    if not cons_supported(cons):
        failures.append("`cons` not supported")
        summary = "v4 %s, v6 %s; cons: not supported (stat shows %s and %s%s)" % (
            "ok" if h4["ok"] else "FAILED", "ok" if h6["ok"] else "FAILED",
            s4[0] if s4 else "no v4 line", "/" + s6[0][0] if s6 else "no v6 line",
            ", ::ffff: present" if smapped else "")
    else:
        if not v4:
            failures.append("`cons` has no line /%s:%d" % (a.cli4, p4))
        if mapped:
            failures.append("`cons` shows an IPv4-mapped address: %s" % mapped[0])
        if not v6:
            failures.append("`cons` has no line for the IPv6 client (%s)" % " or ".join(forms6))
        summary = "v4 %s, v6 %s; cons shows %s and %s%s" % (
            "ok" if h4["ok"] else "FAILED", "ok" if h6["ok"] else "FAILED",
            v4[0] if v4 else "no v4 line", ("/%s (%s form)" % v6[0]) if v6 else "no v6 line",
            ", ::ffff: present!" if mapped else "")
    return metrics, failures, summary, notes


CASES = {
    1: lambda ctx: case_lost_client(ctx, freeze=False),
    2: lambda ctx: case_lost_client(ctx, freeze=True),
    3: case_silent,
    4: case_leak,
    5: case_kill_fin,
    6: case_vip,
    7: case_dual,
}


def wait_quiet(ctx, limit=12.0):
    """Before a case: no connection from the client host is still
    ESTABLISHED (a previous case's leftovers), bounded."""
    deadline = now() + limit
    while ctx.established_from(ctx.a.cli4) and now() < deadline:
        time.sleep(POLL)


def run(a):
    from kazoo.client import KazooClient

    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    ctx = Ctx(a)
    tag = "[%-7s]" % a.name
    results = []
    ctx.observer = KazooClient(hosts="127.0.0.1:%d" % a.port, timeout=10.0,
                               connection_retry={"max_tries": 3, "delay": 0.2})
    ctx.observer.start(timeout=15)
    ctx.observer.ensure_path("/hy")

    def stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        for n in a.cases:
            wait_quiet(ctx)
            t = now()
            try:
                metrics, failures, summary, notes = CASES[n](ctx)
                if ctx.swiftzk:
                    verdict = "FAIL" if failures else "PASS"
                else:
                    verdict = "MEASURED"
            except Exception as e:   # the case could not be carried out
                metrics, failures, summary, notes = {}, ["%s: %s" % (e.__class__.__name__, e)], "error", []
                verdict = "ERROR"
            res = {"case": n, "name": CASE_NAMES[n], "server": a.name, "verdict": verdict,
                   "summary": summary, "failures": failures, "notes": notes,
                   "metrics": metrics, "wall_s": round(now() - t, 2)}
            results.append(res)
            print("%s case %d %-10s %s  %s" % (tag, n, CASE_NAMES[n], summary, verdict), flush=True)
            shown = failures if (ctx.swiftzk or verdict == "ERROR") else \
                ["(swiftzk would fail: %s)" % f for f in failures]
            for f in shown:
                print("%s     - %s" % (tag, f), flush=True)
            for note in notes:
                print("%s     . %s" % (tag, note), flush=True)
            if a.verbose:
                for k in ("cons", "dump", "leak", "doctor_output"):
                    if metrics.get(k):
                        print("%s     %s:\n%s" % (tag, k, "\n".join("        " + l for l in metrics[k].splitlines())))
    finally:
        for c in list(ctx.clients):
            c.finish()
        try:
            ctx.observer.stop()
            ctx.observer.close()
        except Exception:
            pass
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    bad = [r for r in results if r["verdict"] in ("FAIL", "ERROR")]
    return 1 if bad else 0


def table(paths):
    runs = []
    for p in paths:
        with open(p) as f:
            runs.append(json.load(f))
    names = [r[0]["server"] if r else os.path.basename(p) for r, p in zip(runs, paths)]
    by = [{r["case"]: r for r in run_} for run_ in runs]
    cases = sorted(set().union(*[set(b) for b in by]))
    width = 64
    print("%-14s | %s" % ("case", " | ".join("%-*s" % (width, n + (" 3.8" if n == "apache" else ""))
                                            for n in names)))
    print("-" * (17 + (width + 3) * len(names)))
    for n in cases:
        cells = []
        for b in by:
            r = b.get(n)
            if not r:
                cells.append("%-*s" % (width, "-"))
                continue
            text = r["summary"] + ("" if r["verdict"] == "MEASURED" else "  " + r["verdict"])
            cells.append("%-*s" % (width, text))
        first = "%d %s" % (n, CASE_NAMES[n])
        # Long cells wrap over several lines.
        wrapped = [textwrap.wrap(c.rstrip(), width) or [""] for c in cells]
        for i in range(max(len(w) for w in wrapped)):
            row = " | ".join("%-*s" % (width, w[i] if i < len(w) else "") for w in wrapped)
            print("%-14s | %s" % (first if i == 0 else "", row))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--name", choices=["swiftzk", "apache"], required=True)
    r.add_argument("--port", type=int, required=True)
    r.add_argument("--work", required=True)
    r.add_argument("--json", required=True)
    for k in ("srv-ns", "cli-ns", "srv-veth", "cli-veth", "srv4", "cli4", "vip", "srv6", "cli6"):
        r.add_argument("--" + k, required=True)
    r.add_argument("--swiftzk", default="")
    r.add_argument("--cases", default="1,2,3,4,5,6,7")
    r.add_argument("--verbose", action="store_true")
    t = sub.add_parser("table")
    t.add_argument("json", nargs="+")
    a = p.parse_args()
    if a.cmd == "table":
        return table(a.json)
    a.cases = [int(x) for x in a.cases.split(",") if x.strip()]
    bad = [x for x in a.cases if x not in CASES]
    if bad:
        p.error("unknown case(s) %s" % bad)
    try:
        return run(a)
    except KeyboardInterrupt:
        print("[%s] interrupted" % a.name, file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
