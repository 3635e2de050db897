import Testing
import ZKProtocol

@Suite("SessionID")
struct SessionIDTests {
    @Test(arguments: [
        (Int64(0), "0x0"),
        (0x1_0000_0000_0000, "0x1000000000000"),
        (0x100_0a2b_3c4d_0001, "0x1000a2b3c4d0001"),
        (Int64(bitPattern: 0xff00_0000_0000_0001), "0xff00000000000001"),
    ])
    func describesItselfInUnsignedHexAsConsAndDumpPrintIt(raw: Int64, text: String) {
        #expect(SessionID(raw: raw).description == text)
        #expect("\(SessionID(raw: raw))" == text)
    }

    @Test func ordersAsTheRawInt64SoDumpsListIdsInApachesOrder() {
        let ids: [SessionID] = [SessionID(raw: 5), SessionID(raw: -2), 0, SessionID(raw: 0x7fff_ffff_ffff_ffff)]
        #expect(ids.sorted().map(\.raw) == [-2, 0, 5, 0x7fff_ffff_ffff_ffff])
    }

    @Test func hashesAndComparesAsItsRawValue() {
        let table: [SessionID: Int32] = [SessionID(raw: 0x1_0000_0000_0001): 4000]
        #expect(table[0x1_0000_0000_0001] == 4000)
        #expect(SessionID(raw: 7) == 7)
        #expect(SessionID(raw: 7) != 8)
        #expect(MemoryLayout<SessionID>.size == MemoryLayout<Int64>.size)
    }
}
