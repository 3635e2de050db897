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

        var buffer = CliLineBuffer(history: history)
        out.write(prompt)
        while true {
            guard let byte = await Self.readByte() else {
                out.write("\n")
                return buffer.isEmpty ? nil : buffer.text
            }
            switch byte {
            case 13, 10:
                out.write("\n")
                let line = buffer.text
                if !line.isEmpty && history.last != line { history.append(line) }
                return line
            case 1: buffer.moveToStart()
            case 5: buffer.moveToEnd()
            case 2: buffer.moveLeft()
            case 6: buffer.moveRight()
            case 21: buffer.deleteToStart()
            case 11: buffer.deleteToEnd()
            case 3:
                out.write("^C\n")
                buffer.clear()
                out.write(prompt)
                continue
            case 4:
                if buffer.isEmpty {
                    out.write("\n")
                    return nil
                }
                buffer.deleteAtCursor()
            case 12: out.write("\u{1B}[H\u{1B}[2J")
            case 127, 8: buffer.deleteBeforeCursor()
            case 9:
                let (line, wordStart, word) = buffer.wordAtCursor
                let candidates = await complete(line, wordStart, word)
                if buffer.complete(with: candidates) {
                    out.write("\n" + candidates.joined(separator: "  ") + "\n")
                }
            case 27:
                guard let next = await Self.readByte() else { continue }
                guard next == 91 || next == 79, let code = await Self.readByte() else { continue }
                switch code {
                case 65: buffer.historyBack()      // up
                case 66: buffer.historyForward()   // down
                case 67: buffer.moveRight()
                case 68: buffer.moveLeft()
                case 72: buffer.moveToStart()
                case 70: buffer.moveToEnd()
                case 51:   // ESC [ 3 ~: delete
                    _ = await Self.readByte()
                    buffer.deleteAtCursor()
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
                    buffer.insert(String(decoding: bytes, as: UTF8.self))
                }
            }
            out.write(buffer.redrawText(prompt: prompt))
        }
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
