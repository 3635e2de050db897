#!/usr/bin/env python3
"""Summarise a kazoo test run (JUnit XML) and compare it with the baseline.

Used by scripts/conformance/kazoo; stdlib only.

Test ids are pytest node ids relative to the kazoo sdist root, e.g.
    kazoo/tests/test_client.py::TestClient::test_create
so any of them can be fed back to pytest (or to `--only`, as a -k EXPR
fragment) as is.

Exit status:
    0  no regression (or baseline written)
    1  some baseline test did not pass (and is not in the xfail list)
    2  unusable input (no/invalid JUnit XML, ...)
"""

import argparse
import datetime
import os
import sys
import xml.etree.ElementTree as ET


def nodeid(root, classname, name):
    """Turn JUnit classname/name back into a pytest node id.

    classname is the dotted module path followed by the class path, e.g.
    kazoo.tests.test_client.TestClient; the module is the longest prefix that
    is a .py file under root."""
    parts = classname.split(".") if classname else []
    for n in range(len(parts), 0, -1):
        rel = "/".join(parts[:n]) + ".py"
        if os.path.isfile(os.path.join(root, rel)):
            return "::".join([rel] + parts[n:] + [name])
    return "::".join([classname.replace(".", "/") + ".py", name])


def parse_junit(path, root):
    outcomes = {}
    tree = ET.parse(path)
    for tc in tree.iter("testcase"):
        tid = nodeid(root, tc.get("classname", ""), tc.get("name", ""))
        tags = {child.tag for child in tc}
        if "failure" in tags or "error" in tags:
            outcome = "failed"
        elif "skipped" in tags:
            outcome = "skipped"
        else:
            outcome = "passed"
        # A test can appear twice (e.g. call failure + teardown error):
        # anything but a clean pass wins.
        prev = outcomes.get(tid)
        if prev == "failed" or (prev == "skipped" and outcome == "passed"):
            continue
        outcomes[tid] = outcome
    return outcomes


