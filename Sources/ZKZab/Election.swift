import NIOCore
import ZKProtocol

/// Apache's FastLeaderElection as a pure state machine: no sockets, no
/// threads, no clock. Shaped like etcd raft's RawNode: the shell feeds it
/// `start(lookingWith:)`, `step(from:_:)` for every notification that
/// arrives on the election port, and `tick(now:)`; then it takes `ready()`
/// (notifications to send, and the decision once there is one), carries it
/// out and calls `advance(_:)`.
///
/// Time is the last `tick(now:)`: a notification stepped in is taken to
/// arrive at that instant, so the shell ticks before it steps.
///
/// One machine plays both of Apache's election threads: the receiver, which
/// answers peers at once whatever the state (WorkerReceiver), and the loop
/// that tallies votes while LOOKING (lookForLeader). Reconfiguration (a
/// newer config in a notification) is not handled: it is off by default in
/// Apache (`reconfigEnabled=false`) and comes later.
public struct Election: Sendable {
    /// Whether this server votes (Apache's LearnerType).
    public enum PeerType: Sendable, Hashable {
        /// Votes, counts towards quorums, may lead.
        case participant
        /// Never votes and never counts; ends OBSERVING.
        case observer
    }

    /// The election's settings, with Apache's defaults.
    public struct Configuration: Sendable {
        /// This server's id (`myid`).
        public var myID: ServerID
        /// Participant or observer.
        public var peerType: PeerType
        /// Who votes and what is a quorum.
        public var quorum: any ElectionQuorum
        /// How long a proposal a quorum backs must go unchallenged before the
        /// election ends (`finalizeWait`, 200 ms).
        public var finalizeWait: TimeAmount
        /// The first resend interval when no notification arrives
        /// (`zookeeper.fastleader.minNotificationInterval`, finalizeWait by default).
        public var minNotificationInterval: TimeAmount
        /// The resend interval's cap; it doubles up to this
        /// (`zookeeper.fastleader.maxNotificationInterval`, 60 s).
        public var maxNotificationInterval: TimeAmount

        /// Creates a configuration; the intervals default to Apache's.
        public init(
            myID: ServerID,
            peerType: PeerType = .participant,
            quorum: any ElectionQuorum,
            finalizeWait: TimeAmount = .milliseconds(200),
            minNotificationInterval: TimeAmount? = nil,
            maxNotificationInterval: TimeAmount = .seconds(60)
        ) {
            self.myID = myID
            self.peerType = peerType
            self.quorum = quorum
            self.finalizeWait = finalizeWait
            // Apache takes 0 and then spins; a floor of 1 ms keeps the shell's
            // timer from firing in a loop.
            self.minNotificationInterval = max(minNotificationInterval ?? finalizeWait, .milliseconds(1))
            self.maxNotificationInterval = maxNotificationInterval
        }
    }

    /// What a server brings to an election: its own history.
    public struct History: Sendable, Hashable {
        /// The last zxid in its log (the data tree's lastProcessedZxid after loading).
        public var lastLoggedZxid: Int64
        /// Its `currentEpoch` file.
        public var currentEpoch: Int64

        /// Creates a history.
        public init(lastLoggedZxid: Int64, currentEpoch: Int64) {
            self.lastLoggedZxid = lastLoggedZxid
            self.currentEpoch = currentEpoch
        }
    }

    /// The candidate a vote is for: what the total order compares.
    public struct Proposal: Sendable, Hashable {
        /// The proposed leader.
        public var leader: Int64
        /// Its last zxid.
        public var zxid: Int64
        /// Its currentEpoch.
        public var peerEpoch: Int64

        /// Creates a proposal.
        public init(leader: Int64, zxid: Int64, peerEpoch: Int64) {
            self.leader = leader
            self.zxid = zxid
            self.peerEpoch = peerEpoch
        }
    }

    /// The settings.
    public let configuration: Configuration
    /// LOOKING until an election ends, then LEADING, FOLLOWING or OBSERVING.
    public private(set) var state: ServerState = .looking
    /// The election round (Apache's `logicalclock`). It only grows: every
    /// `start` adds one, and a peer's higher round is adopted.
    public private(set) var logicalClock: Int64 = 0
    /// Whom this server votes for while LOOKING.
    public private(set) var proposal: Proposal
    /// The vote the last election ended on, or before any ended the
    /// server's own (Apache's `QuorumPeer.currentVote`). It answers peers
    /// that are LOOKING while we are not, and non-voters always.
    public private(set) var currentVote: Vote?

