import Testing
@testable import ZKServer

@Suite("Warning budget")
struct WarningBudgetTests {
    @Test func atMostTwentyWarningsASecondAndTheRestAreCounted() {
        var budget = WarningBudget()
        let first = budget.startSecond(at: 5_000_000_000)
        #expect(first == 0)
        var admitted = 0
        for _ in 0..<100 where budget.admit() { admitted += 1 }
        #expect(admitted == WarningBudget.perSecond)
        // Still the same second: nothing new starts, nothing more is admitted.
        let sameSecond = budget.startSecond(at: 5_900_000_000)
        let oneMore = budget.admit()
        #expect(sameSecond == nil)
        #expect(!oneMore)
        // The next second reports what the last one dropped, then admits again.
        let reported = budget.startSecond(at: 6_000_000_000)
        let admittedAgain = budget.admit()
        #expect(reported == 81)
        #expect(admittedAgain)
    }
}
