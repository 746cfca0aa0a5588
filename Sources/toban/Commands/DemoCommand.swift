import ArgumentParser
import Foundation
import TobanConsole
import TobanCore
import TobanIngest
import TobanStore

/// `toban demo` — the console on a scratch store, fed live from the sample logs.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Open the console on a scratch SQLite store fed live from the sample logs.",
        discussion: """
            The sample logs are replayed as if written now: most of the story is already in the \
            queue, the rest arrives while you watch (new arrivals never move the cursor; the n key \
            jumps to them). Everything lives in a scratch directory, printed on exit.
            """)

    @Option(name: .long, help: ArgumentHelp("Scratch directory (default: a new one under the temporary directory).", valueName: "dir"))
    var dir: String?

    @Option(name: .long, help: ArgumentHelp("Theme: dark, light, high-contrast, mono, or a file.", valueName: "name"))
    var theme: String?

    @Flag(name: .long, help: "Ingest the backlog, print the top of the queue and exit (no terminal needed).")
    var noConsole = false

    func run() throws {
        guard let samples = SampleLogs.directory() else {
            throw ValidationError("sample-logs/ not found: run the demo from the repository (swift run toban demo)")
        }
        let scratch = URL(fileURLWithPath: dir ?? NSTemporaryDirectory() + "toban-demo-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let configPath = samples.appendingPathComponent("toban.example.toml").path
        let config = try ConfigLoader.load(path: configPath).require()
        let storePath = scratch.appendingPathComponent("toban.sqlite").path

        let clock = SystemClock()
        let feed = try DemoFeed(samples: samples, into: scratch, now: clock.now)
        // The example config names its sources under sample-logs/; the demo follows the replayed copies.
        let sources = config.sources.map { source -> SourceSettings in
            var s = source
            s.path = scratch.appendingPathComponent(source.path.replacingOccurrences(of: "sample-logs/", with: "")).path
            return s
        }
        let store = try TobanStore(path: storePath)
        try store.saveCustomers(config.customers, at: clock.now)
        let sink = StoreSink(store: store, customers: config.customers, rules: config.urgencyRules,
                             aggregationWindow: TimeInterval(config.ingest.aggregationWindowMinutes * 60), clock: clock)
        func makePipeline() throws -> IngestPipeline {
            try IngestPipeline(
                sources: sources, directory: CustomerDirectory(customers: config.customers), rules: config.urgencyRules,
                options: IngestOptions(settings: config.ingest, batchLines: 5_000,
                                       quarantinePath: scratch.appendingPathComponent("quarantine.jsonl").path),
                sink: sink, clock: clock)
        }
        let backlog = try makePipeline().runOnce()

        if noConsole {
            // Repeats of one detection fold into one queue row: say both, or 177 "detections"
            // beside a queue of 36 rows looks like loss.
            let rows = try store.detectionIDs(DetectionFilter(statuses: Set(DetectionStatus.allCases)), limit: 1_000_000).count
            print("demo: \(backlog.lines) backlog lines → \(backlog.detections) detection events in \(rows) queue rows "
                  + "(\(backlog.quarantined) quarantined) in \(storePath)")
            let top = try store.detections(limit: 10)
            for d in top {
                let name = config.customer(id: d.customerID)?.displayName ?? d.customerID
                print("\(d.urgency) \(d.urgency.stars.padding(toLength: 3, withPad: " ", startingAt: 0)) \(name)  \(d.endpoint.map { "\($0)" } ?? "-")  \(Sanitizer.sanitize(d.signature.name))  ×\(d.count)")
            }
            print("demo: \(feed.liveCount) more lines would arrive live; open the console with: swift run toban --store \(storePath) --config \(configPath)")
            return
        }

        // The live part follows the files from where the backlog's checkpoints left them,
        // with a pipeline of its own (a finished one has closed its committer).
        let live = try makePipeline()
        feed.start()
        let stopIngest = live.stopSignal
        // From here on only the follower thread touches the pipeline; the main thread keeps
        // nothing but its (thread-safe) stop signal. A failure shows on the console.
        let handoff = Handoff(live)
        let follower = Thread {
            do { try handoff.value.run() } catch { BackgroundFailures.report("live ingest stopped: \(error)") }
        }
        follower.start()
        defer {
            feed.stop()
            stopIngest.stop()
            for text in BackgroundFailures.unshown() { printError("demo: \(text)") }
            printError("demo: scratch store kept at \(storePath)")
        }
        try DemoConsole.open(storePath: storePath, configPath: configPath, theme: theme)
    }
}

/// Moves a value that is not Sendable to exactly one other thread, which then owns it.
final class Handoff<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
