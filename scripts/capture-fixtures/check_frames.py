#!/usr/bin/env python3
"""Sanity-check Tests/Fixtures/wire/*.frames.

    check_frames.py [DIR]      (default: Tests/Fixtures/wire next to this repo)

For every length-framed file: each frame's 4-byte big-endian length must equal
the number of bytes that follow it, the first C frame is the ConnectRequest and
the first S frame the ConnectResponse.  Prints, per file and in total, a
histogram of request opcodes (int32 at offset 8 of every C frame after the
first: len(4) xid(4) type(4)), the xids of S frames (special xids by name,
positive xids as one bucket), and the error codes of replies (int32 at offset
16: len(4) xid(4) zxid(8) err(4)).  Exits non-zero on any malformed frame.
"""
import glob
import os
import struct
import sys
from collections import Counter

OPS = {1: "create", 2: "delete", 3: "exists", 4: "getData", 5: "setData", 6: "getACL", 7: "setACL",
       8: "getChildren", 9: "sync", 11: "ping", 12: "getChildren2", 13: "check", 14: "multi",
       15: "create2", 16: "reconfig", 17: "checkWatches", 18: "removeWatches", 19: "createContainer",
       20: "deleteContainer", 21: "createTTL", 22: "multiRead", 100: "auth", 101: "setWatches",
       102: "sasl", 103: "getEphemerals", 104: "getAllChildrenNumber", 105: "setWatches2",
       106: "addWatch", 107: "whoAmI", -10: "createSession", -11: "closeSession", -1: "error"}
XIDS = {-1: "notification(-1)", -2: "ping(-2)", -4: "auth(-4)", -8: "setWatches(-8)"}


class Reader:
    def __init__(self, b, off):
        self.b, self.off = b, off

    def int(self):
        v = struct.unpack_from(">i", self.b, self.off)[0]
        self.off += 4
        return v

    def skip(self, n):
        self.off += n

    def buf(self):  # jute string / buffer: int length (-1 = null) + bytes
        n = self.int()
        if n > 0:
            self.off += n


def multi_ops(f):
    """Sub-operation opcodes inside a multi (14) / multiRead (22) request body."""
    r, ops = Reader(f, 12), []
    while True:
        typ = r.int()
        done = f[r.off]
        r.skip(1)
        r.int()  # err
        if done or typ == -1:
            return ops
        ops.append(typ)
        r.buf()  # path
        if typ in (1, 15, 19, 21):  # create*: data, acl vector, flags[, ttl]
            r.buf()
            for _ in range(max(r.int(), 0)):
                r.int()
                r.buf()
                r.buf()
            r.int()
            if typ == 21:
                r.skip(8)
        elif typ == 5:  # setData: data, version
            r.buf()
            r.int()
        elif typ in (2, 13):  # delete / check: version
            r.int()
        elif typ in (4, 8):  # getData / getChildren in multiRead: watch flag
            r.skip(1)
        else:
            raise ValueError(f"unknown multi sub-op {typ}")


def parse(path):
    frames, bad = [], []
    for lineno, line in enumerate(open(path), 1):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        tag, _, hx = line.partition(" ")
        if tag not in ("C", "S"):
            bad.append(f"{path}:{lineno}: bad tag {tag!r}")
            continue
        frames.append((lineno, tag, bytes.fromhex(hx)))
    return frames, bad


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "Tests", "Fixtures", "wire")
    files = sorted(glob.glob(os.path.join(d, "*.frames")))
    if not files:
        sys.exit(f"no .frames files in {d}")
    total_ops, total_xids, total_errs, total_sub = Counter(), Counter(), Counter(), Counter()
    errors = []
    for path in files:
        name = os.path.basename(path)
        frames, bad = parse(path)
        errors += bad
        if name.startswith("4lw-"):
            c = b"".join(f for _, t, f in frames if t == "C")
            s = b"".join(f for _, t, f in frames if t == "S")
            print(f"{name}: four-letter word {c[:4].decode(errors='replace')!r}, reply {len(s)} bytes")
            continue
        ops, xids, errs, sub = Counter(), Counter(), Counter(), Counter()
        pending = {}  # xid -> opcode name, to name reply error codes
        seen_c = seen_s = 0
        for lineno, tag, f in frames:
            if len(f) < 4 or struct.unpack(">i", f[:4])[0] != len(f) - 4:
                errors.append(f"{name}:{lineno}: length prefix {f[:4].hex()} != {len(f) - 4} remaining bytes")
                continue
            if tag == "C":
                seen_c += 1
                if seen_c == 1:
                    continue  # ConnectRequest: protocolVersion, lastZxidSeen, timeOut, sessionId, passwd[, readOnly]
                if len(f) < 12:
                    errors.append(f"{name}:{lineno}: short request header")
                    continue
                xid, op = struct.unpack(">ii", f[4:12])
                opn = OPS.get(op, f"op{op}")
                ops[f"{opn}({op})"] += 1
                pending[xid] = opn
                if op in (14, 22):
                    try:
                        for so in multi_ops(f):
                            sub[f"{OPS.get(so, so)}({so})"] += 1
                    except (ValueError, struct.error, IndexError) as e:
                        errors.append(f"{name}:{lineno}: cannot parse multi body: {e}")
            else:
                seen_s += 1
                if seen_s == 1:
                    continue  # ConnectResponse
                if len(f) < 20:
                    errors.append(f"{name}:{lineno}: short reply header")
                    continue
                xid, zxid, err = struct.unpack(">iqi", f[4:20])
                xids[XIDS.get(xid, "positive" if xid > 0 else f"xid{xid}")] += 1
                if err:
                    errs[f"{pending.get(xid, '?')}:{err}"] += 1
        total_ops.update(ops)
        total_xids.update(xids)
        total_errs.update(errs)
        total_sub.update(sub)
        print(f"{name}: {len(frames)} frames ({seen_c} C, {seen_s} S)")
        print("   requests: " + ", ".join(f"{k}x{v}" for k, v in sorted(ops.items(), key=lambda kv: kv[0])))
        print("   S xids:   " + ", ".join(f"{k}x{v}" for k, v in sorted(xids.items())))
        if sub:
            print("   multi sub-ops: " + ", ".join(f"{k}x{v}" for k, v in sorted(sub.items())))
        if errs:
            print("   errors:   " + ", ".join(f"{k}x{v}" for k, v in sorted(errs.items())))
    print("TOTAL requests: " + ", ".join(f"{k}x{v}" for k, v in sorted(total_ops.items(),
                                                                     key=lambda kv: int(kv[0].rsplit('(', 1)[1][:-1]))))
    print("TOTAL S xids:   " + ", ".join(f"{k}x{v}" for k, v in sorted(total_xids.items())))
    print("TOTAL multi sub-ops: " + ", ".join(f"{k}x{v}" for k, v in sorted(total_sub.items())))
    print("TOTAL errors:   " + ", ".join(f"{k}x{v}" for k, v in sorted(total_errs.items())))
    internal = {-1, -10, 20}  # error / createSession / deleteContainer never come from clients
    missing = [f"{n}({o})" for o, n in sorted(OPS.items()) if f"{n}({o})" not in total_ops and o not in internal]
    print("opcodes never sent as a top-level request: " + (", ".join(missing) or "none"))
    if errors:
        print("\n".join(errors))
        sys.exit(1)
    print(f"OK: {len(files)} files, every length prefix matches")


if __name__ == "__main__":
    main()
