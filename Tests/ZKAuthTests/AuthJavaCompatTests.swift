import Testing
import ZKProtocol
@testable import ZKAuth

/// The Java semantics the auth rules copy. Expected values were produced by
/// Java 17 (String.split, Integer.parseInt, new String(bytes, UTF_8),
/// String.hashCode and ConcurrentHashMap.newKeySet iteration).
struct AuthJavaCompatTests {
    private func pieces(_ text: String, _ separator: String, _ limit: Int) -> [String] {
        JavaText.split(Array(text.utf8), on: Array(separator.utf8), limit: limit).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func splitMatchesJavaStringSplit() {
        #expect(pieces("", ":", 0) == [""])
        #expect(pieces(":", ":", 0) == [])
        #expect(pieces(":a", ":", 0) == ["", "a"])
        #expect(pieces("a:b::", ":", 0) == ["a", "b"])
        #expect(pieces("a:b::", ":", -1) == ["a", "b", "", ""])
        #expect(pieces("a/b/c", "/", 2) == ["a", "b/c"])
        #expect(pieces("abc", "/", 2) == ["abc"])
        #expect(pieces(":::", "::", -1) == ["", ":"])
        #expect(pieces("1::", "::", -1) == ["1", ""])
    }

    @Test(arguments: [
        ("0", 10, 0), ("+7", 10, 7), ("-0", 10, 0), ("-12", 10, -12), ("010", 10, 10),
        ("2147483647", 10, Int32.max), ("-2147483648", 10, Int32.min),
        ("\u{0661}\u{0660}", 10, 10), ("\u{FF19}", 10, 9), ("\u{0966}\u{096F}", 10, 9),
        ("ffff", 16, 0xFFFF), ("-1", 16, -1), ("\u{FF21}\u{FF46}", 16, 0xAF), ("7FFFFFFF", 16, Int32.max),
    ] as [(String, Int32, Int32)])
    func parseIntAcceptsWhatJavaAccepts(text: String, radix: Int32, expected: Int32) {
        #expect(JavaText.parseInt(Array(text.utf8), radix: radix) == expected)
    }

    @Test(arguments: [
        ("", 10), ("+", 10), ("-", 10), ("1 ", 10), (" 1", 10), ("2147483648", 10), ("-2147483649", 10),
        ("a", 10), ("\u{00B2}", 10), ("\u{1D7CF}", 10), ("g", 16), ("80000000", 16), ("1_0", 10),
    ] as [(String, Int32)])
    func parseIntRejectsWhatJavaRejects(text: String, radix: Int32) {
        #expect(JavaText.parseInt(Array(text.utf8), radix: radix) == nil)
    }

    /// Java's UTF-8 decoder groups malformed bytes its own way.
    @Test(arguments: [
        ([0xED, 0xA0, 0x80], [0xFFFD]),
        ([0xE2, 0xED, 0xA0, 0x80, 0x82, 0xAC], [0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD]),
        ([0xE2, 0x82], [0xFFFD]),
        ([0xE2, 0x82, 0x3A], [0xFFFD, 0x3A]),
        ([0xE0, 0x80, 0x80, 0x41], [0xFFFD, 0xFFFD, 0xFFFD, 0x41]),
        ([0xC0, 0xAF], [0xFFFD, 0xFFFD]),
        ([0xF0, 0x9F, 0x98], [0xFFFD]),
        ([0xF0, 0x9F, 0x98, 0x80], [0xD83D, 0xDE00]),
        ([0xF4, 0x90, 0x80, 0x80], [0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD]),
        ([0xC3, 0xA9, 0xFF, 0x41], [0xE9, 0xFFFD, 0x41]),
    ] as [([UInt8], [UInt16])])
    func utf8DecodingReplacesLikeJava(bytes: [UInt8], expected: [UInt16]) {
        #expect(JavaText.utf16(bytes) == expected)
    }

    @Test func hashCodeIsJavaStringHashCode() {
        #expect(JavaText.hashCode([]) == 0)
        #expect(JavaText.hashCode(Array("abc".utf8)) == 96354)
        #expect(JavaText.hashCode(Array("digest".utf8)) == -1331913276)
        #expect(JavaText.hashCode(Array("😀".utf8)) == 1772899)
    }

    /// 116 insertions chosen so that one bin gets 9 keys at table size 16
    /// (ConcurrentHashMap grows to 128 instead of treeifying), then 10 in
    /// that bin (it becomes a tree bin, which prepends), then the table
    /// doubles to 256 and splits the tree. Expected order from Java 17.
    @Test func keySetIteratesInConcurrentHashMapOrderThroughResizesAndTreeBins() {
        let inserted = [114, 158, 235, 279, 312, 356, 433, 477, 510, 554] + Array(0...79)
            + [598, 631, 675, 752] + Array(80...99) + [796, 873]
        let javaOrder = [
            675, 158, 279, 312, 433, 554, 796, 83, 84, 85, 86, 80, 81, 82, 87, 88, 89, 9, 8, 7, 72, 73, 74, 75, 70, 71,
            76, 77, 78, 79, 20, 25, 26, 27, 28, 21, 22, 23, 24, 29, 94, 95, 96, 97, 90, 91, 92, 93, 14, 15, 16, 17, 10,
            98, 11, 99, 12, 13, 18, 19, 873, 752, 631, 598, 114, 235, 356, 477, 510, 40, 41, 42, 47, 48, 49, 43, 44, 45,
            46, 30, 31, 36, 37, 38, 39, 32, 33, 34, 35, 61, 62, 63, 64, 60, 69, 65, 66, 67, 68, 2, 1, 0, 6, 5, 4, 3, 50,
            51, 52, 53, 58, 59, 54, 55, 56, 57,
        ]
        func id(_ n: Int) -> Id { Id(scheme: "digest", id: JuteBytes("t\(n)")) }
        var set = JavaConcurrentKeySet<Id>()
        for n in inserted { set.insert(id(n), javaHashCode: AuthInfo.javaHashCode(id(n))) }
        #expect(set.count == 116)
        #expect(set.elements == javaOrder.map(id))
        let reinserted = set.insert(id(0), javaHashCode: AuthInfo.javaHashCode(id(0)))
        #expect(!reinserted)
        #expect(set.elements == javaOrder.map(id))
    }

    @Test func thirtyDigestIdsIterateInJavaOrder() {
        func id(_ n: Int) -> Id { Id(scheme: "digest", id: JuteBytes("u\(n):h")) }
        var set = JavaConcurrentKeySet<Id>()
        for n in 0..<30 { set.insert(id(n), javaHashCode: AuthInfo.javaHashCode(id(n))) }
        let javaOrder = [25, 24, 23, 22, 29, 28, 27, 26, 3, 2, 5, 4, 7, 10, 6, 9, 8, 1, 0, 19, 13, 14, 11, 12, 18, 17, 15, 16, 21, 20]
        #expect(set.elements == javaOrder.map(id))
    }
}
