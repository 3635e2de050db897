import Foundation

/// A small line editor for the interactive shell (what JLine gives
/// zkCli.sh): raw mode through termios while a line is read; left/right,
/// home/end, backspace/delete, ctrl-a/e/u/k/d/c/l, up/down through the
/// history, and tab completion through `complete`.
final class CliLineEditor {
    private var history: [String] = []
    private let out: CliOutput

    init(out: CliOutput) {
        self.out = out
    }

    /// The word at the cursor and the candidates that may replace it.
    typealias Completer = (_ line: String, _ wordStart: Int, _ word: String) async -> [String]

    /// Reads one line; nil at end of input (ctrl-d on an empty line).
    func readLine(prompt: String, complete: Completer) async -> String? {
        var saved = termios()
        guard tcgetattr(0, &saved) == 0 else { return await Self.plainLine() }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | IEXTEN | ISIG)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL | BRKINT | INPCK | ISTRIP)
        raw.c_cc.6 = 1    // VMIN (Linux)
        raw.c_cc.5 = 0    // VTIME (Linux)
        tcsetattr(0, TCSAFLUSH, &raw)
        defer { tcsetattr(0, TCSAFLUSH, &saved) }

        var buffer: [Character] = []
        var cursor = 0
        var historyIndex = history.count
        var draft: [Character] = []
        func redraw() {
            var text = "\r" + prompt + String(buffer) + "\u{1B}[K"
            let back = buffer.count - cursor
            if back > 0 { text += "\u{1B}[\(back)D" }
            out.write(text)
        }
        out.write(prompt)
        while true {
            guard let byte = await Self.readByte() else {
                out.write("\n")
                return buffer.isEmpty ? nil : String(buffer)
            }
            switch byte {
            case 13, 10:
                out.write("\n")
                let line = String(buffer)
                if !line.isEmpty && history.last != line { history.append(line) }
                return line
            case 1: cursor = 0
            case 5: cursor = buffer.count
            case 2: cursor = max(0, cursor - 1)
            case 6: cursor = min(buffer.count, cursor + 1)
            case 21:
                buffer.removeFirst(cursor)
                cursor = 0
            case 11: buffer.removeLast(buffer.count - cursor)
            case 3:
                out.write("^C\n")
                buffer = []
                cursor = 0
                out.write(prompt)
                continue
            case 4:
                if buffer.isEmpty {
                    out.write("\n")
                    return nil
                }
                if cursor < buffer.count { buffer.remove(at: cursor) }
            case 12: out.write("\u{1B}[H\u{1B}[2J")
            case 127, 8:
                if cursor > 0 {
                    buffer.remove(at: cursor - 1)
                    cursor -= 1
                }
            case 9:
                let line = String(buffer[..<cursor])
                let wordStart = (line.lastIndex(of: " ").map { line.distance(from: line.startIndex, to: $0) + 1 }) ?? 0
                let word = String(buffer[wordStart..<cursor])
                let candidates = await complete(line, wordStart, word)
                if let replacement = Self.commonPrefix(candidates), replacement.count > word.count {
                    var inserted = Array(replacement)
                    if candidates.count == 1 && wordStart == 0 { inserted.append(" ") }
                    buffer.replaceSubrange(wordStart..<cursor, with: inserted)
                    cursor = wordStart + inserted.count
                } else if candidates.count > 1 {
                    out.write("\n" + candidates.joined(separator: "  ") + "\n")
                }
            case 27:
                guard let next = await Self.readByte() else { continue }
                guard next == 91 || next == 79, let code = await Self.readByte() else { continue }
                switch code {
                case 65:   // up
                    if historyIndex > 0 {
                        if historyIndex == history.count { draft = buffer }
                        historyIndex -= 1
                        buffer = Array(history[historyIndex])
                        cursor = buffer.count
                    }
                case 66:   // down
                    if historyIndex < history.count {
                        historyIndex += 1
                        buffer = historyIndex == history.count ? draft : Array(history[historyIndex])
                        cursor = buffer.count
                    }
                case 67: cursor = min(buffer.count, cursor + 1)
                case 68: cursor = max(0, cursor - 1)
                case 72: cursor = 0
                case 70: cursor = buffer.count
                case 51:   // ESC [ 3 ~: delete
                    _ = await Self.readByte()
                    if cursor < buffer.count { buffer.remove(at: cursor) }
                default: break
                }
            default:
                if byte >= 32 {
                    // A UTF-8 sequence: read its continuation bytes.
                    var bytes = [byte]
                    let extra = byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : byte >= 0xC0 ? 1 : 0
                    for _ in 0..<extra {
                        if let b = await Self.readByte() { bytes.append(b) }
                    }
                    for c in String(decoding: bytes, as: UTF8.self) {
                        buffer.insert(c, at: cursor)
                        cursor += 1
                    }
                }
            }
            redraw()
        }
    }

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

    /// One byte of stdin, read off the cooperative pool.
    static func readByte() async -> UInt8? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var byte: UInt8 = 0
                while true {
                    let n = read(0, &byte, 1)
                    if n < 0 && errno == EINTR { continue }
                    continuation.resume(returning: n == 1 ? byte : nil)
                    return
                }
            }
        }
    }

    /// One line of stdin (not a terminal), read off the cooperative pool.
    static func plainLine() async -> String? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Swift.readLine(strippingNewline: true))
            }
        }
    }
}
