import Testing

@testable import ZKServer

/// Numbers and flags are read with the syntax of the Java call Apache uses for each key.
@Suite struct ConfigValueTests {
    @Test(arguments: [
        ("2000", ZooCfgValue.IntegerSyntax.parseInt, 2000 as Int?),
        ("+2000", .parseInt, 2000),
        ("-1", .parseInt, -1),
        ("2147483647", .parseInt, 2_147_483_647),
        ("2147483648", .parseInt, nil),
        ("-2147483648", .parseInt, -2_147_483_648),
        ("0x10", .parseInt, nil),
        ("010", .parseInt, 10),
        ("", .parseInt, nil),
        ("-", .parseInt, nil),
        ("+-1", .parseInt, nil),
        (" 1", .parseInt, nil),
        ("2147483648", .parseLong, 2_147_483_648),
        ("9223372036854775807", .parseLong, Int(Int64.max)),
        ("9223372036854775808", .parseLong, nil),
        ("-9223372036854775808", .parseLong, Int(Int64.min)),
        ("0x10", .decodeInt, 16),
        ("0X10", .decodeInt, 16),
        ("#10", .decodeInt, 16),
        ("-0x10", .decodeInt, -16),
        ("010", .decodeInt, 8),
        ("08", .decodeInt, nil),
        ("0", .decodeInt, 0),
        ("0x", .decodeInt, nil),
        ("0x-1", .decodeInt, nil),
        ("0x80000000", .decodeInt, nil),
        ("0x80000000", .decodeLong, 0x8000_0000),
    ])
    func integersFollowTheJavaCallApacheUses(_ text: String, _ syntax: ZooCfgValue.IntegerSyntax, _ expected: Int?) {
        #expect(ZooCfgValue.integer(text, syntax) == expected)
    }

    @Test(arguments: [("true", true as Bool?), ("TRUE", true), ("False", false), ("yes", nil), ("1", nil), ("", nil)])
    func booleansAreTrueOrFalseInAnyCase(_ text: String, _ expected: Bool?) {
        #expect(ZooCfgValue.boolean(text) == expected)
    }

    @Test func knownFourLetterWordsAreApachesPlusSwiftZKs() {
        // Apache 3.9's 18 words, and SwiftZK's `leak`, `expi` and `clip`.
        #expect(ZooCfgKeys.knownFourLetterWords.count == 21)
        #expect(ZooCfgKeys.knownFourLetterWords.isSuperset(of: ["leak", "expi", "clip"]))
        #expect(ZooCfgKeys.knownFourLetterWords.allSatisfy { $0.count == 4 })
    }

    @Test func keyGroupsDoNotOverlap() {
        let groups: [Set<String>] = [
            Set(ZooCfgKeys.actedOn), ZooCfgKeys.storedNotActedOn,
            ZooCfgKeys.apacheBooleans, ZooCfgKeys.apacheInts, ZooCfgKeys.apacheLongs,
        ]
        #expect(groups.map(\.count).reduce(0, +) == groups.reduce(Set()) { $0.union($1) }.count)
        #expect(Set(ZooCfgKeys.actedOn).count == ZooCfgKeys.actedOn.count)
    }
}
