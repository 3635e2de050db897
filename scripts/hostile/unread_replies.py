#!/usr/bin/env python3
"""Check 1 of issue #11 §5: a client that asks for big replies and never reads them.

One session pipelines getData of a 1 MB znode (variant `big`), or
getChildren of a znode with 50,000 children (variant `children`), as fast
as the server takes them, and never reads its socket. Meanwhile a bystander
session reads a small znode in a loop. A server that queues every reply it
cannot send grows without bound and starves everyone else; one that stops
reading from (or closes) the attacker stays flat.

Usage: unread_replies.py --port P --pid PID --server NAME --variant big|children [--full] [--json FILE]
"""
import argparse
import select
import socket
import sys
import time

import zkwire

# --- Pass criteria (what an operator should expect) -------------------------
# The server may grow by at most this much while the attacker runs, measured
# from its resident memory (VmRSS) just before the attack.
MAX_RSS_GROWTH_BYTES = 64 * 1024 * 1024
# The bystander's 99th-percentile read latency during the attack may be at
# most this many times its own 99th percentile measured just before, idle.
MAX_BYSTANDER_P99_FACTOR = 3.0
# The bystander must never lose its session, and the server must stay up.

# --- How long and how big ---------------------------------------------------
ATTACK_SECONDS_CI = 15
ATTACK_SECONDS_FULL = 60
IDLE_SECONDS_CI = 3          # the bystander's idle measurement
IDLE_SECONDS_FULL = 10
BIG_NODE_BYTES = 1000000     # "1 MB", just under jute.maxbuffer with the request around it
CHILDREN = 50000
REQUESTS_PER_WRITE = 200     # getData requests per send() of the attacker
# To protect the shared machine the harness ends the attack early once the
# server has grown this much; such a run fails the memory criterion anyway.
SAFETY_STOP_GROWTH_BYTES = 2 * 1024 * 1024 * 1024


def setup(host, port, variant):
    s = zkwire.Session(host, port)
    for path, data in (("/hostile", b""), ("/hostile/small", b"0123456789")):
        s.call(lambda xid: zkwire.create_request(xid, path, data))
    if variant == "big":
        err, _ = s.call(lambda xid: zkwire.create_request(xid, "/hostile/big", b"b" * BIG_NODE_BYTES))
        if err not in (zkwire.OK, zkwire.NODEEXISTS):
            raise SystemExit("cannot create /hostile/big: error %d" % err)
    else:
        s.call(lambda xid: zkwire.create_request(xid, "/hostile/kids", b""))
        counts = s.pipeline(
            (lambda xid, i=i: zkwire.create_request(xid, "/hostile/kids/c%05d" % i)) for i in range(CHILDREN))
        if counts.get(zkwire.OK, 0) + counts.get(zkwire.NODEEXISTS, 0) != CHILDREN:
            raise SystemExit("cannot create %d children: %r" % (CHILDREN, counts))
    s.close_session()


