import Testing
import ZKProtocol

@Suite("ConnectionID and ServerID")
struct ConnectionAndServerIDTests {
    @Test func aConnectionIDPrintsInDecimalAsTheServerLogDoes() {
        #expect("connection \(ConnectionID(raw: 12))" == "connection 12")
        #expect(ConnectionID(raw: UInt64.max).description == "18446744073709551615")
    }

    @Test func connectionIDsOrderByAcceptance() {
        let ids: [ConnectionID] = [3, 1, ConnectionID(raw: 2)]
        #expect(ids.sorted().map(\.raw) == [1, 2, 3])
        var next: ConnectionID = 0
        next.raw += 1
        #expect(next == 1)
    }

    @Test func idsHashAsTheirRawValues() {
        let byConnection: [ConnectionID: String] = [7: "a"]
        #expect(byConnection[ConnectionID(raw: 7)] == "a")
        let byServer: [ServerID: String] = [ServerID(raw: 3): "b"]
        #expect(byServer[3] == "b")
        #expect(MemoryLayout<ConnectionID>.size == MemoryLayout<UInt64>.size)
        #expect(MemoryLayout<ServerID>.size == MemoryLayout<Int64>.size)
    }

    @Test func aServerIDPrintsAsMyidWritesIt() {
        #expect(ServerID(raw: 3).description == "3")
        #expect(ServerID(raw: 1) < ServerID(raw: 2))
    }
}
