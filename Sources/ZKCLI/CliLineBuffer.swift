/// The line being edited in the interactive shell: its characters, the
/// cursor, and the walk through the history with up and down. It does no
/// I/O; `CliLineEditor` feeds it keys and draws `redrawText`.
struct CliLineBuffer {
    private(set) var characters: [Character] = []
    private(set) var cursor = 0
    private let history: [String]
    private var historyIndex: Int
    /// The unfinished line, kept while up and down show older lines.
    private var draft: [Character] = []

    init(history: [String] = []) {
        self.history = history
        historyIndex = history.count
    }

    var text: String { String(characters) }
    var isEmpty: Bool { characters.isEmpty }

    /// The terminal output that redraws the line after `prompt` and puts
    /// the cursor back where it is.
    func redrawText(prompt: String) -> String {
        var text = "\r" + prompt + String(characters) + "\u{1B}[K"
        let back = characters.count - cursor
        if back > 0 { text += "\u{1B}[\(back)D" }
        return text
    }

    mutating func moveToStart() { cursor = 0 }
    mutating func moveToEnd() { cursor = characters.count }
    mutating func moveLeft() { cursor = max(0, cursor - 1) }
    mutating func moveRight() { cursor = min(characters.count, cursor + 1) }

    /// ctrl-u: deletes everything before the cursor.
    mutating func deleteToStart() {
        characters.removeFirst(cursor)
        cursor = 0
    }

    /// ctrl-k: deletes from the cursor to the end.
    mutating func deleteToEnd() { characters.removeLast(characters.count - cursor) }

    /// ctrl-c: starts an empty line.
    mutating func clear() {
        characters = []
        cursor = 0
    }

    /// Delete (and ctrl-d on a non-empty line): the character under the cursor.
    mutating func deleteAtCursor() {
        if cursor < characters.count { characters.remove(at: cursor) }
    }

    /// Backspace: the character before the cursor.
    mutating func deleteBeforeCursor() {
        if cursor > 0 {
            characters.remove(at: cursor - 1)
            cursor -= 1
        }
    }

    mutating func insert(_ text: String) {
        for c in text {
            characters.insert(c, at: cursor)
            cursor += 1
        }
    }

    /// The line up to the cursor, where its last word starts, and that word:
    /// what tab completion asks candidates for.
    var wordAtCursor: (line: String, wordStart: Int, word: String) {
        let line = String(characters[..<cursor])
        let wordStart = (line.lastIndex(of: " ").map { line.distance(from: line.startIndex, to: $0) + 1 }) ?? 0
        return (line, wordStart, String(characters[wordStart..<cursor]))
    }

    /// Tab: replaces the word at the cursor with the candidates' common
    /// prefix when that is longer, adding a space after a sole command
    /// name. Returns true when the candidates should be listed instead.
    mutating func complete(with candidates: [String]) -> Bool {
        let (_, wordStart, word) = wordAtCursor
        if let replacement = Self.commonPrefix(candidates), replacement.count > word.count {
            var inserted = Array(replacement)
            if candidates.count == 1 && wordStart == 0 { inserted.append(" ") }
            characters.replaceSubrange(wordStart..<cursor, with: inserted)
            cursor = wordStart + inserted.count
            return false
        }
        return candidates.count > 1
    }

    /// Up: the previous history line, keeping the unfinished one.
    mutating func historyBack() {
        guard historyIndex > 0 else { return }
        if historyIndex == history.count { draft = characters }
        historyIndex -= 1
        characters = Array(history[historyIndex])
        cursor = characters.count
    }

    /// Down: the next history line, or the unfinished one after the last.
    mutating func historyForward() {
        guard historyIndex < history.count else { return }
        historyIndex += 1
        characters = historyIndex == history.count ? draft : Array(history[historyIndex])
        cursor = characters.count
    }

    /// The longest prefix every item shares, or nil for no items.
    static func commonPrefix(_ items: [String]) -> String? {
        guard var prefix = items.first.map(Array.init) else { return nil }
        for item in items.dropFirst() {
            let chars = Array(item)
            var n = 0
            while n < prefix.count && n < chars.count && prefix[n] == chars[n] { n += 1 }
            prefix = Array(prefix[..<n])
        }
        return String(prefix)
    }
}
