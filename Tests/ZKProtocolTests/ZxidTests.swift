import Testing
import ZKProtocol

@Suite("Zxid")
struct ZxidTests {
    @Test(arguments: [
        (Int64(0), UInt32(0), UInt32(0)),
        (0x1_0000_0001, 1, 1),
        (0x7fff_ffff_ffff_ffff, 0x7fff_ffff, 0xffff_ffff),
        (-1, 0xffff_ffff, 0xffff_ffff),
        (Int64(bitPattern: 0x8000_0000_0000_0000), 0x8000_0000, 0),
    ])
    func epochIsTheHigh32BitsAndCounterTheLow32(raw: Int64, epoch: UInt32, counter: UInt32) {
        let zxid = Zxid(raw: raw)
        #expect(zxid.epoch == epoch)
        #expect(zxid.counter == counter)
        #expect(Zxid(epoch: epoch, counter: counter) == zxid)
        #expect(Zxid(epoch: epoch, counter: counter).raw == raw)
    }

    @Test func ordersAsTheRawInt64() {
        #expect(Zxid(epoch: 1, counter: 0xffff_ffff) < Zxid(epoch: 2, counter: 0))
        #expect(Zxid(epoch: 2, counter: 1) > Zxid(epoch: 2, counter: 0))
        #expect(Zxid(raw: -1) < Zxid(raw: 0))
        #expect([Zxid(raw: 3), 1, 2].sorted() == [1, 2, 3])
        #expect(max(Zxid(raw: 5), Zxid(raw: 9)) == Zxid(raw: 9))
    }

    @Test func nextCarriesACounterRollOverIntoTheEpoch() {
        #expect(Zxid(epoch: 3, counter: 7).next == Zxid(epoch: 3, counter: 8))
        let last = Zxid(epoch: 1, counter: UInt32.max)
        #expect(last.next == Zxid(epoch: 2, counter: 0))
        #expect(last.next.raw == last.raw + 1)
        #expect(Zxid(raw: -1).next == 0)
    }

    @Test(arguments: [
        (Int64(0), "0x0"),
        (0x1a, "0x1a"),
        (0x5_0000_002f, "0x50000002f"),
        (-1, "0xffffffffffffffff"),
    ])
    func describesItselfInUnsignedHexAsApacheLogsDo(raw: Int64, text: String) {
        #expect(Zxid(raw: raw).description == text)
        #expect("\(Zxid(raw: raw))" == text)
    }

    @Test func hashesAsItsRawValue() {
        let table: [Zxid: String] = [Zxid(epoch: 1, counter: 2): "a"]
        #expect(table[Zxid(raw: 0x1_0000_0002)] == "a")
        #expect(MemoryLayout<Zxid>.size == MemoryLayout<Int64>.size)
    }
}
