"""Linearizability checker for histories of versioned registers (znodes).

A history is a list of operations, each a dict:
  proc    the client that ran it (one operation at a time per client)
  key     the znode it ran on; keys are independent registers, checked apart
  f       "write" (setData, version -1), "cas" (setData with an expected
          version) or "read" (getData)
  value   the data written (write, cas); values are unique per history
  expect  the expected version (cas)
  call    invocation time (monotonic ns)
  ret     completion time, or None when the outcome is unknown (connection
          lost, session expired, timeout): such an operation may have taken
          effect at any instant after its call, or not at all
  out     "ok" | "fail" (a definite refusal: BadVersion) | None (unknown)
  version the version the reply carried (write/cas ok: the new version;
          read ok: the version read)
  got     the value read (read ok)

The register's state is (value, version); a key starts at (initial value,
version 0), as the workload creates it before the history begins.

The search is Wing and Gong's, with Lowe's memoisation (the one Porcupine
and Knossos use): walk the entries in time order, try to linearize each
call that is not yet linearized, back up when a return comes before its
call was linearized, and never revisit a (linearized set, state) pair.
An operation whose outcome is unknown gets its return at the end of time.

check_history(history, initial) -> list of findings (strings); empty means
every key's history is linearizable. A finding names the key and the first
operation that could not be placed, with the operations around it.
"""

import json
import sys

UNKNOWN_END = float("inf")


def step(state, op):
    """(accepted, new_state) for op applied to state; op's reply must match."""
    value, version = state
    f, out = op["f"], op.get("out")
    if f == "read":
        if out != "ok":
            return True, state
        return (op["got"] == value and op["version"] == version), state
    if f == "write":
        new = (op["value"], version + 1)
        if out is None:
            return True, new
        if out == "ok":
            return op["version"] == version + 1, new
        return True, state          # a definite refusal changes nothing
    if f == "cas":
        matches = version == op["expect"]
        if out is None:
            return True, ((op["value"], version + 1) if matches else state)
        if out == "ok":
            return (matches and op["version"] == version + 1), (op["value"], version + 1)
        return (not matches), state  # BadVersion: only when it did not match
    raise ValueError("unknown operation %r" % f)


class _Entry:
    __slots__ = ("op", "index", "is_call", "time", "match", "prev", "next")

    def __init__(self, op, index, is_call, time):
        self.op, self.index, self.is_call, self.time = op, index, is_call, time
        self.match = self.prev = self.next = None


def _entries(ops):
    """A doubly linked list of call and return entries in time order, behind
    a sentinel head; a call sorts before a return at the same instant."""
    items = []
    for i, op in enumerate(ops):
        call = _Entry(op, i, True, op["call"])
        ret = _Entry(op, i, False, op["ret"] if op.get("ret") is not None else UNKNOWN_END)
        call.match = ret
        items.append(call)
        items.append(ret)
    items.sort(key=lambda e: (e.time, 0 if e.is_call else 1, e.index))
    head = _Entry(None, -1, True, -1)
    prev = head
    for e in items:
        prev.next = e
        e.prev = prev
        prev = e
    return head


def _lift(entry):
    entry.prev.next = entry.next
    if entry.next is not None:
        entry.next.prev = entry.prev
    ret = entry.match
    ret.prev.next = ret.next
    if ret.next is not None:
        ret.next.prev = ret.prev


def _unlift(entry):
    ret = entry.match
    ret.prev.next = ret
    if ret.next is not None:
        ret.next.prev = ret
    entry.prev.next = entry
    if entry.next is not None:
        entry.next.prev = entry


def check_key(ops, initial, max_states=5_000_000):
    """None if ops (one key) are linearizable from initial, else a finding.
    Raises RuntimeError past max_states (the search is exponential at worst)."""
    head = _entries(ops)
    state = initial
    linearized = 0
    cache = set()
    stack = []
    entry = head.next
    furthest = None   # the return entry the search got stuck on with the most ops placed
    placed_best = -1
    while head.next is not None:
        if entry.is_call:
            accepted, new_state = step(state, entry.op)
            if accepted:
                marked = linearized | (1 << entry.index)
                if (marked, new_state) not in cache:
                    cache.add((marked, new_state))
                    if len(cache) > max_states:
                        raise RuntimeError("search passed %d states" % max_states)
                    stack.append((entry, state))
                    state, linearized = new_state, marked
                    _lift(entry)
                    entry = head.next
                    continue
            entry = entry.next
        else:
            if len(stack) > placed_best:
                placed_best, furthest = len(stack), (entry, state)
            if not stack:
                return _finding(ops, furthest)
            entry, state = stack.pop()
            linearized &= ~(1 << entry.index)
            _unlift(entry)
            entry = entry.next
    return None


def describe(op):
    f = op["f"]
    if f == "read":
        what = "read"
    elif f == "write":
        what = "write %r" % op["value"]
    elif f in ("create", "seq"):
        what = "create %s %r" % (op.get("path") or "sequential", op["value"])
    else:
        what = "cas v%d -> %r" % (op["expect"], op["value"])
    if op.get("out") is None:
        res = "unknown"
    elif op["out"] == "fail":
        res = "BadVersion"
    elif f == "read":
        res = "ok %r v%d" % (op["got"], op["version"])
    elif f in ("create", "seq"):
        res = "ok " + (op.get("got") or op.get("path") or "")
    else:
        res = "ok v%d" % op["version"]
    ret = "..." if op.get("ret") is None else "%.3f" % (op["ret"] / 1e9)
    return "client %s %s => %s [%.3f, %s]" % (op["proc"], what, res, op["call"] / 1e9, ret)


