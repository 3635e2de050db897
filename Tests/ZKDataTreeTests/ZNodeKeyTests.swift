import Testing
import ZKDataTree
import ZKProtocol

@Suite("ZNodeKey")
struct ZNodeKeyTests {
    /// "/é" precomposed (U+00E9) and decomposed (e + U+0301): equal as Swift
    /// Strings, different bytes.
    let composed: [UInt8] = Array("/\u{E9}".utf8)
    let decomposed: [UInt8] = Array("/e\u{301}".utf8)

    @Test func keysAreEqualExactlyWhenTheirBytesAre() {
        #expect(String(decoding: composed, as: UTF8.self) == String(decoding: decomposed, as: UTF8.self))
        #expect(ZNodeKey(composed) != ZNodeKey(decomposed))
        #expect(ZNodeKey(composed) == ZNodeKey(Array(composed)))
        #expect(ZNodeKey([]) == ZNodeKey([]))
        #expect(ZNodeKey(Array("/a".utf8)) != ZNodeKey(Array("/a/".utf8)))
        #expect(ZNodeKey(Array("/ab".utf8)) != ZNodeKey(Array("/ac".utf8)))
    }

    @Test func equalBytesHashAlikeFromSeparateArrays() {
        let paths = [composed, decomposed, Array("/bench/key-000123".utf8), [], ZNodePath.root]
        for path in paths {
            #expect(ZNodeKey(path).hashValue == ZNodeKey(Array(path)).hashValue)
        }
        let set = Set(paths.map(ZNodeKey.init) + paths.map { ZNodeKey(Array($0)) })
        #expect(set.count == paths.count)
    }

    @Test func treeKeepsNormalisationVariantsApart() {
        var tree = DataTree()
        var triggers: [WatchTrigger] = []
        for (zxid, path) in [(Int64(1), composed), (2, decomposed)] {
            let txn = CreateTxn(path: JuteBytes(path), data: JuteBytes(path), acl: ACL.openACLUnsafe, ephemeral: false, parentCVersion: -1)
            let result = tree.apply(TxnHeader(clientId: 0, cxid: 1, zxid: zxid, time: 0, type: .create), .create(txn), triggers: &triggers)
            #expect(result.err == .ok)
        }
        #expect(tree.node(composed)?.data == JuteBytes(composed))
        #expect(tree.node(decomposed)?.data == JuteBytes(decomposed))
        #expect(tree.children(of: ZNodePath.root)?.count == 3)
        #expect(Set(tree.nodes.keys).isSuperset(of: [composed, decomposed]))
    }
}

@Suite("ZNodeKey order")
struct ZNodeKeyOrderTests {
    @Test(arguments: [
        ("/a", "/b", true), ("/b", "/a", false), ("/a", "/a", false),
        ("/a", "/ab", true), ("/ab", "/a", false), ("/a\u{7f}", "/a\u{e9}", true), ("", "/", true),
    ])
    func precedesIsByteOrder(lhs: String, rhs: String, expected: Bool) {
        let (l, r) = (Array(lhs.utf8), Array(rhs.utf8))
        #expect(ZNodeKey.precedes(l, r) == expected)
        #expect(ZNodeKey.precedes(l, r) == l.lexicographicallyPrecedes(r))
    }
}
