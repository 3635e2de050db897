#!/usr/bin/env python3
"""Check 2 of issue #11 §5: one client pipelines a flood of writes.

One session sends setData requests back to back without waiting for
replies, while a second thread of the same client reads the replies so its
socket drains. Meanwhile a bystander session reads a small znode in a loop.
The server must keep its memory bounded (stop reading from the writer while
its queue is full) and keep serving the bystander.

Usage: pipelined_writes.py --port P --pid PID --server NAME [--full] [--json FILE]
"""
import argparse
import struct
import sys
import threading
import time

import zkwire

# --- Pass criteria (what an operator should expect) -------------------------
# The server may grow by at most this much while the flood runs, measured
# from its resident memory (VmRSS) just before.
MAX_RSS_GROWTH_BYTES = 256 * 1024 * 1024
# The bystander's 99th-percentile read latency during the flood must stay
# under this.
MAX_BYSTANDER_P99_SECONDS = 1.0
# No read of the bystander may wait longer than this: a client with the
# smallest session timeout (2 x tickTime = 4 s) gives up on its connection
# after 2/3 of it without an answer.
MAX_BYSTANDER_GAP_SECONDS = 2.66
# Every write must be answered with success, the bystander must never lose
# its session, and the server must stay up.

# --- How long and how big ---------------------------------------------------
WRITES_CI = 100000
WRITES_FULL = 1000000
WRITE_DATA_BYTES = 100
REQUESTS_PER_SEND = 1000
IDLE_SECONDS_CI = 3
IDLE_SECONDS_FULL = 10
# The flood is given up (and the check fails) after this long.
GIVE_UP_SECONDS_CI = 150
GIVE_UP_SECONDS_FULL = 900
SAFETY_STOP_GROWTH_BYTES = 2 * 1024 * 1024 * 1024


