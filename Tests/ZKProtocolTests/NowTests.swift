import NIOCore
import Testing
import ZKProtocol

@Suite("Now")
struct NowTests {
    let t0 = Now(monotonicNanos: 5_000_000_000, wallMillis: 1_700_000_000_000)

    @Test func readingsOrderByTheMonotonicClockAloneSoAWallClockStepChangesNothing() {
        let stepped = Now(monotonicNanos: t0.monotonicNanos, wallMillis: t0.wallMillis - 3_600_000)
        #expect(stepped == t0)
        #expect(!(stepped < t0))
        let later = Now(monotonicNanos: t0.monotonicNanos + 1, wallMillis: 0)
        #expect(t0 < later)
        #expect([later, t0].min() == t0)
    }

    @Test func addingATimeAmountMovesBothClocks() {
        let later = t0 + .milliseconds(1500)
        #expect(later.monotonicNanos == 6_500_000_000)
        #expect(later.wallMillis == 1_700_000_001_500)
        let earlier = t0 + .seconds(-2)
        #expect(earlier.monotonicNanos == 3_000_000_000)
        #expect(earlier.wallMillis == 1_699_999_998_000)
        #expect((t0 + .seconds(-10)).monotonicNanos == 0)
    }

    @Test func subtractingGivesTheSignedMonotonicTimeBetween() {
        let later = t0 + .milliseconds(250)
        #expect(later - t0 == .milliseconds(250))
        #expect(t0 - later == .milliseconds(-250))
        #expect(later - t0 >= .milliseconds(200))
    }
}
