#!/usr/bin/env python3
"""Split a tshark capture of ZooKeeper traffic into per-connection .frames files.

    extract.py --pcap X.pcap --manifest manifest.tsv --out Tests/Fixtures/wire \
               [--port 21810] [--server-desc "..."]

Reads the capture with

    tshark -r X.pcap -T fields -e frame.time_epoch -e tcp.stream -e tcp.srcport
           -e tcp.dstport -e tcp.payload   (+ tcp.seq_raw, tcp.flags.syn)

reassembles each TCP stream per direction (by raw sequence number, so
retransmitted/duplicated bytes are dropped), splits each direction into
ZooKeeper frames using the 4-byte big-endian length prefix, and writes one file
per TCP connection:

    # client: ...
    # scenario: ...
    ...
    C 0000002c00000000...      client -> server frame (length prefix included)
    S 00000024000000000...     server -> client frame

Lines are in the order in which the frames were *completed* on the wire (the
packet carrying a frame's last byte), interleaving both directions.

Connections whose first client bytes are a four-letter word (ruok, srvr, ...)
are not length-framed; they go to 4lw-<word>.frames with one "C <hex>" line
holding everything the client sent and one "S <hex>" line with the reply.

The manifest (written by run.sh) is tab-separated:
    start_epoch  end_epoch  names(comma-separated)  client  description
Each TCP stream whose first packet falls inside [start, end] belongs to that
scenario; the n-th such stream (in order of first packet) gets the n-th name.
If a scenario has more streams than names, the extra ones get "-<n>" suffixes.
"""
import argparse
import datetime as dt
import os
import subprocess
import sys
from collections import OrderedDict, defaultdict


def read_packets(pcap):
    fields = ["frame.number", "frame.time_epoch", "tcp.stream", "tcp.srcport",
              "tcp.dstport", "tcp.seq_raw", "tcp.flags.syn", "tcp.payload"]
    cmd = ["tshark", "-r", pcap, "-T", "fields", "-E", "separator=/t"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) < len(fields) or parts[2] == "":
            continue
        num, t, stream, sport, dport, seq, syn, payload = parts[:8]
        yield {
            "num": int(num),
            "t": float(t),
            "stream": int(stream),
            "sport": int(sport),
            "dport": int(dport),
            "seq": int(seq),
            "syn": syn in ("1", "True"),
            "data": bytes.fromhex(payload.replace(":", "")) if payload else b"",
        }


class Direction:
    """In-order byte reassembly for one direction of one TCP stream."""

    def __init__(self):
        self.next_seq = None
        self.pending = {}  # seq -> bytes (out-of-order segments)
        self.buf = bytearray()
        self.total_in = 0   # bytes appended to buf so far
        self.consumed = 0   # bytes removed from buf as whole frames
        self.stats = defaultdict(int)

    def feed(self, seq, syn, data):
        if syn:
            self.next_seq = (seq + 1) & 0xFFFFFFFF
            return
        if not data:
            return
        if self.next_seq is None:  # capture started mid-stream
            self.next_seq = seq
        self.pending[seq] = data
        progressed = True
        while progressed:
            progressed = False
            for s in list(self.pending):
                d = self.pending[s]
                off = (self.next_seq - s) & 0xFFFFFFFF
                if off == 0:
                    pass
                elif off < 0x80000000:  # segment starts before next_seq: retransmission/overlap
                    self.stats["retransmitted_segments"] += 1
                    if off >= len(d):
                        del self.pending[s]
                        continue
                    d = d[off:]
                else:
                    continue  # still in the future
                del self.pending[s]
                self.buf += d
                self.total_in += len(d)
                self.next_seq = (self.next_seq + len(d)) & 0xFFFFFFFF
                progressed = True
        if self.pending:
            self.stats["out_of_order_segments"] += 1


