import Testing
import ZKDataTree

@Suite("ZNode path rules")
struct ZNodePathTests {
    @Test(arguments: ["/", "/a", "/a/b", "/a.b", "/.a", "/a..", "/zookeeper", "/a b", "/日本"])
    func valid(_ path: String) {
        #expect(ZNodePath.isValid(Array(path.utf8)), "\(path)")
    }

    @Test(arguments: ["", "a", "/a/", "//", "/a//b", "/.", "/..", "/a/./b", "/a/../b", "/a\u{0}b",
                      "/a\u{1}", "/a\u{7f}", "/a\u{9f}", "/a\u{e000}", "/a\u{fff0}", "/😀"])
    func invalid(_ path: String) {
        #expect(!ZNodePath.isValid(Array(path.utf8)), "\(path.debugDescription)")
    }

    @Test func malformedUTF8IsInvalid() {
        #expect(!ZNodePath.isValid([0x2f, 0x61, 0xff]))
        #expect(!ZNodePath.isValid([0x2f, 0xc3]))
    }

    @Test func reasonsUseZooKeeperWords() {
        #expect(ZNodePath.invalidReason(Array("/a/".utf8)) == "Path must not end with / character")
        #expect(ZNodePath.invalidReason(Array("x".utf8)) == "Path must start with / character")
        #expect(ZNodePath.invalidReason(Array("/a//b".utf8)) == "empty node name specified @3")
    }

    @Test func parentsAndNames() {
        #expect(ZNodePath.parent(of: Array("/a/b".utf8)) == Array("/a".utf8))
        #expect(ZNodePath.parent(of: Array("/a".utf8)) == Array("/".utf8))
        #expect(ZNodePath.parent(of: Array("/".utf8)) == nil)
        #expect(ZNodePath.name(of: Array("/a/b".utf8)) == Array("b".utf8))
        #expect(ZNodePath.child(Array("/".utf8), Array("x".utf8)) == Array("/x".utf8))
        #expect(ZNodePath.isSelfOrDescendant(Array("/a/b".utf8), of: Array("/a".utf8)))
        #expect(!ZNodePath.isSelfOrDescendant(Array("/ab".utf8), of: Array("/a".utf8)))
    }
}