    private var started = false
    private var history = History(lastLoggedZxid: -1, currentEpoch: -1)
    private var now = Now(monotonicNanos: 0, wallMillis: 0)
    private var configBytes: [UInt8]
    private var round = Round(notificationInterval: .zero, resendAt: Now(monotonicNanos: 0, wallMillis: 0))
    private var pending = ElectionReady()

    /// The votes of one LOOKING spell.
    private struct Round: Sendable {
        /// Votes cast in our round, by sender (Apache's recvset).
        var received: [Int64: Vote] = [:]
        /// FOLLOWING and LEADING votes of any round, by sender (Apache's
        /// outofelection): how a late server finds an established leader.
        var outOfElection: [Int64: Vote] = [:]
        /// The current resend interval.
        var notificationInterval: TimeAmount
        /// When to resend if nothing arrives before.
        var resendAt: Now
        /// Set while a quorum backs our proposal: decide then unless a
        /// better vote arrives first.
        var finalizeAt: Now?
    }

    /// A machine for one server; it does nothing until `start(lookingWith:)`.
    public init(configuration: Configuration) {
        self.configuration = configuration
        self.configBytes = Array(configuration.quorum.configText.utf8)
        self.proposal = Proposal(leader: Vote.nonVoterValue, zxid: Vote.nonVoterValue, peerEpoch: Vote.nonVoterValue)
    }

    // MARK: Inputs

    /// Starts a new election round (Apache's lookForLeader): LOOKING, one
    /// round later than any before, voting for ourselves, and telling every
    /// voter. Also the way back after a leader is lost.
    public mutating func start(lookingWith history: History) {
        if currentVote == nil {
            currentVote = Vote(
                leader: configuration.myID.raw, zxid: history.lastLoggedZxid, electionEpoch: -1,
                peerEpoch: history.currentEpoch, version: 0
            )
        }
        started = true
        self.history = history
        state = .looking
        logicalClock += 1
        proposal = initialProposal
        round = Round(
            notificationInterval: configuration.minNotificationInterval,
            resendAt: now + configuration.minNotificationInterval
        )
        sendNotifications()
        tallyProposal()
    }

    /// Advances time: ends the election once finalizeWait has passed
    /// unchallenged, or resends our vote when nothing has arrived for the
    /// current interval and doubles it, up to the maximum.
    public mutating func tick(now: Now) {
        if now > self.now { self.now = now }
        guard started, state == .looking else { return }
        if let finalizeAt = round.finalizeAt {
            if self.now >= finalizeAt { decide(leader: proposal.leader, vote: proposalVote) }
            return
        }
        guard self.now >= round.resendAt else { return }
        // Apache resends, or reconnects when nothing could be delivered;
        // connecting is the shell's business when it has messages to send.
        sendNotifications()
        round.notificationInterval = min(round.notificationInterval * 2, configuration.maxNotificationInterval)
        round.resendAt = self.now + round.notificationInterval
        tallyProposal()
    }

    /// Takes one notification from `sender`. Ignored before `start`.
    public mutating func step(from sender: ServerID, _ notification: Notification) {
        guard started else { return }
        let sid = sender.raw
        // A non-voter (an observer) is answered at once and never counted.
        guard isVoter(sid) else {
            let current = currentVote ?? proposalVote
            send(to: sender, leader: current.leader, zxid: current.zxid, electionEpoch: logicalClock, peerEpoch: current.peerEpoch)
            return
        }
        guard state == .looking else {
            // Out of the election: tell a LOOKING peer whom we follow.
            if notification.state == .looking, let current = currentVote {
                send(to: sender, leader: current.leader, zxid: current.zxid, electionEpoch: current.electionEpoch, peerEpoch: current.peerEpoch)
            }
            return
        }
        // A LOOKING peer a round behind gets our proposal, so it catches up.
        if notification.state == .looking, notification.electionEpoch < logicalClock {
            send(to: sender, leader: proposal.leader, zxid: proposal.zxid, electionEpoch: logicalClock, peerEpoch: proposal.peerEpoch)
        }
        receiveWhileLooking(notification, from: sid)
    }

