import Foundation
import ZKSimulation

// zksim --seed S [--steps M] | --seeds N [--first F] [--steps M] [--bug NAME]
// Runs simulations and prints each failing seed with the command that
// replays it; scripts/simulate builds it in release mode and runs it.

var arguments = CommandLine.arguments.dropFirst()
var seeds: [UInt64] = []
var steps = 20000
var count = 0
var first: UInt64 = 1
var bugs: PlantedBug = []
var showTrace = false
var traceEvents: Int?
var logFaults = true
var ignoring: Set<Finding.Invariant> = []
var plantedInvariants: Set<Finding.Invariant> = []
while let argument = arguments.popFirst() {
    if argument == "--ignore-known-core-bugs" {
        // Reported to the core's owner; see Tests/ZKSimulationTests.
        ignoring = knownCoreBugs
        continue
    }
    if argument == "--trace" || argument == "--no-log-faults" {
        if argument == "--trace" { showTrace = true } else { logFaults = false }
        continue
    }
    let value = arguments.popFirst() ?? ""
    switch argument {
    case "--seed": seeds.append(UInt64(value) ?? 0)
    case "--seeds": count = Int(value) ?? 0
    case "--first": first = UInt64(value) ?? 1
    case "--trace-events": traceEvents = Int(value)
    case "--steps": steps = Int(value) ?? steps
    case "--bug":
        guard let bug = PlantedBug.all.first(where: { $0.0 == value }) else {
            print("unknown --bug \(value); one of \(PlantedBug.all.map(\.0).joined(separator: ", "))")
            exit(2)
        }
        bugs.insert(bug.1)
        plantedInvariants.insert(bug.2)
    default:
        print("usage: zksim --seed S [--steps M] | --seeds N [--first F] [--steps M] [--bug NAME]")
        exit(2)
    }
}
if seeds.isEmpty { seeds = (0..<UInt64(max(count, 1))).map { first + $0 } }

var ignoredSeeds: [Finding.Invariant: [UInt64]] = [:]
var totalSteps = 0
var totalNanos: UInt64 = 0
var failing = 0
var totals = SimulationResult(seed: 0, steps: 0, simulatedNanos: 0, findings: [])
for seed in seeds {
    var options = SimulationOptions(seed: seed, steps: steps, bugs: bugs)
    options.ignoring = ignoring.subtracting(plantedInvariants)
    options.keepTrace = showTrace
    if let events = traceEvents { options.traceEvents = events }
    if !logFaults {
        options.diskFullRate = 0
        options.fsyncFaultRate = 0
    }
    let result = Simulation(options: options).run()
    totalSteps += result.steps
    totalNanos += result.simulatedNanos
    totals.crashes += result.crashes
    totals.logFailures += result.logFailures
    totals.snapshots += result.snapshots
    totals.acknowledgedWrites += result.acknowledgedWrites
    totals.expiredSessions += result.expiredSessions
    for (invariant, seen) in result.ignored.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
        ignoredSeeds[invariant, default: []].append(seed)
        if ignoredSeeds[invariant]?.count == 1 { print("seed \(seed): known core bug, ignored: \(seen.first)") }
    }
    if let finding = result.findings.first {
        failing += 1
        print("seed \(seed): \(finding)")
        print("  replay: \(result.replayCommand)")
        if showTrace { for line in finding.trace { print("    \(line)") } }
    }
}
let hours = Double(totalNanos) / 3_600_000_000_000
print("seeds \(seeds.count), steps \(totalSteps), simulated \(String(format: "%.2f", hours)) h, crashes \(totals.crashes), log failures \(totals.logFailures), snapshots \(totals.snapshots), acknowledged writes \(totals.acknowledgedWrites), sessions expired \(totals.expiredSessions); seeds with findings: \(failing)")
for (invariant, seeds) in ignoredSeeds.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
    print("known core bug '\(invariant.rawValue)' (ignored) in \(seeds.count) seeds, first \(seeds.prefix(10).map(String.init).joined(separator: " "))")
}
exit(failing == 0 ? 0 : 1)