def read_idlist(path):
    """Ids from a baseline/xfail file: one per line, '#' starts a comment.
    Returns {id: comment}."""
    ids = {}
    if not path or not os.path.exists(path):
        return ids
    with open(path) as fh:
        for line in fh:
            line = line.rstrip("\n")
            body, _, comment = line.partition("#")
            body = body.strip()
            if body:
                ids[body] = comment.strip()
    return ids


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--junit", required=True)
    ap.add_argument("--root", required=True, help="kazoo sdist root")
    ap.add_argument("--server", required=True)
    ap.add_argument("--results", required=True, help="results file to write")
    ap.add_argument("--baseline", required=True)
    ap.add_argument("--xfail", help="expected failures (swiftzk mode)")
    ap.add_argument("--partial", action="store_true",
                    help="run was restricted (--only): ignore baseline tests "
                         "that were not run")
    ap.add_argument("--write-baseline", action="store_true")
    ap.add_argument("--header", default="", help="extra header text")
    ap.add_argument("--quiet-passes", action="store_true",
                    help="don't print the (long) list of passed tests")
    a = ap.parse_args()

    if not os.path.exists(a.junit):
        print("kazoo-report: no JUnit XML at %s" % a.junit, file=sys.stderr)
        return 2
    try:
        outcomes = parse_junit(a.junit, a.root)
    except ET.ParseError as e:
        print("kazoo-report: bad JUnit XML %s: %s" % (a.junit, e),
              file=sys.stderr)
        return 2

    by = {"passed": [], "failed": [], "skipped": []}
    for tid, outcome in outcomes.items():
        by[outcome].append(tid)
    for v in by.values():
        v.sort()

    counts = "passed %d, failed %d, skipped %d, total %d" % (
        len(by["passed"]), len(by["failed"]), len(by["skipped"]),
        len(outcomes))

    lines = []
    for outcome in ("passed", "failed", "skipped"):
        lines.append("== %s (%d) ==" % (outcome.upper(), len(by[outcome])))
        lines.extend(by[outcome])
        lines.append("")
    lines.append("== COUNTS (%s) == %s" % (a.server, counts))

    with open(a.results, "w") as fh:
        fh.write("# kazoo 2.11.0 test suite against %s\n" % a.server)
        fh.write("# %s\n" % datetime.datetime.now().astimezone().isoformat(
            timespec="seconds"))
        if a.header:
            for h in a.header.splitlines():
                fh.write("# %s\n" % h)
        fh.write("\n".join(lines) + "\n")

    if a.quiet_passes:
        shown = [line for line in lines]
        start = shown.index("== PASSED (%d) ==" % len(by["passed"]))
        shown[start + 1:start + 1 + len(by["passed"])] = [
            "(list in %s)" % a.results]
        print("\n".join(shown))
    else:
        print("\n".join(lines))
    print("results written to %s" % a.results)

    if a.write_baseline:
        if a.partial:
            print("kazoo-report: refusing to write a baseline from a partial "
                  "run", file=sys.stderr)
            return 2
        today = datetime.date.today().isoformat()
        with open(a.baseline, "w") as fh:
            fh.write(
                "# kazoo 2.11.0 tests (pytest node ids, relative to the kazoo\n"
                "# sdist root) that PASS against Debian's Apache ZooKeeper\n"
                "# (ZOOKEEPER_CLUSTER_SIZE=1).\n"
                "# Generated %s by:\n"
                "#   scripts/conformance/kazoo --server apache "
                "--write-baseline\n" % today)
            if a.header:
                for h in a.header.splitlines():
                    fh.write("# %s\n" % h)
            fh.write("# %s\n" % counts)
            fh.write("\n".join(by["passed"]) + "\n")
        print("baseline written to %s (%d tests)" % (a.baseline,
                                                    len(by["passed"])))
        return 0

    baseline = read_idlist(a.baseline)
    if not baseline:
        print("kazoo-report: baseline %s is missing or empty" % a.baseline,
              file=sys.stderr)
        return 2
    xfail = read_idlist(a.xfail)
    passed = set(by["passed"])

    regressed, xfailed, xpassed, missing_ignored = [], [], [], 0
    for tid in sorted(baseline):
        if tid not in outcomes and a.partial:
            missing_ignored += 1
            continue
        if tid in passed:
            if tid in xfail:
                xpassed.append(tid)
            continue
        outcome = outcomes.get(tid, "not run")
        if tid in xfail:
            xfailed.append((tid, outcome))
        else:
            regressed.append((tid, outcome))
    stale_xfail = sorted(t for t in xfail if t not in baseline)
    new_passes = sorted(passed - set(baseline))

    print()
    print("== comparison with %s ==" % os.path.basename(a.baseline))
    if a.partial:
        print("(partial run: %d baseline tests not selected, ignored)"
              % missing_ignored)
    if xfailed:
        print("expected failures (%s):" % os.path.basename(a.xfail or ""))
        for tid, outcome in xfailed:
            print("  XFAIL %s [%s]  # %s" % (tid, outcome, xfail[tid]))
    if xpassed:
        print("listed as expected failures but PASSED (consider removing):")
        for tid in xpassed:
            print("  XPASS %s" % tid)
    if stale_xfail:
        print("xfail entries that are not in the baseline (stale?):")
        for tid in stale_xfail:
            print("  %s" % tid)
    if new_passes:
        print("passed but not in the baseline:")
        for tid in new_passes:
            print("  NEW %s" % tid)
    if regressed:
        print("REGRESSIONS: %d baseline test(s) did not pass:"
              % len(regressed))
        for tid, outcome in regressed:
            print("  REGRESSED %s [%s]" % (tid, outcome))
        with open(a.results, "a") as fh:
            fh.write("\n== REGRESSED vs baseline (%d) ==\n" % len(regressed))
            for tid, outcome in regressed:
                fh.write("%s [%s]\n" % (tid, outcome))
        return 1
    print("OK: every baseline test passed%s." %
          (" (apart from expected failures)" if xfailed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