    /// After Zab's discovery sets a new epoch, the vote we answer LOOKING
    /// peers with carries it (QuorumPeer.updateElectionVote), so servers that
    /// join later agree with servers that synced (ZOOKEEPER-1732).
    public mutating func updateElectionVote(peerEpoch: Int64) {
        guard var vote = currentVote else { return }
        vote.peerEpoch = peerEpoch
        currentVote = vote
    }

    // MARK: Output

    /// What to do now: notifications to send and, once, the decision.
    public func ready() -> ElectionReady { pending }

    /// True when `ready()` has something to do.
    public var hasReady: Bool { !pending.isEmpty }

    /// Marks `ready` (a value `ready()` returned) as done. Messages queued
    /// since stay pending.
    public mutating func advance(_ ready: ElectionReady) {
        pending.messages.removeAll { ready.messages.contains($0) }
        if ready.decision != nil, pending.decision == ready.decision { pending.decision = nil }
    }

    /// When the machine next wants a `tick`: the end of finalizeWait or the
    /// next resend; nil once the election is over.
    public var nextDeadline: Now? {
        guard started, state == .looking else { return nil }
        return round.finalizeAt ?? round.resendAt
    }

    // MARK: The LOOKING loop

    private mutating func receiveWhileLooking(_ n: Notification, from sid: Int64) {
        if round.finalizeAt != nil {
            // While finalizing, only a better vote matters; Apache drops any
            // other notification unread and waits finalizeWait afresh.
            guard beats(Proposal(leader: n.leader, zxid: n.zxid, peerEpoch: n.peerEpoch), proposal) else {
                round.finalizeAt = now + configuration.finalizeWait
                return
            }
            round.finalizeAt = nil
        }
        round.resendAt = now + round.notificationInterval
        guard isVoter(n.leader) else { return }
        let offered = Proposal(leader: n.leader, zxid: n.zxid, peerEpoch: n.peerEpoch)
        switch n.state {
        case .looking:
            // -1 means no history at all; Apache will not elect on it.
            guard initialProposal.zxid != -1, n.zxid != -1 else { return }
            if n.electionEpoch > logicalClock {
                // A later round: join it, forget this round's votes, and vote
                // for the better of its candidate and ourselves.
                logicalClock = n.electionEpoch
                round.received = [:]
                proposal = beats(offered, initialProposal) ? offered : initialProposal
                sendNotifications()
            } else if n.electionEpoch < logicalClock {
                return
            } else if beats(offered, proposal) {
                proposal = offered
                sendNotifications()
            }
            round.received[sid] = Vote(
                leader: n.leader, zxid: n.zxid, electionEpoch: n.electionEpoch, peerEpoch: n.peerEpoch,
                state: .looking, version: 0
            )
            tallyProposal()
        case .observing:
            return
        case .following, .leading:
            let endVote = Vote(leader: n.leader, zxid: n.zxid, electionEpoch: n.electionEpoch, peerEpoch: n.peerEpoch, version: 0)
            if n.electionEpoch == logicalClock {
                // Apache files these in recvset without the sender's version,
                // so against a current vote only the leader is compared.
                round.received[sid] = Vote(
                    leader: n.leader, zxid: n.zxid, electionEpoch: n.electionEpoch, peerEpoch: n.peerEpoch,
                    state: n.state, version: 0
                )
                if isBacked(n.vote, in: round.received), checkLeader(round.received, leader: n.leader, electionEpoch: n.electionEpoch) {
                    decide(leader: n.leader, vote: endVote)
                    return
                }
            }
            // A quorum already out of the election with a leader that says it
            // leads: join it, whatever our round (ZOOKEEPER-1732).
            round.outOfElection[sid] = n.vote
            if isBacked(n.vote, in: round.outOfElection), checkLeader(round.outOfElection, leader: n.leader, electionEpoch: n.electionEpoch) {
                logicalClock = n.electionEpoch
                decide(leader: n.leader, vote: endVote)
            }
        }
    }

