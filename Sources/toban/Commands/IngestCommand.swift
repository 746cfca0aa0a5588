import ArgumentParser
import Foundation
import TobanCore
import TobanIngest
import TobanStore

/// `toban ingest` — follow the monitoring logs into the store.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Follow monitoring logs (Suricata EVE, Zeek, CEF, syslog) into the store, exactly once.",
        discussion: """
            Without FILE arguments the configuration's [[sources]] are followed. With --once every \
            source is read to its end and the command exits with a summary line; otherwise it \
            follows forever, and SIGTERM/SIGINT commit what was read and exit cleanly. \
            A restart resumes from the checkpoints committed with the rows.

            Events belong to the customer that --customer or the source's customer names, else to \
            the configured customer whose sensor or networks they match; what nothing claims is \
            kept as unassigned. Without a configuration only --customer names a customer.
            """)

    @OptionGroup var options: StoreOptions

    @Flag(name: .long, help: "Read to the end and exit.")
    var once = false

    @Option(name: .long, help: ArgumentHelp("Format of the given files (default: detect from the first lines).", valueName: "eve|zeek-tsv|zeek-json|cef|syslog"))
    var format: String?

    @Option(name: .long, help: ArgumentHelp("Customer every event of the given files belongs to (a configured one, or any id without a configuration).", valueName: "id"))
    var customer: String?

    @Option(name: .long, help: ArgumentHelp("Quarantine file for unusable lines (default: next to the store).", valueName: "path"))
    var quarantine: String?

    @Option(name: .long, help: "Lines per transaction (default: batches sized by bytes, committed at once when caught up).")
    var batchLines: Int?

    @Argument(help: ArgumentHelp("Files, globs or directories to follow.", valueName: "FILE"))
    var files: [String] = []

    func validate() throws {
        if let format, format != "auto", SourceFormat(rawValue: format) == nil {
            throw ValidationError("unknown format '\(format)' (use auto, \(SourceFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard (batchLines ?? 1) > 0 else { throw ValidationError("--batch-lines must be positive") }
        if let customer, let reason = Customer.idProblem(customer) {
            throw ValidationError("--customer: \(reason)")
        }
        if customer != nil, files.isEmpty {
            throw ValidationError("--customer applies to the FILE arguments: give the files that belong to it")
        }
    }

    func run() throws {
        AllocatorTuning.forIngest()
        let config = try options.loadConfiguration()?.require()
        let storePath = options.storePath(configuration: config)
        let settings = config?.ingest ?? IngestSettings()
        let fileFormat = format.flatMap(SourceFormat.init(rawValue:))
        let sources = files.isEmpty ? (config?.sources ?? [])
            : files.map { SourceSettings(path: $0, format: fileFormat, customerID: customer) }
        guard !sources.isEmpty else {
            throw ValidationError("nothing to ingest: give FILE arguments or [[sources]] in the configuration")
        }
        // Reading to the end of a file that is not there is no success: name it. (Following
        // may wait for a file to appear; a glob may match nothing yet.)
        if once {
            let missing = sources.map(\.path).filter { path in
                !path.contains(where: { "*?[".contains($0) }) && !FileManager.default.fileExists(atPath: path)
            }
            if !missing.isEmpty {
                throw ValidationError("no such file: \(missing.map { Sanitizer.sanitize($0) }.joined(separator: ", "))")
            }
        }
        if let customer, let config, config.customer(id: customer) == nil {
            throw ValidationError("no customer with id '\(Sanitizer.sanitize(customer))' in the configuration")
        }

        let clock = SystemClock()
        let writer: WriterLock
        do { writer = try WriterLock(store: storePath) } catch let error as StoreError {
            throw Refusal("\(error)")
        }
        defer { withExtendedLifetime(writer) {} }
        let store: TobanStore
        do {
            store = try TobanStore(path: storePath)
            try store.checkIntegrity()
        } catch let error as StoreError {
            throw Refusal("\(error)")
        }
        let customers = config?.customers ?? []
        try store.saveCustomers(customers, at: clock.now)
        let sink = StoreSink(store: store, customers: customers, rules: config?.urgencyRules ?? .default,
                             aggregationWindow: TimeInterval(settings.aggregationWindowMinutes * 60), clock: clock)
        // Without a configuration nothing names customers (sensors and file names do not:
        // their events are `unassigned`), except `--customer`, which owns the whole run.
        // It is known to this run only; the store keeps whatever a configuration said of it.
        let runCustomer = config == nil ? customer.map { Customer(id: $0, displayName: $0) } : nil
        let directory = CustomerDirectory(customers: customers + (runCustomer.map { [$0] } ?? []))
        // Default: read 5,000 lines per poll and gather polls into a batch of up to
        // `defaultBatchBytes` of input or `defaultMaxBatchDetections` detections; a caught-up
        // follower commits at once, a backlogged one gathers at most 0.5 s. While a backlog
        // is read, batches share one transaction for up to a second (`BatchCommitter`), so
        // what a commit costs no longer depends on the batch: batches stay small (a poll of
        // a benchmark file is one batch), and the five of them alive at once (four for the
        // writer, one being read) take little memory. Against 4 MB / 1,250 detections with
        // two for the writer (two polls a batch), the writer waited 0.12 s for batches
        // instead of 0.34 s in a traced alert-heavy run, yet over 10 alternated runs the
        // wall medians were equal; peak RSS was ~2.5 MB lower (medians about 89,800 against
        // 92,400 KiB). At 8 MB / 2,500 detections it ran as fast, at ~6 MB more.
        let ingestOptions = IngestOptions(settings: settings, batchLines: batchLines ?? 5_000,
                                          batchBytes: batchLines == nil ? Self.defaultBatchBytes : nil,
                                          maxBatchDetections: Self.defaultMaxBatchDetections, maxBatchAge: once ? .seconds(60) : .milliseconds(500),
                                          quarantinePath: quarantine ?? settings.quarantinePath ?? storePath + ".quarantine.jsonl",
                                          parser: Self.parserOptions(hostZone: .current))
        let pipeline = try IngestPipeline(sources: sources, directory: directory, rules: config?.urgencyRules ?? .default,
                                          options: ingestOptions, sink: sink, clock: clock)
        let stopSignal = pipeline.stopSignal
        let signals = StopOnSignals { stopSignal.stop() }
        defer { withExtendedLifetime(signals) {} }

        let started = Date()
        if once {
            let progress = ProgressLine(totalBytes: Self.totalBytes(of: sources))
            pipeline.onBatch = { progress.update($0, started: started) }
            let summary = try pipeline.runOnce()
            progress.finish()
            print(Self.summaryLine(summary, seconds: Date().timeIntervalSince(started)))
        } else {
            printError("toban ingest: following \(sources.count) source\(sources.count == 1 ? "" : "s") into \(storePath) (SIGTERM/SIGINT to stop)")
            try pipeline.run()
            printError(Self.summaryLine(pipeline.summary, seconds: Date().timeIntervalSince(started)))
        }
    }

    /// Zone-less dates of a source without a `timezone` are read in the host's zone: with
    /// its fixed offset when it keeps no daylight saving (cheaper, same result), else with
    /// the offset in force on each date, so a run that lasts across a change stays right.
    static func parserOptions(hostZone: TimeZone, now: Date = Date()) -> ParserOptions {
        var options = ParserOptions(syslogYear: Calendar(identifier: .gregorian).component(.year, from: now),
                                    localUTCOffsetSeconds: hostZone.secondsFromGMT(for: now))
        if hostZone.nextDaylightSavingTimeTransition(after: now) != nil { options.localTimeZone = hostZone }
        return options
    }

    static let defaultBatchBytes = 2 << 20
    static let defaultMaxBatchDetections = 700

    static func summaryLine(_ s: IngestSummary, seconds: Double) -> String {
        let rate = seconds > 0 ? Int(Double(s.lines) / seconds) : s.lines
        return "ingested \(s.lines) lines: \(s.detections) detections, \(s.contextEvents) context, \(s.healthEvents) health, "
            + "\(s.quarantined) quarantined, \(s.sampledOut) sampled out, \(s.unassigned) unassigned "
            + "in \(String(format: "%.2f", seconds)) s (\(rate) lines/s)"
    }

    static func totalBytes(of sources: [SourceSettings]) -> Int64 {
        sources.reduce(0) { total, s in
            let size = (try? FileManager.default.attributesOfItem(atPath: s.path)[.size] as? Int64) ?? nil
            return total + (size ?? 0)
        }
    }
}

/// A one-line progress bar on standard error, only when it is a terminal.
final class ProgressLine {
    let totalBytes: Int64
    let enabled = isatty(STDERR_FILENO) == 1

    init(totalBytes: Int64) { self.totalBytes = totalBytes }

    func update(_ s: IngestSummary, started: Date) {
        guard enabled else { return }
        let fraction = totalBytes > 0 ? min(1, Double(s.bytes) / Double(totalBytes)) : 0
        let width = 30
        let filled = Int(fraction * Double(width))
        let rate = Int(Double(s.lines) / max(0.001, Date().timeIntervalSince(started)))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(bar) \(Int(fraction * 100))%  \(s.lines) lines  \(rate) lines/s ".utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1b}[K".utf8)) }
    }
}
