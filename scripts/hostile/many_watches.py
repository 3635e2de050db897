#!/usr/bin/env python3
"""Check 3 of issue #11 §5: one session registers a huge number of watches.

One session pipelines exists(path, watch=true) on distinct paths that do not
exist, so each leaves one exist-watch behind. The server must keep its
memory bounded per watch or, when `swiftzk.maxWatchesPerSession` is set
(--watch-limit), refuse the excess with QUOTAEXCEEDED. After the session
closes, its memory must come back.

Usage: many_watches.py --port P --pid PID --server NAME [--watch-limit N] [--full] [--json FILE]
"""
import argparse
import socket
import sys
import time

import zkwire

# --- Pass criteria (what an operator should expect) -------------------------
# While the watches are held the server may grow by at most this many bytes
# per watch registered (a watch is a path of ~20 bytes and two table slots).
MAX_RSS_GROWTH_BYTES_PER_WATCH = 1024
# Within RSS_RETURN_SECONDS of the session closing, the server's resident
# memory must be back within 64 MB of its value before the session for
# every 1,000,000 watches the session held (12.8 MB in CI mode's 200,000).
MAX_RSS_LEFT_AFTER_CLOSE_BYTES_PER_MILLION_WATCHES = 64 * 1024 * 1024
RSS_RETURN_SECONDS = 10
# With --watch-limit N: exactly the first N watches are set (exists on a
# missing node answers NONODE) and every request past them is refused with
# QUOTAEXCEEDED (-125); the session stays usable.

# --- How big ----------------------------------------------------------------
WATCHES_CI = 200000
WATCHES_FULL = 1000000
PIPELINE_WINDOW = 5000
SAFETY_STOP_GROWTH_BYTES = 2 * 1024 * 1024 * 1024


def four_letter(host, port, word):
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(word)
        s.shutdown(socket.SHUT_WR)
        s.settimeout(10)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out.decode(errors="replace")
            out += chunk


def total_watches(host, port):
    """The `Total watches:` figure of `wchs`, or None."""
    try:
        for line in four_letter(host, port, b"wchs").splitlines():
            if line.startswith("Total watches:"):
                return int(line.split(":", 1)[1])
    except (OSError, ValueError):
        return None
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    zkwire.common_args(ap)
    ap.add_argument("--watch-limit", type=int, default=0,
                    help="the server runs with swiftzk.maxWatchesPerSession=N; expect the excess refused")
    args = ap.parse_args()
    watches = WATCHES_FULL if args.full else WATCHES_CI
    limit = args.watch_limit

    held_at_most = min(limit, watches) if limit else watches
    max_left = MAX_RSS_LEFT_AFTER_CLOSE_BYTES_PER_MILLION_WATCHES * held_at_most // 1000000
    baseline = zkwire.settled_rss(args.pid, 1.0)
    zkwire.log(args.server, "many watches: %d exist-watches%s" % (watches, " (limit %d)" % limit if limit else ""))
    safety = {"stopped": False}
    session = zkwire.Session(args.host, args.port, timeout_ms=30000)

    def watch_memory(rss):
        if rss - baseline > SAFETY_STOP_GROWTH_BYTES and not safety["stopped"]:
            safety["stopped"] = True
            try:
                session.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    counts = {}
    error = None
    usable_after = None
    with zkwire.RssSampler(args.pid, on_sample=watch_memory) as sampler:
        begin = time.monotonic()
        try:
            counts = session.pipeline(
                ((lambda xid, i=i: zkwire.exists_request(xid, "/hostile-watch/w%07d" % i, watch=True))
                 for i in range(watches)), window=PIPELINE_WINDOW)
            # The session still works after being refused.
            err, _ = session.call(lambda xid: zkwire.exists_request(xid, "/", watch=False), 10.0)
            usable_after = err == zkwire.OK
        except (OSError, zkwire.Closed) as e:
            error = "watching session lost: %s" % e
        registered_after = time.monotonic() - begin
        held = total_watches(args.host, args.port)
        time.sleep(0.5)
    peak_growth = sampler.peak - baseline
    session.close_session()
    closed_at = time.monotonic()

    # Poll until the memory is back (or the time is up).
    returned_after = None
    after = zkwire.rss_bytes(args.pid)
    while time.monotonic() - closed_at < RSS_RETURN_SECONDS:
        after = zkwire.rss_bytes(args.pid)
        if after is None:
            break
        if after - baseline <= max_left:
            returned_after = time.monotonic() - closed_at
            break
        time.sleep(0.25)
    left_after_close = total_watches(args.host, args.port)
    alive = zkwire.server_alive(args.pid)

    refused = counts.get(zkwire.QUOTAEXCEEDED, 0)
    nonode = counts.get(zkwire.NONODE, 0)
    reasons = []
    if not alive:
        reasons.append("server died")
    if error:
        reasons.append(error)
    if safety["stopped"]:
        reasons.append("stopped early by the %.0f MB safety stop" % zkwire.mb(SAFETY_STOP_GROWTH_BYTES))
    if limit:
        if nonode != limit or refused != watches - limit:
            reasons.append("expected %d NONODE and %d QUOTAEXCEEDED, got %d and %d (all replies: %r)"
                           % (limit, watches - limit, nonode, refused, counts))
        if usable_after is False:
            reasons.append("session unusable after the refusals")
        allowed_growth = MAX_RSS_GROWTH_BYTES_PER_WATCH * limit
    else:
        if nonode != watches:
            reasons.append("%d of %d exists answered NONODE (replies: %r)" % (nonode, watches, counts))
        allowed_growth = MAX_RSS_GROWTH_BYTES_PER_WATCH * watches
    if peak_growth > allowed_growth:
        reasons.append("RSS grew %.0f MB holding the watches (limit %.0f MB)"
                       % (zkwire.mb(peak_growth), zkwire.mb(allowed_growth)))
    if returned_after is None:
        reasons.append("RSS still %.0f MB above its value before the session %d s after it closed (limit %.0f MB)"
                       % (zkwire.mb((after or 0) - baseline), RSS_RETURN_SECONDS,
                          zkwire.mb(max_left)))
    result = {
        "check": "many-watches" + ("-limit" if limit else ""),
        "server": args.server,
        "mode": "full" if args.full else "ci",
        "pass": not reasons,
        "reasons": reasons,
        "watches": watches,
        "watch_limit": limit,
        "replies_nonode": nonode,
        "replies_quota_exceeded": refused,
        "other_replies": {str(k): v for k, v in counts.items() if k not in (zkwire.NONODE, zkwire.QUOTAEXCEEDED)},
        "registered_after_s": round(registered_after, 2),
        "watches_held_wchs": held,
        "watches_after_close_wchs": left_after_close,
        "rss_before_mb": zkwire.mb(baseline),
        "rss_peak_growth_mb": zkwire.mb(peak_growth),
        "rss_growth_bytes_per_watch": round(peak_growth / max(1, limit or watches)),
        "rss_left_allowed_mb": zkwire.mb(max_left),
        "rss_after_close_growth_mb": zkwire.mb(None if after is None else after - baseline),
        "rss_returned_after_s": None if returned_after is None else round(returned_after, 2),
        "safety_stop": safety["stopped"],
    }
    zkwire.write_result(args.json, result)
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