    /// Starts finalizeWait once the votes equal to our proposal, in our
    /// round, form a quorum.
    private mutating func tallyProposal() {
        guard state == .looking, round.finalizeAt == nil else { return }
        guard isBacked(proposalVote, in: round.received) else { return }
        if configuration.finalizeWait <= .zero {
            decide(leader: proposal.leader, vote: proposalVote)
        } else {
            round.finalizeAt = now + configuration.finalizeWait
        }
    }

    /// Whether the senders whose votes equal `vote` form a quorum.
    private func isBacked(_ vote: Vote, in votes: [Int64: Vote]) -> Bool {
        var agreeing = Set<Int64>()
        for (sid, other) in votes where vote.agrees(with: other) { agreeing.insert(sid) }
        return configuration.quorum.containsQuorum(agreeing)
    }

    /// Apache's checkLeader: a quorum alone is not enough to follow someone
    /// else; the leader itself must have said it is LEADING, so a crashed
    /// leader is not elected again and again on its followers' stale votes.
    /// If the leader is us, the vote must be from our own round.
    private func checkLeader(_ votes: [Int64: Vote], leader: Int64, electionEpoch: Int64) -> Bool {
        if leader != configuration.myID.raw {
            return votes[leader]?.state == .leading
        }
        return logicalClock == electionEpoch
    }

    private mutating func decide(leader: Int64, vote: Vote) {
        if leader == configuration.myID.raw {
            state = .leading
        } else {
            state = configuration.peerType == .participant ? .following : .observing
        }
        var decided = vote
        decided.state = state
        currentVote = decided
        round.received = [:]
        round.outOfElection = [:]
        round.finalizeAt = nil
        pending.decision = ElectionDecision(state: state, vote: decided)
    }

    // MARK: Votes

    /// Apache's initial vote: ourselves with our history; a non-voter votes
    /// for nobody (Long.MIN_VALUE in all three).
    private var initialProposal: Proposal {
        let leader = isVoter(configuration.myID.raw) ? configuration.myID.raw : Vote.nonVoterValue
        guard configuration.peerType == .participant else {
            return Proposal(leader: leader, zxid: Vote.nonVoterValue, peerEpoch: Vote.nonVoterValue)
        }
        return Proposal(leader: leader, zxid: history.lastLoggedZxid, peerEpoch: history.currentEpoch)
    }

    private var proposalVote: Vote {
        Vote(leader: proposal.leader, zxid: proposal.zxid, electionEpoch: logicalClock, peerEpoch: proposal.peerEpoch, version: 0)
    }

    /// Apache's totalOrderPredicate: a server of weight 0 never wins.
    private func beats(_ candidate: Proposal, _ current: Proposal) -> Bool {
        guard configuration.quorum.weight(of: candidate.leader) != 0 else { return false }
        return Vote.supersedes(
            candidate: (candidate.leader, candidate.zxid, candidate.peerEpoch),
            current: (current.leader, current.zxid, current.peerEpoch)
        )
    }

    private func isVoter(_ sid: Int64) -> Bool {
        configuration.quorum.votingMembers.contains(sid)
    }

    // MARK: Sending

    /// Our proposal to every voter. Apache sends one to itself too, through
    /// the connection manager's loopback; here it is filed directly.
    private mutating func sendNotifications() {
        for sid in configuration.quorum.votingMembers.sorted() {
            if sid == configuration.myID.raw {
                round.received[sid] = proposalVote
            } else {
                send(to: ServerID(raw: sid), leader: proposal.leader, zxid: proposal.zxid, electionEpoch: logicalClock, peerEpoch: proposal.peerEpoch)
            }
        }
    }

    private mutating func send(to sid: ServerID, leader: Int64, zxid: Int64, electionEpoch: Int64, peerEpoch: Int64) {
        let message = ElectionMessage(
            to: sid,
            notification: Notification(
                state: state, leader: leader, zxid: zxid, electionEpoch: electionEpoch, peerEpoch: peerEpoch,
                config: configBytes
            )
        )
        if let index = pending.messages.firstIndex(where: { $0.to == sid }) {
            pending.messages[index] = message
        } else {
            pending.messages.append(message)
        }
    }
}
