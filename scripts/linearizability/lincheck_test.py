"""Tests of lincheck.py on small hand-made histories: it must accept the
linearizable ones and refuse the others (a checker that cannot fail checks
nothing). Run: python3 scripts/linearizability/lincheck_test.py"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lincheck  # noqa: E402

MS = 1_000_000


def op(proc, f, call, ret, out, key="/k", value=None, expect=None, version=None, got=None):
    return {"proc": proc, "key": key, "f": f, "call": call * MS, "ret": None if ret is None else ret * MS,
            "out": out, "value": value, "expect": expect, "version": version, "got": got}


def ok(history):
    return lincheck.check_history(history, "") == []


class Linearizable(unittest.TestCase):
    def test_sequential_writes_and_reads(self):
        self.assertTrue(ok([
            op(1, "write", 0, 1, "ok", value="a", version=1),
            op(1, "read", 2, 3, "ok", got="a", version=1),
            op(2, "cas", 4, 5, "ok", value="b", expect=1, version=2),
            op(2, "cas", 6, 7, "fail", value="c", expect=1),
            op(1, "read", 8, 9, "ok", got="b", version=2),
        ]))

    def test_concurrent_writes_in_either_order(self):
        # Two overlapping writes; the read sees the one that went second.
        self.assertTrue(ok([
            op(1, "write", 0, 10, "ok", value="a", version=2),
            op(2, "write", 1, 9, "ok", value="b", version=1),
            op(3, "read", 11, 12, "ok", got="a", version=2),
        ]))

    def test_unknown_write_may_have_happened(self):
        self.assertTrue(ok([
            op(1, "write", 0, None, None, value="a"),
            op(2, "read", 5, 6, "ok", got="a", version=1),
        ]))

    def test_unknown_write_may_not_have_happened(self):
        self.assertTrue(ok([
            op(1, "write", 0, None, None, value="a"),
            op(2, "read", 5, 6, "ok", got="", version=0),
            op(2, "cas", 7, 8, "ok", value="b", expect=0, version=1),
        ]))

    def test_unknown_cas_applies_late(self):
        # The unknown cas took effect after the read that missed it.
        self.assertTrue(ok([
            op(1, "cas", 0, None, None, value="a", expect=0),
            op(2, "read", 1, 2, "ok", got="", version=0),
            op(2, "read", 3, 4, "ok", got="a", version=1),
        ]))

    def test_keys_are_independent(self):
        self.assertTrue(ok([
            op(1, "write", 0, 1, "ok", key="/a", value="x", version=1),
            op(1, "read", 2, 3, "ok", key="/b", got="", version=0),
        ]))


class NotLinearizable(unittest.TestCase):
    def test_stale_read_after_acknowledged_write(self):
        self.assertFalse(ok([
            op(1, "write", 0, 1, "ok", value="a", version=1),
            op(2, "read", 2, 3, "ok", got="", version=0),
        ]))

    def test_lost_acknowledged_cas(self):
        # A cas acknowledged, then a later cas on the old version succeeds:
        # the first one was lost.
        self.assertFalse(ok([
            op(1, "cas", 0, 1, "ok", value="a", expect=0, version=1),
            op(2, "cas", 2, 3, "ok", value="b", expect=0, version=1),
        ]))

    def test_refused_cas_that_should_have_matched(self):
        self.assertFalse(ok([
            op(1, "write", 0, 1, "ok", value="a", version=1),
            op(2, "cas", 2, 3, "fail", value="b", expect=1),
            op(1, "read", 4, 5, "ok", got="a", version=1),
        ]))

    def test_version_skipped(self):
        self.assertFalse(ok([
            op(1, "write", 0, 1, "ok", value="a", version=2),
        ]))

    def test_read_of_a_write_not_yet_invoked(self):
        self.assertFalse(ok([
            op(2, "read", 0, 1, "ok", got="a", version=1),
            op(1, "write", 2, 3, "ok", value="a", version=1),
        ]))

    def test_finding_names_the_key_and_operation(self):
        found = lincheck.check_history([
            op(1, "write", 0, 1, "ok", key="/lin/3", value="a", version=1),
            op(2, "read", 2, 3, "ok", key="/lin/3", got="", version=0),
        ], "")
        self.assertEqual(len(found), 1)
        self.assertIn("/lin/3", found[0])
        self.assertIn("client 2 read", found[0])


class SequentialReads(unittest.TestCase):
    def test_monotonic_reads_pass(self):
        self.assertEqual(lincheck.check_reads_sequential([
            op(1, "write", 0, 1, "ok", value="a", version=1),
            op(2, "read", 2, 3, "ok", got="", version=0),   # a stale follower: allowed
            op(2, "read", 4, 5, "ok", got="a", version=1),
        ]), [])

    def test_reads_going_back_fail(self):
        self.assertNotEqual(lincheck.check_reads_sequential([
            op(1, "write", 0, 1, "ok", value="a", version=1),
            op(2, "read", 2, 3, "ok", got="a", version=1),
            op(2, "read", 4, 5, "ok", got="", version=0),
        ]), [])

    def test_value_from_nowhere_fails(self):
        self.assertNotEqual(lincheck.check_reads_sequential([
            op(2, "read", 2, 3, "ok", got="zz", version=1),
        ]), [])


def cr(proc, call, ret, out, path, value):
    return {"proc": proc, "key": None, "f": "create", "call": call * MS, "ret": None if ret is None else ret * MS,
            "out": out, "path": path, "value": value}


def sq(proc, call, ret, out, got, value):
    return {"proc": proc, "key": None, "f": "seq", "call": call * MS, "ret": None if ret is None else ret * MS,
            "out": out, "got": got, "value": value}


def seqname(n):
    return "s-%010d" % n


class Creates(unittest.TestCase):
    def test_clean_run_passes(self):
        h = [cr(1, 0, 1, "ok", "/u/1-1", "1-1"), cr(2, 0, None, None, "/u/2-1", "2-1"),
             sq(1, 2, 3, "ok", seqname(0), "1-2"), sq(2, 4, 5, "ok", seqname(1), "2-2"),
             sq(3, 4, None, None, None, "3-1")]
        final = {"unique": {"/u/1-1": "1-1"}, "seq": {seqname(0): "1-2", seqname(1): "2-2", seqname(2): "3-1"}}
        self.assertEqual(lincheck.check_creates(h, final), [])

    def test_lost_create_fails(self):
        h = [cr(1, 0, 1, "ok", "/u/1-1", "1-1")]
        self.assertNotEqual(lincheck.check_creates(h, {"unique": {}, "seq": {}}), [])

    def test_create_applied_twice_fails(self):
        h = [sq(1, 0, 1, "ok", seqname(0), "1-1")]
        final = {"unique": {}, "seq": {seqname(0): "1-1", seqname(1): "1-1"}}
        self.assertNotEqual(lincheck.check_creates(h, final), [])

    def test_sequence_against_real_time_fails(self):
        h = [sq(1, 0, 1, "ok", seqname(5), "1-1"), sq(2, 2, 3, "ok", seqname(4), "2-1")]
        final = {"unique": {}, "seq": {seqname(5): "1-1", seqname(4): "2-1"}}
        self.assertNotEqual(lincheck.check_creates(h, final), [])


if __name__ == "__main__":
    unittest.main()