def attacker(host, port, variant, seconds, stop, report):
    """Runs in its own process: sends requests until `seconds` pass or
    `stop` is set; never reads. Reports (requests sent, closed, closed after s)."""
    sent = 0
    closed_after = None
    try:
        s = zkwire.Session(host, port, timeout_ms=30000)
    except (OSError, zkwire.Closed) as error:
        report.put({"sent": 0, "closed": True, "closed_after": 0.0, "error": str(error)})
        return
    sock = s.sock
    sock.setblocking(False)
    poller = select.poll()
    poller.register(sock, select.POLLOUT | select.POLLERR | select.POLLHUP)
    start = time.monotonic()
    end = start + seconds
    pending = b""
    xid = s.xid
    while time.monotonic() < end and not stop.is_set():
        if not pending:
            frames = []
            for _ in range(REQUESTS_PER_WRITE):
                xid += 1
                if variant == "big":
                    frames.append(zkwire.get_data_request(xid, "/hostile/big"))
                else:
                    frames.append(zkwire.get_children_request(xid, "/hostile/kids"))
            pending = b"".join(frames)
            sent += REQUESTS_PER_WRITE
        events = poller.poll(200)
        if any(ev & (select.POLLERR | select.POLLHUP) for _fd, ev in events):
            closed_after = time.monotonic() - start
            break
        if not events:
            continue
        try:
            n = sock.send(pending)
            pending = pending[n:]
        except BlockingIOError:
            pass
        except OSError:
            closed_after = time.monotonic() - start
            break
    report.put({"sent": sent, "closed": closed_after is not None, "closed_after": closed_after})
    # Closing with unread replies resets the connection.
    sock.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    zkwire.common_args(ap)
    ap.add_argument("--variant", choices=("big", "children"), required=True)
    args = ap.parse_args()
    attack_seconds = ATTACK_SECONDS_FULL if args.full else ATTACK_SECONDS_CI
    idle_seconds = IDLE_SECONDS_FULL if args.full else IDLE_SECONDS_CI

    zkwire.log(args.server, "unread replies (%s): setting up" % args.variant)
    setup(args.host, args.port, args.variant)
    pressure = zkwire.Attack(args.host, args.port, args.pid, idle_seconds, SAFETY_STOP_GROWTH_BYTES)
    bystander, idle, baseline = pressure.bystander, pressure.idle, pressure.baseline
    ctx, stop, report, watch_memory = pressure.ctx, pressure.stop, pressure.report, pressure.watch_memory

    zkwire.log(args.server, "unread replies (%s): attacking for %d s" % (args.variant, attack_seconds))
    with zkwire.RssSampler(args.pid, on_sample=watch_memory) as sampler:
        attack_begin = time.monotonic()
        proc = ctx.Process(target=attacker, args=(args.host, args.port, args.variant, attack_seconds, stop, report))
        proc.start()
        try:
            outcome = report.get(timeout=attack_seconds + 60)
        except Exception:
            outcome = {"sent": None, "closed": None, "closed_after": None, "error": "attacker did not report"}
        attack_end = time.monotonic()
        proc.join(10)
        if proc.is_alive():
            proc.kill()
        # Let the bystander's last read finish, so a read stuck behind the
        # attack counts with its full latency.
        time.sleep(1.0)
    attack = bystander.phase(attack_begin, attack_end)
    bystander.stop()
    after = zkwire.settled_rss(args.pid, 1.0)
    alive = zkwire.server_alive(args.pid)

    growth = sampler.peak - baseline
    reasons = []
    if not alive:
        reasons.append("server died")
    if growth > MAX_RSS_GROWTH_BYTES:
        reasons.append("RSS grew %.0f MB (limit %.0f MB)" % (zkwire.mb(growth), zkwire.mb(MAX_RSS_GROWTH_BYTES)))
    if pressure.safety_stopped:
        reasons.append("attack stopped early by the %.0f MB safety stop" % zkwire.mb(SAFETY_STOP_GROWTH_BYTES))
    if bystander.error:
        reasons.append(bystander.error)
    if attack["p99"] is None:
        reasons.append("bystander completed no read during the attack")
    elif idle["p99"] is not None and attack["p99"] > MAX_BYSTANDER_P99_FACTOR * idle["p99"]:
        reasons.append("bystander p99 %.2f ms > %.0fx idle p99 %.2f ms"
                       % (zkwire.ms(attack["p99"]), MAX_BYSTANDER_P99_FACTOR, zkwire.ms(idle["p99"])))
    result = {
        "check": "unread-replies-" + args.variant,
        "server": args.server,
        "mode": "full" if args.full else "ci",
        "pass": not reasons,
        "reasons": reasons,
        "attack_seconds": attack_seconds,
        "rss_before_mb": zkwire.mb(baseline),
        "rss_peak_growth_mb": zkwire.mb(growth),
        "rss_after_mb": zkwire.mb(after),
        "safety_stop": pressure.safety_stopped,
        "idle_p99_ms": zkwire.ms(idle["p99"]),
        "attack_p99_ms": zkwire.ms(attack["p99"]),
        "attack_p50_ms": zkwire.ms(attack["p50"]),
        "attack_max_gap_ms": zkwire.ms(attack["max_gap"]),
        "bystander_reads_idle": idle["reads"],
        "bystander_reads_attack": attack["reads"],
        "attacker_requests_sent": outcome.get("sent"),
        "attacker_closed": outcome.get("closed"),
        "attacker_closed_after_s": None if outcome.get("closed_after") is None else round(outcome["closed_after"], 2),
    }
    zkwire.write_result(args.json, result)
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
