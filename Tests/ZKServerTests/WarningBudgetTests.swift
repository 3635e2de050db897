import Testing
@testable import ZKServer

@Suite("Warning budget")
struct WarningBudgetTests {
    @Test func atMostTwentyWarningsASecondAndTheRestAreCounted() {
        var budget = WarningBudget()
        #expect(budget.startSecond(at: 5_000_000_000) == 0)
        let admitted = (0..<100).filter { _ in budget.admit() }.count
        #expect(admitted == WarningBudget.perSecond)
        // Still the same second: nothing new starts.
        #expect(budget.startSecond(at: 5_900_000_000) == nil)
        #expect(!budget.admit())
        // The next second reports what the last one dropped, then admits again.
        #expect(budget.startSecond(at: 6_000_000_000) == 81)
        #expect(budget.admit())
    }
}
