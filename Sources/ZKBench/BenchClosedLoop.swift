import Histogram
import NIOCore
import ZKClient
import ZKProtocol

/// What each request of a closed-loop run is.
enum ClosedLoopPlan: Sendable {
    /// getData of a random key, or setData, by `readPercent`.
    case keys(paths: [JuteBytes], value: JuteBytes, readPercent: Int)
    /// Create an ephemeral sequential node under `parent`, then delete it.
    case createDelete(prefix: JuteBytes, value: JuteBytes)
    /// Multis of `batch` persistent creates, `parent/n-<index>`, until
    /// `count` nodes exist; batches are split between connections by index.
    case load(parent: String, count: Int, batch: Int, value: JuteBytes)
}

/// The measured window on the monotonic clock: requests sent before
/// `measureStartNs` are warm-up; completions from `endNs` on stop the loop.
struct BenchWindow: Sendable {
    var measureStartNs: UInt64
    var endNs: UInt64
}

/// A small, fast generator: one per connection, so no request pays for
/// SystemRandomNumberGenerator's system call.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One session of a closed-loop run: keeps `inFlight` requests outstanding
/// and sends the next one from each reply's callback, on the session's
/// event loop, without a Swift task per request. Every mutable field is
/// touched on `loop` only.
final class ClosedLoopConnection: @unchecked Sendable {
    private enum Next {
        case fresh
        case delete(JuteBytes)
    }

    let session: ZooKeeperSession
    let loop: any EventLoop
    private let plan: ClosedLoopPlan
    private let window: BenchWindow
    private let index: Int
    private let connections: Int
    private var rng: SplitMix64
    private var outstanding = 0
    private var nextBatch: Int
    private var stopped = false
    private let done: EventLoopPromise<Void>

    /// Latencies of successful requests sent inside the window, ns.
    private(set) var histogram = makeLatencyHistogram()
    /// Requests sent inside the window that completed before its end.
    private(set) var operations: UInt64 = 0
    /// Znodes created (load).
    private(set) var created: UInt64 = 0
    private(set) var errors: UInt64 = 0
    private(set) var errorCodes: [String: UInt64] = [:]

    init(session: ZooKeeperSession, plan: ClosedLoopPlan, window: BenchWindow, index: Int, connections: Int) {
        self.session = session
        self.loop = session.eventLoop
        self.plan = plan
        self.window = window
        self.index = index
        self.connections = connections
        self.nextBatch = index
        self.rng = SplitMix64(state: UInt64(index) &* 0x2545_F491_4F6C_DD1D &+ 1)
        self.done = session.eventLoop.makePromise(of: Void.self)
    }

    /// Starts `inFlight` request chains; the future completes when all have stopped.
    func run(inFlight: Int) -> EventLoopFuture<Void> {
        loop.execute {
            for _ in 0..<inFlight {
                self.outstanding += 1
                self.issue(.fresh)
            }
        }
        return done.futureResult
    }

    /// Stops sending; outstanding requests still complete.
    func stop() {
        loop.execute { self.stopped = true }
    }

    private func finishChain() {
        outstanding -= 1
        if outstanding == 0 { done.succeed(()) }
    }

    private func issue(_ next: Next) {
        guard !stopped else { return finishChain() }
        let request: ZKRequest
        var nodes: UInt64 = 0
        switch (plan, next) {
        case (.keys(let paths, let value, let readPercent), _):
            let key = paths[Int(rng.next() % UInt64(paths.count))]
            if readPercent >= 100 || (readPercent > 0 && Int(rng.next() % 100) < readPercent) {
                request = .getData(GetDataRequest(path: key, watch: false))
            } else {
                request = .setData(SetDataRequest(path: key, data: value, version: -1))
            }
        case (.createDelete, .delete(let path)):
            request = .delete(DeleteRequest(path: path, version: -1))
        case (.createDelete(let prefix, let value), .fresh):
            request = .create2(CreateRequest(path: prefix, data: value, acl: ACL.openACLUnsafe,
                                             flags: CreateMode.ephemeralSequential.code))
        case (.load(let parent, let count, let batch, let value), _):
            let first = nextBatch * batch
            guard first < count else { return finishChain() }
            nextBatch += connections
            let last = min(count, first + batch)
            nodes = UInt64(last - first)
            let ops = (first..<last).map { i in
                MultiOp.create(.create, CreateRequest(path: JuteBytes(parent + "/n-" + pad7(i)), data: value,
                                                      acl: ACL.openACLUnsafe, flags: CreateMode.persistent.code))
            }
            request = .multi(MultiRequest(ops: ops))
        }
        let start = benchMonotonicNanos()
        let batchNodes = nodes
        session.send(request, operation: "bench").whenComplete { result in
            self.completed(start: start, nodes: batchNodes, result: result)
        }
    }

    private func completed(start: UInt64, nodes: UInt64, result: Result<ZKReply, any Error>) {
        let now = benchMonotonicNanos()
        let measured = start >= window.measureStartNs && now < window.endNs
        var next = Next.fresh
        switch result {
        case .success(let reply):
            if measured {
                operations += 1
                _ = histogram.record(now - start)
            }
            created += nodes
            if case .create2(let response) = reply.response {
                next = .delete(response.path)
            }
        case .failure(let error):
            if measured || nodes > 0 {
                errors += 1
                let name = (error as? ZooKeeperError).map { "\($0.code)" } ?? "\(error)"
                errorCodes[name, default: 0] += 1
            }
            if now < window.endNs, let zkError = error as? ZooKeeperError,
               zkError.code == .connectionLoss || zkError.code == .sessionExpired || zkError.code == .operationTimeout {
                // Not connected: retry shortly instead of spinning.
                loop.scheduleTask(in: .milliseconds(5)) { self.issue(.fresh) }
                return
            }
        }
        if now >= window.endNs {
            return finishChain()
        }
        issue(next)
    }
}

/// `i` as at least seven decimal digits, zero-padded (node names sort).
func pad7(_ i: Int) -> String {
    let digits = String(i)
    return digits.count >= 7 ? digits : String(repeating: "0", count: 7 - digits.count) + digits
}
