import Testing
import ZKDataTree
@testable import ZKCLI

struct CliQuotaTests {
    private func limits(_ words: [String]) throws -> Result<StatsTrack, CliFailure> {
        CliShell.quotaLimits(try CliOptions(["n": true, "b": true, "N": true, "B": true]).parse(["setquota"] + words))
    }

    @Test func flagsNotGivenAreMinusOne() throws {
        let quota = try limits(["-n", "10", "/a"]).get()
        #expect(quota.text == "count=10,bytes=-1=;byteHardLimit=-1;countHardLimit=-1")
    }

    @Test func hardLimitsGoInTheirOwnKeys() throws {
        let quota = try limits(["-N", "5", "/a"]).get()
        #expect(quota.count == -1 && quota.countHardLimit == 5 && quota.byteHardLimit == -1)
        let bytes = try limits(["-B", "0", "/a"]).get()
        #expect(bytes.byteHardLimit == 0)
    }

    @Test("a bad value gives SetQuotaCommand's message", arguments: [
        (["-n", "0", "/a"], "the num quota must be greater than zero"),
        (["-N", "-3", "/a"], "the num quota must be greater than zero"),
        (["-b", "-1", "/a"], "the bytes quota must be greater than or equal to zero"),
        (["-n", "ten", "/a"], "NumberFormatException happens when parsing the option value"),
        (["-n", "3000000000", "/a"], "NumberFormatException happens when parsing the option value"),
    ])
    func badValueMessage(words: [String], message: String) throws {
        switch try limits(words) {
        case .success(let quota): Issue.record("accepted \(quota.text)")
        case .failure(let failure): #expect(failure.message == message)
        }
    }

    @Test func bytesMayExceed32Bits() throws {
        #expect(try limits(["-b", "5000000000", "/a"]).get().bytes == 5_000_000_000)
    }

    @Test func warningsNameWhatTheSubtreeAlreadyHolds() {
        var limits = StatsTrack()
        limits.count = 2
        limits.bytes = -1
        limits.byteHardLimit = 10
        var current = StatsTrack()
        current.count = 3
        current.bytes = 11
        #expect(CliShell.quotaWarnings(limits: limits, current: current) == [
            "[Warning]: the count quota you create is less than the existing count:3",
            "[Warning]: the bytes quota you create is less than the existing bytes:11",
        ])
        current.count = 2
        current.bytes = 10
        #expect(CliShell.quotaWarnings(limits: limits, current: current).isEmpty)
    }
}