def _finding(ops, furthest):
    entry, state = furthest
    op = entry.op
    return ("no linearization: %s must take effect before it returned, but no order of the "
            "operations before it allows that (the register was (%r, v%d) at the furthest point "
            "the search reached)" % (describe(op), state[0], state[1]))


def check_history(history, initial):
    """Findings for every key of history (empty: linearizable)."""
    by_key = {}
    for op in history:
        by_key.setdefault(op["key"], []).append(op)
    findings = []
    for key in sorted(by_key):
        ops = by_key[key]
        found = check_key(ops, (initial, 0))
        if found:
            findings.append("%s: %s" % (key, found))
    return findings


def check_reads_sequential(history):
    """For histories whose reads are not linearizable by design (ZooKeeper's
    reads on followers): each client's reads and writes of a key see
    versions that never go back, and every value read was written by an
    operation invoked before the read returned, at that version."""
    findings = []
    writers = {}
    for op in history:
        if op["f"] in ("write", "cas") and op.get("out") != "fail":
            writers[(op["key"], op["value"])] = op
    last_seen = {}
    for op in sorted(history, key=lambda o: o["call"]):
        if op.get("out") != "ok":
            continue
        k = (op["proc"], op["key"])
        if op["version"] < last_seen.get(k, (0, None))[0]:
            findings.append("%s: %s went back from v%d (%s)" % (op["key"], describe(op), last_seen[k][0], describe(last_seen[k][1])))
        last_seen[k] = (op["version"], op)
        if op["f"] == "read" and op["version"] > 0:
            w = writers.get((op["key"], op["got"]))
            if w is None:
                findings.append("%s: %s read a value no operation wrote" % (op["key"], describe(op)))
            elif w["call"] > op["ret"]:
                findings.append("%s: %s read the value of %s before it was written" % (op["key"], describe(op), describe(w)))
            elif w.get("out") == "ok" and w["version"] != op["version"]:
                findings.append("%s: %s read that value at another version than %s wrote" % (op["key"], describe(op), describe(w)))
    return findings


def check_creates(history, final):
    """Unique and sequential creates against the tree at the end.

    history: operations with f "create" (a unique path, `path`) or "seq" (a
    sequential create under one parent: `got` is the name it was given); each
    carries a unique `value` as its data. final: {"unique": {path: data},
    "seq": {name: data}} read after the run. Findings when an acknowledged
    create is missing, a node holds a value no create wrote or the same value
    twice (one request applied twice), two acknowledged sequential creates
    share a number, or one that returned before another was called got the
    larger number."""
    findings = []
    creates = [o for o in history if o["f"] == "create"]
    attempted = {o["path"]: o for o in creates}
    for o in creates:
        if o.get("out") == "ok" and o["path"] not in final["unique"]:
            findings.append("acknowledged create lost: %s (%s)" % (o["path"], describe(o)))
    for path, data in final["unique"].items():
        o = attempted.get(path)
        if o is None or o["value"] != data:
            findings.append("node %s holds %r, which no create of that path wrote" % (path, data))
    seqs = [o for o in history if o["f"] == "seq"]
    by_value = {o["value"]: o for o in seqs}
    seen_values = {}
    for name, data in final["seq"].items():
        if data not in by_value:
            findings.append("sequential node %s holds %r, which no create wrote" % (name, data))
        elif data in seen_values:
            findings.append("sequential create %r applied twice: %s and %s" % (data, seen_values[data], name))
        seen_values.setdefault(data, name)
    acked = [o for o in seqs if o.get("out") == "ok"]
    numbers = {}
    for o in acked:
        if o["got"] not in final["seq"]:
            findings.append("acknowledged sequential create lost: %s" % describe_seq(o))
        n = int(o["got"][-10:])
        if n in numbers:
            findings.append("sequence number %d given twice: %s and %s" % (n, describe_seq(numbers[n]), describe_seq(o)))
        numbers[n] = o
    acked.sort(key=lambda o: o["ret"])
    for i, a in enumerate(acked):
        for b in acked[i + 1:]:
            if b["call"] > a["ret"] and int(b["got"][-10:]) < int(a["got"][-10:]):
                findings.append("sequence out of real-time order: %s returned before %s was called" % (describe_seq(a), describe_seq(b)))
                break
    return findings


def describe_seq(op):
    return "client %s create %r -> %s" % (op["proc"], op["value"], op.get("got") or "?")


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def main(argv):
    if len(argv) < 2:
        print("usage: lincheck.py HISTORY.jsonl [--reads sequential]", file=sys.stderr)
        return 2
    history = load(argv[1])
    initial = ""   # the workload creates every key with empty data
    sequential_reads = "--reads" in argv and argv[argv.index("--reads") + 1] == "sequential"
    checked = [op for op in history if not (sequential_reads and op["f"] == "read")]
    findings = check_history(checked, initial)
    if sequential_reads:
        findings += check_reads_sequential(history)
    for line in findings:
        print(line)
    print("%d operations, %d keys: %s" % (len(history), len({o["key"] for o in history}),
                                          "linearizable" if not findings else "%d findings" % len(findings)))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
