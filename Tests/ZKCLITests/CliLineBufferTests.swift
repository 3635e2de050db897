import Testing
@testable import ZKCLI

struct CliLineBufferTests {
    @Test func typingInsertsAtTheCursor() {
        var line = CliLineBuffer()
        line.insert("ls /")
        line.moveLeft()
        line.moveLeft()
        line.insert("é")
        #expect(line.text == "lsé /")
        #expect(line.cursor == 3)
    }

    @Test func backspaceAndDeleteRemoveEitherSideOfTheCursor() {
        var line = CliLineBuffer()
        line.insert("abcd")
        line.moveLeft()
        line.deleteBeforeCursor()
        #expect(line.text == "abd")
        line.deleteAtCursor()
        #expect(line.text == "ab")
        line.deleteAtCursor()
        #expect(line.text == "ab")
        line.moveToStart()
        line.deleteBeforeCursor()
        #expect(line.text == "ab" && line.cursor == 0)
    }

    @Test func ctrlUAndCtrlKCutAroundTheCursor() {
        var line = CliLineBuffer()
        line.insert("get /a/b")
        line.moveToStart()
        for _ in 0..<4 { line.moveRight() }
        line.deleteToEnd()
        #expect(line.text == "get ")
        line.moveLeft()
        line.deleteToStart()
        #expect(line.text == " " && line.cursor == 0)
    }

    @Test func cursorStaysWithinTheLine() {
        var line = CliLineBuffer()
        line.moveLeft()
        #expect(line.cursor == 0)
        line.insert("ab")
        line.moveRight()
        #expect(line.cursor == 2)
    }

    @Test func historyWalksBackAndReturnsToTheDraft() {
        var line = CliLineBuffer(history: ["ls /", "get /a"])
        line.insert("cre")
        line.historyBack()
        #expect(line.text == "get /a" && line.cursor == 6)
        line.historyBack()
        #expect(line.text == "ls /")
        line.historyBack()
        #expect(line.text == "ls /")
        line.historyForward()
        #expect(line.text == "get /a")
        line.historyForward()
        #expect(line.text == "cre" && line.cursor == 3)
        line.historyForward()
        #expect(line.text == "cre")
    }

    @Test func wordAtCursorIsTheLastWordBeforeIt() {
        var line = CliLineBuffer()
        line.insert("ls /zoo")
        let (prefix, start, word) = line.wordAtCursor
        #expect(prefix == "ls /zoo" && start == 3 && word == "/zoo")
    }

    @Test func soleCommandCompletionAddsASpace() {
        var line = CliLineBuffer()
        line.insert("getA")
        #expect(line.complete(with: ["getAcl"]) == false)
        #expect(line.text == "getAcl " && line.cursor == 7)
    }

    @Test func pathCompletionExtendsToTheCommonPrefix() {
        var line = CliLineBuffer()
        line.insert("ls /zo")
        #expect(line.complete(with: ["/zookeeper", "/zoo2"]) == false)
        #expect(line.text == "ls /zoo")
        #expect(line.complete(with: ["/zookeeper", "/zoo2"]) == true)
        #expect(line.text == "ls /zoo")
        #expect(line.complete(with: []) == false)
    }

    @Test func redrawReturnsTheCursorToItsPlace() {
        var line = CliLineBuffer()
        line.insert("abc")
        #expect(line.redrawText(prompt: "> ") == "\r> abc\u{1B}[K")
        line.moveLeft()
        line.moveLeft()
        #expect(line.redrawText(prompt: "> ") == "\r> abc\u{1B}[K\u{1B}[2D")
    }

    @Test func commonPrefixOfNothingIsNil() {
        #expect(CliLineBuffer.commonPrefix([]) == nil)
        #expect(CliLineBuffer.commonPrefix(["abc", "abd", "ab"]) == "ab")
    }
}
