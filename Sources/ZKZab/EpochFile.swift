/// The `acceptedEpoch` and `currentEpoch` files in the snapshot directory
/// (`dataDir/version-2/`): the epoch as ASCII decimal, no newline, as
/// Apache's `QuorumPeer.writeLongToFile` writes it. Writing them atomically
/// (temporary file, fsync, rename) is the storage shell's job.
public enum EpochFile {
    /// The file holding the last epoch this server accepted in discovery.
    public static let acceptedEpochFileName = "acceptedEpoch"
    /// The file holding the epoch this server last synchronised to.
    public static let currentEpochFileName = "currentEpoch"
    /// The largest epoch a zxid can hold (its high 32 bits).
    public static let maxEpoch: Int64 = 0xffff_ffff
    /// The most bytes an epoch file may hold: 10 digits, a sign and a line
    /// ending. Anything longer is not an epoch.
    public static let maxFileBytes = 13

    /// The file's contents for `epoch`.
    public static func encode(_ epoch: Int64) -> [UInt8] {
        Array(String(epoch).utf8)
    }

    /// Parses a file's contents. Apache reads the first line with
    /// `Long.parseLong`; this accepts what Apache writes plus one trailing line
    /// ending (an operator's `echo 5 > currentEpoch`), and refuses anything
    /// else with a message naming the problem: an empty file, stray
    /// characters or whitespace, more lines, a negative epoch, or one that
    /// does not fit a zxid's 32 bits.
    public static func parse(_ contents: [UInt8], fileName: String = "epoch file") throws(ZabWireError) -> Int64 {
        guard contents.count <= maxFileBytes else {
            throw .badEpochFile(reason: "\(fileName) holds \(contents.count) bytes; an epoch is at most 10 decimal digits")
        }
        var digits = contents[...]
        if digits.last == UInt8(ascii: "\n") { digits = digits.dropLast() }
        if digits.last == UInt8(ascii: "\r") { digits = digits.dropLast() }
        let shown = String(decoding: contents, as: UTF8.self).debugDescription
        guard !digits.isEmpty else {
            throw .badEpochFile(reason: "\(fileName) is empty; expected a decimal epoch such as 1")
        }
        var negative = false
        if digits.first == UInt8(ascii: "+") || digits.first == UInt8(ascii: "-") {
            negative = digits.first == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .badEpochFile(reason: "\(fileName) holds \(shown); expected only decimal digits")
        }
        var value: Int64 = 0
        for digit in digits {
            value = value * 10 + Int64(digit - UInt8(ascii: "0"))
            guard value <= maxEpoch else {
                throw .badEpochFile(reason: "\(fileName) holds \(shown); an epoch must be at most \(maxEpoch)")
            }
        }
        guard !negative || value == 0 else {
            throw .badEpochFile(reason: "\(fileName) holds \(shown); an epoch cannot be negative")
        }
        return value
    }
}