def is_4lw(first4):
    return len(first4) == 4 and all(0x61 <= c <= 0x7A for c in first4)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--port", type=int, default=21810)
    ap.add_argument("--server-desc", default="Apache ZooKeeper standalone")
    ap.add_argument("--capture-desc", default="")
    args = ap.parse_args()

    scenarios = []
    with open(args.manifest) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            t0, t1, names, client, desc = line.rstrip("\n").split("\t")
            scenarios.append(dict(t0=float(t0), t1=float(t1), names=names.split(","),
                                  client=client, desc=desc, streams=[]))

    streams = OrderedDict()
    for p in read_packets(args.pcap):
        st = streams.get(p["stream"])
        if st is None:
            st = streams[p["stream"]] = dict(
                id=p["stream"], t_first=p["t"], c=Direction(), s=Direction(),
                lines=[], c_raw=bytearray(), s_raw=bytearray(), kind=None,
                segments_multi=0, frames_split=0, client_port=None)
        to_server = p["dport"] == args.port
        if to_server:
            st["client_port"] = p["sport"]
        d = st["c"] if to_server else st["s"]
        tag = "C" if to_server else "S"
        pkt_start = d.total_in
        d.feed(p["seq"], p["syn"], p["data"])
        if d.total_in == pkt_start:
            continue
        if st["kind"] is None and to_server and len(st["c"].buf) >= 4:
            st["kind"] = "4lw" if is_4lw(bytes(st["c"].buf[:4])) else "zk"
        if st["kind"] == "4lw":
            (st["c_raw"] if to_server else st["s_raw"]).extend(d.buf)
            d.buf.clear()
            continue
        if st["kind"] is None:  # server spoke first or <4 client bytes yet; wait
            continue
        # a frame is "split" if the packet that completes it did not also carry its first byte
        completed = 0
        for direction, dtag in ((st["c"], "C"), (st["s"], "S")):
            while len(direction.buf) >= 4:
                n = int.from_bytes(direction.buf[:4], "big")
                if n < 0 or n > 64 * 1024 * 1024:
                    sys.exit(f"stream {st['id']}: implausible frame length {n} ({dtag})")
                if len(direction.buf) < 4 + n:
                    break
                frame = bytes(direction.buf[:4 + n])
                del direction.buf[:4 + n]
                start = direction.consumed
                direction.consumed += 4 + n
                st["lines"].append((dtag, frame))
                if dtag == tag:
                    completed += 1
                    if start < pkt_start:
                        st["frames_split"] += 1
        if completed > 1:
            st["segments_multi"] += 1

    # assign streams to scenarios
    unassigned = []
    for st in streams.values():
        for sc in scenarios:
            if sc["t0"] <= st["t_first"] <= sc["t1"]:
                sc["streams"].append(st)
                break
        else:
            unassigned.append(st)

    os.makedirs(args.out, exist_ok=True)
    written = []
    for sc in scenarios:
        n = len(sc["streams"])
        for i, st in enumerate(sc["streams"]):
            if i < len(sc["names"]):
                name = sc["names"][i]
            else:
                name = f"{sc['names'][-1]}-{i - len(sc['names']) + 2}"
            path = os.path.join(args.out, name + ".frames")
            when = dt.datetime.fromtimestamp(st["t_first"], dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            hdr = [
                f"client: {sc['client']}",
                f"scenario: {name} -- {sc['desc']}",
                f"connection: {i + 1} of {n} in this scenario (tcp.stream {st['id']} of the capture)",
                f"server: {args.server_desc}",
                f"captured: {args.capture_desc}".rstrip(),
                f"date: {when}",
            ]
            problems = []
            for dname, d in (("client->server", st["c"]), ("server->client", st["s"])):
                for k, v in d.stats.items():
                    hdr.append(f"note: {dname}: {v} {k.replace('_', ' ')} handled during reassembly")
                if d.buf:
                    problems.append(f"{dname}: {len(d.buf)} trailing bytes that do not form a whole frame")
                if d.pending:
                    problems.append(f"{dname}: {len(d.pending)} segments never joined (capture gap)")
            if st["kind"] == "4lw":
                hdr.append("format: four-letter-word connection, not length-framed: "
                           "one C line with all client bytes, one S line with the whole reply")
                body = [f"C {bytes(st['c_raw']).hex()}", f"S {bytes(st['s_raw']).hex()}"]
            else:
                hdr.append("format: one frame per line; C = client->server, S = server->client; lowercase hex of "
                           "the whole frame including its 4-byte big-endian length; lines in the order frames "
                           "were completed on the wire")
                if st["frames_split"] or st["segments_multi"]:
                    hdr.append(f"note: {st['frames_split']} frames spanned more than one TCP segment; "
                               f"{st['segments_multi']} segments carried more than one frame")
                body = [f"{tag} {frame.hex()}" for tag, frame in st["lines"]]
            for pr in problems:
                hdr.append("WARNING: " + pr)
                print(f"WARNING {name}: {pr}", file=sys.stderr)
            with open(path, "w") as f:
                f.write("".join(f"# {h}\n" for h in hdr))
                f.write("\n".join(body) + "\n")
            written.append((name, len(body), st["frames_split"], st["segments_multi"]))
    for st in unassigned:
        print(f"WARNING: tcp.stream {st['id']} (client port {st['client_port']}, "
              f"first packet {st['t_first']:.3f}) matched no scenario; not written", file=sys.stderr)
    for name, nlines, split, multi in written:
        print(f"  {name}.frames: {nlines} lines" + (f" ({split} split frames, {multi} multi-frame segments)"
                                                   if split or multi else ""))


if __name__ == "__main__":
    main()