def writer(host, port, writes, give_up, stop, report):
    """Runs in its own process: one session, a sending loop and a reading
    thread. Reports send and finish times and the replies' error counts."""
    try:
        s = zkwire.Session(host, port, timeout_ms=30000)
    except (OSError, zkwire.Closed) as error:
        report.put({"error": str(error)})
        return
    counts = {}
    done = threading.Event()
    lost = []

    def read_replies():
        received = 0
        try:
            while received < writes and not stop.is_set():
                payload = s.read_frame(timeout=give_up)
                xid, _zxid, err = struct.unpack_from(">iqi", payload)
                if xid == zkwire.NOTIFICATION_XID:
                    continue
                counts[err] = counts.get(err, 0) + 1
                received += 1
        except Exception as error:  # the connection closed or timed out
            lost.append(str(error))
        done.set()

    reader = threading.Thread(target=read_replies, daemon=True)
    reader.start()
    data = b"w" * WRITE_DATA_BYTES
    start = time.monotonic()
    xid = s.xid
    sent = 0
    try:
        while sent < writes and not stop.is_set() and not done.is_set():
            frames = []
            for _ in range(min(REQUESTS_PER_SEND, writes - sent)):
                xid += 1
                frames.append(zkwire.set_data_request(xid, "/hostile/target", data))
            s.sock.sendall(b"".join(frames))
            sent += len(frames)
    except OSError as error:
        lost.append("send: %s" % error)
    sent_after = time.monotonic() - start
    deadline = start + give_up
    while not done.is_set() and not stop.is_set() and time.monotonic() < deadline:
        done.wait(0.2)
    finished_after = time.monotonic() - start if done.is_set() and not lost else None
    report.put({"sent": sent, "sent_after": sent_after, "finished_after": finished_after,
                "counts": {str(k): v for k, v in counts.items()}, "lost": lost[:1]})
    s.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    zkwire.common_args(ap)
    args = ap.parse_args()
    writes = WRITES_FULL if args.full else WRITES_CI
    idle_seconds = IDLE_SECONDS_FULL if args.full else IDLE_SECONDS_CI
    give_up = GIVE_UP_SECONDS_FULL if args.full else GIVE_UP_SECONDS_CI

    s = zkwire.Session(args.host, args.port)
    for path, data in (("/hostile", b""), ("/hostile/small", b"0123456789"), ("/hostile/target", b"")):
        s.call(lambda xid: zkwire.create_request(xid, path, data))
    s.close_session()

    pressure = zkwire.Attack(args.host, args.port, args.pid, idle_seconds, SAFETY_STOP_GROWTH_BYTES)
    bystander, idle, baseline = pressure.bystander, pressure.idle, pressure.baseline
    ctx, stop, report, watch_memory = pressure.ctx, pressure.stop, pressure.report, pressure.watch_memory

    zkwire.log(args.server, "pipelined writes: %d setData" % writes)
    with zkwire.RssSampler(args.pid, on_sample=watch_memory) as sampler:
        begin = time.monotonic()
        proc = ctx.Process(target=writer, args=(args.host, args.port, writes, give_up, stop, report))
        proc.start()
        try:
            outcome = report.get(timeout=give_up + 60)
        except Exception:
            outcome = {"error": "writer did not report"}
        end = time.monotonic()
        proc.join(10)
        if proc.is_alive():
            proc.kill()
        time.sleep(1.0)
    flood = bystander.phase(begin, end)
    bystander.stop()
    alive = zkwire.server_alive(args.pid)

    growth = sampler.peak - baseline
    ok_replies = outcome.get("counts", {}).get(str(zkwire.OK), 0)
    reasons = []
    if not alive:
        reasons.append("server died")
    if "error" in outcome:
        reasons.append("writer: " + outcome["error"])
    if outcome.get("lost"):
        reasons.append("writer connection lost: " + outcome["lost"][0])
    if ok_replies != writes:
        reasons.append("%d of %d writes answered with success" % (ok_replies, writes))
    if outcome.get("finished_after") is None:
        reasons.append("flood did not finish within %d s" % give_up)
    if growth > MAX_RSS_GROWTH_BYTES:
        reasons.append("RSS grew %.0f MB (limit %.0f MB)" % (zkwire.mb(growth), zkwire.mb(MAX_RSS_GROWTH_BYTES)))
    if pressure.safety_stopped:
        reasons.append("flood stopped early by the %.0f MB safety stop" % zkwire.mb(SAFETY_STOP_GROWTH_BYTES))
    if bystander.error:
        reasons.append(bystander.error)
    if flood["p99"] is None:
        reasons.append("bystander completed no read during the flood")
    elif flood["p99"] > MAX_BYSTANDER_P99_SECONDS:
        reasons.append("bystander p99 %.0f ms > %.0f ms" % (zkwire.ms(flood["p99"]), zkwire.ms(MAX_BYSTANDER_P99_SECONDS)))
    if flood["max_gap"] > MAX_BYSTANDER_GAP_SECONDS:
        reasons.append("bystander went %.0f ms without an answer (limit %.0f ms)"
                       % (zkwire.ms(flood["max_gap"]), zkwire.ms(MAX_BYSTANDER_GAP_SECONDS)))
    result = {
        "check": "pipelined-writes",
        "server": args.server,
        "mode": "full" if args.full else "ci",
        "pass": not reasons,
        "reasons": reasons,
        "writes": writes,
        "writes_ok": ok_replies,
        "reply_errors": {k: v for k, v in outcome.get("counts", {}).items() if k != str(zkwire.OK)},
        "sent_after_s": None if outcome.get("sent_after") is None else round(outcome["sent_after"], 2),
        "finished_after_s": None if outcome.get("finished_after") is None else round(outcome["finished_after"], 2),
        "rss_before_mb": zkwire.mb(baseline),
        "rss_peak_growth_mb": zkwire.mb(growth),
        "safety_stop": pressure.safety_stopped,
        "idle_p99_ms": zkwire.ms(idle["p99"]),
        "flood_p50_ms": zkwire.ms(flood["p50"]),
        "flood_p99_ms": zkwire.ms(flood["p99"]),
        "flood_max_gap_ms": zkwire.ms(flood["max_gap"]),
        "bystander_reads_flood": flood["reads"],
    }
    zkwire.write_result(args.json, result)
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
