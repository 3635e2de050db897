import Testing
import ZKProtocol
@testable import ZKServerCore

private let ms: UInt64 = 1_000_000

@Suite("SessionExpiryQueue")
struct SessionExpiryQueueTests {
    @Test func aSessionExpiresAtItsDeadlineRoundedUpToOneBucketAndNotBefore() {
        var queue = SessionExpiryQueue(bucketMillis: 10)
        queue.update(1, deadlineNanos: 1_003 * ms)
        #expect(queue.expire(nowNanos: 1_003 * ms) == [])
        #expect(queue.expire(nowNanos: 1_009 * ms) == [])
        #expect(queue.expire(nowNanos: 1_010 * ms) == [1])
        #expect(queue.count == 0)
        #expect(queue.expire(nowNanos: 2_000 * ms) == [])
    }

    @Test func aTouchMovesTheSessionToALaterBucketAndItDoesNotExpire() {
        var queue = SessionExpiryQueue(bucketMillis: 10)
        queue.update(1, deadlineNanos: 1_000 * ms)
        queue.update(2, deadlineNanos: 1_000 * ms)
        // Session 1 is heard from: its deadline moves on by its timeout.
        queue.update(1, deadlineNanos: 1_500 * ms)
        #expect(queue.expire(nowNanos: 1_000 * ms) == [2])
        #expect(queue.expire(nowNanos: 1_490 * ms) == [])
        #expect(queue.expire(nowNanos: 1_500 * ms) == [1])
    }

    @Test func sessionsExpireEarliestBucketFirstAndByIdWithinABucket() {
        var queue = SessionExpiryQueue(bucketMillis: 10)
        queue.update(7, deadlineNanos: 1_031 * ms)
        queue.update(9, deadlineNanos: 1_001 * ms)
        queue.update(3, deadlineNanos: 1_009 * ms)
        queue.update(5, deadlineNanos: 1_021 * ms)
        #expect(queue.expire(nowNanos: 1_100 * ms) == [3, 9, 5, 7])
    }

    @Test func aRemovedSessionNeverExpires() {
        var queue = SessionExpiryQueue(bucketMillis: 10)
        queue.update(1, deadlineNanos: 1_000 * ms)
        queue.remove(1)
        #expect(queue.expire(nowNanos: 5_000 * ms) == [])
    }

    @Test func aDeadlineAlreadyPassedExpiresWithinOneBucket() {
        var queue = SessionExpiryQueue(bucketMillis: 10)
        #expect(queue.expire(nowNanos: 2_000 * ms) == [])
        // Put back after a failed expiry: its deadline is long gone, and the
        // buckets up to now were emptied already.
        queue.update(1, deadlineNanos: 1_000 * ms)
        #expect(queue.expire(nowNanos: 2_009 * ms) == [])
        #expect(queue.expire(nowNanos: 2_010 * ms) == [1])
    }

    @Test func aTickVisitsTheSameBucketsWhetherTenOrAHundredThousandSessionsWait() {
        func bucketsVisitedByTicks(sessions: Int) -> Int {
            var queue = SessionExpiryQueue(bucketMillis: 10)
            // Deadlines spread over 30 s to 60 s: nothing is due for 30 s.
            for id in 0..<sessions {
                queue.update(SessionID(raw: Int64(id)), deadlineNanos: (30_000 + UInt64(id * 997 % 30_000)) * ms)
            }
            var now: UInt64 = 1_000 * ms
            _ = queue.expire(nowNanos: now)
            let before = queue.bucketsVisited
            // A hundred ticks of 25 ms, none of which finds a due session.
            for _ in 0..<100 {
                now += 25 * ms
                #expect(queue.expire(nowNanos: now).isEmpty)
            }
            return queue.bucketsVisited - before
        }
        let few = bucketsVisitedByTicks(sessions: 10)
        let many = bucketsVisitedByTicks(sessions: 100_000)
        #expect(few == many)
        // 2.5 s of 10 ms buckets.
        #expect(many == 250)
    }

    @Test func aTrackerExpiresOnlySilentLiveSessions() {
        var tracker = SessionTracker(serverID: 1, wallMillis: 1_700_000_000_000)
        let start = Now(monotonicNanos: 1_000 * ms, wallMillis: 1_700_000_000_000)
        let quiet = tracker.create(timeoutMillis: 4000, secret: [], connection: 1, now: start)
        let chatty = tracker.create(timeoutMillis: 4000, secret: [], connection: 2, now: start)
        let closing = tracker.create(timeoutMillis: 4000, secret: [], connection: 3, now: start)
        tracker[closing.id]?.closing = true
        tracker.touch(chatty.id, now: Now(monotonicNanos: 3_000 * ms, wallMillis: 0))
        #expect(tracker.expire(at: Now(monotonicNanos: 4_999 * ms, wallMillis: 0)) == [])
        #expect(tracker.expire(at: Now(monotonicNanos: 5_000 * ms, wallMillis: 0)) == [quiet.id])
        #expect(tracker.expire(at: Now(monotonicNanos: 7_000 * ms, wallMillis: 0)) == [chatty.id])
        #expect(tracker.expiryQueue.count == 0)
    }
}
