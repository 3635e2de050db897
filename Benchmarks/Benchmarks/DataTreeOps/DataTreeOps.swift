import BenchFixtures
import Benchmark
import ZKDataTree
import ZKProtocol

/// The tree and the transactions a benchmark applies, made once in its setup.
/// A class, so the benchmark closure can change the tree from one iteration
/// to the next.
final class TreeState {
    var tree = BenchFixtures.prefilledTree()
    var zxid = Int64(BenchFixtures.prefilledNodeCount + 1)
    var triggers: [WatchTrigger] = []
    var cursor = 0
    /// Prepared transactions, so building them is not measured.
    var setData: [TxnBody] = []
    var creates: [TxnBody] = []
    var deletes: [TxnBody] = []
    let keys = (0..<BenchFixtures.prefilledNodeCount).map(BenchFixtures.keyPath)

    init() { triggers.reserveCapacity(4) }

    /// Applies `body` as the next transaction, as the state loop does after
    /// the log step, and drops the watch triggers it made.
    @inline(__always)
    func apply(_ type: OpCode, _ body: TxnBody) {
        zxid += 1
        blackHole(tree.apply(BenchFixtures.header(zxid: zxid, type: type), body, triggers: &triggers))
        triggers.removeAll(keepingCapacity: true)
    }

    /// A state with a setData transaction prepared for each key. It
    /// alternates two values so that each set really changes the data.
    static func withSetData() -> TreeState {
        let state = TreeState()
        let values = [JuteBytes(BenchFixtures.value(seed: 1)), JuteBytes(BenchFixtures.value(seed: 2))]
        state.setData = state.keys.indices.map {
            .setData(SetDataTxn(path: JuteBytes(state.keys[$0]), data: values[$0 % 2], version: 1))
        }
        return state
    }

    /// A state with create and delete transactions prepared for 1,000 new
    /// keys `/bench/new-000000`... that are not in the prefilled tree.
    static func withNewNodes() -> TreeState {
        let state = TreeState()
        state.creates = (0..<newNodeCount).map { BenchFixtures.createTxn(newPath($0), data: BenchFixtures.value(seed: $0)) }
        state.deletes = (0..<newNodeCount).map { .delete(DeleteTxn(path: JuteBytes(newPath($0)))) }
        return state
    }

    /// The next key in a fixed stride through the 10,000, so successive
    /// operations touch unrelated nodes.
    @inline(__always)
    func nextKey() -> Int {
        cursor = (cursor &+ 7_919) % keys.count
        return cursor
    }
}

/// How many nodes the create and delete benchmarks add and remove per iteration.
private let newNodeCount = 1_000
/// `/bench/new-000123`.
private func newPath(_ index: Int) -> [UInt8] {
    var path = BenchFixtures.keyPath(index)
    path.replaceSubrange(7..<10, with: Array("new".utf8))
    return path
}

// The data tree at 10,000 znodes under /bench (100-byte values): lookups
// as getData makes them, and setData, create and delete transactions as the
// state loop applies them. Figures are per operation.
let benchmarks: @Sendable () -> Void = {
    BenchConfig.install()
    let perOperation = BenchConfig.perOperation(.kilo)

    // getData after its checks: the lookup, then the reply's data and Stat.
    Benchmark("DataTree get (10k nodes)", configuration: perOperation) { benchmark, state in
        for _ in benchmark.scaledIterations {
            guard let node = state.tree.node(state.keys[state.nextKey()]) else { fatalError("missing key") }
            blackHole(GetDataResponse(data: node.data, stat: node.clientStat))
        }
    } setup: {
        TreeState()
    }

    Benchmark("DataTree setData (10k nodes, 100 B)", configuration: perOperation) { benchmark, state in
        for _ in benchmark.scaledIterations {
            let index = state.nextKey()
            state.apply(.setData, state.setData[index])
        }
    } setup: {
        TreeState.withSetData()
    }

    // Each iteration creates 1,000 new siblings of the 10,000 (measured),
    // then deletes them again (not measured), so every iteration starts
    // from the same tree.
    Benchmark("DataTree create (into 10k nodes, 100 B)", configuration: perOperation) { benchmark, state in
        precondition(benchmark.scaledIterations.count == newNodeCount)
        benchmark.startMeasurement()
        for body in state.creates { state.apply(.create, body) }
        benchmark.stopMeasurement()
        for body in state.deletes { state.apply(.delete, body) }
    } setup: {
        TreeState.withNewNodes()
    }

    Benchmark("DataTree delete (from 10k + 1k nodes)", configuration: perOperation) { benchmark, state in
        precondition(benchmark.scaledIterations.count == newNodeCount)
        for body in state.creates { state.apply(.create, body) }
        benchmark.startMeasurement()
        for body in state.deletes { state.apply(.delete, body) }
        benchmark.stopMeasurement()
    } setup: {
        TreeState.withNewNodes()
    }
}
