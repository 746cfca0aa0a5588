import Foundation
import TobanCore

/// The ingest loop: followers → parsers → normaliser → batches → sink.
///
/// Exactly once: every poll of a follower is one batch, committed by the sink together with
/// the checkpoints that point just after the batch's last line. After a crash the store
/// holds whole batches only, and the followers resume from the committed checkpoints.
public final class IngestPipeline {
    public let sources: [SourceSettings]
    public let options: IngestOptions
    private var normaliser: EventNormaliser
    private let sink: IngestSink
    private let clock: () -> Date
    private let quarantine: QuarantineWriter
    private let loop: FollowLoop
    /// Commits on its own thread while this one reads on (see `BatchCommitter`).
    private let committer: BatchCommitter
    /// Customer derived from each sensor name (`CustomerDirectory.customerID(fromSensor:)`), memoised.
    private var derivedCustomers: [String: String?] = [:]
    /// Input bytes and start of the batch being gathered (`IngestOptions.batchBytes`).
    private var batchStartBytes: Int64 = 0
    private var batchStartedAt = ContinuousClock.now

    /// Per followed file (by source id): its parser and flood meter. Lines come in runs
    /// from one file, so the last file's index is remembered rather than hashed per line.
    private var files: [FileState] = []
    private var fileIndex: [String: Int] = [:]
    private var lastSourceID = ""
    private var lastFile = -1
    private var accumulator: BatchAccumulator
    public private(set) var summary = IngestSummary()
    private var lastSilenceCheck = Date.distantPast
    private var lastPrune = Date.distantPast
    /// Progress callback (lines so far, bytes so far), called after each batch.
    public var onBatch: ((IngestSummary) -> Void)?

    /// Per followed file: its format (detected from its first line unless configured) and parser.
    struct ParserSlot {
        var format: SourceFormat?
        var parser: (any LineParser)?
    }

    struct FileState {
        var slot: ParserSlot
        var meter: FloodMeter
    }

    private func file(_ sourceID: String, source: SourceSettings) -> Int {
        if lastFile >= 0 && sourceID == lastSourceID { return lastFile }
        let index: Int
        if let known = fileIndex[sourceID] {
            index = known
        } else {
            index = files.count
            files.append(FileState(slot: ParserSlot(format: source.format), meter: FloodMeter(limitPerSecond: options.floodEventsPerSecond)))
            fileIndex[sourceID] = index
        }
        lastSourceID = sourceID
        lastFile = index
        return index
    }

    public init(sources: [SourceSettings], directory: CustomerDirectory, rules: UrgencyRules, options: IngestOptions,
                sink: IngestSink, clock: @escaping () -> Date = Date.init, stopSignal: FollowStopSignal = FollowStopSignal()) throws {
        self.sources = sources
        self.options = options
        self.normaliser = EventNormaliser(directory: directory, rules: rules)
        self.sink = sink
        self.committer = BatchCommitter(sink: sink, capacity: 1)
        self.clock = clock
        self.quarantine = try QuarantineWriter(path: options.quarantinePath)
        self.accumulator = BatchAccumulator(aggregationWindow: options.aggregationWindow)
        let checkpoints = try sink.checkpoints()
        let followerOptions = FollowerOptions(reader: LineReaderOptions(maxLineBytes: options.maxLineBytes),
                                              backfillCompressed: options.backfillCompressed)
        let followers = sources.map { FileFollower(source: $0, checkpoints: checkpoints, options: followerOptions) }
        self.loop = FollowLoop(followers: followers, pollInterval: options.pollInterval,
                               maxLinesPerPoll: options.batchLines, stopSignal: stopSignal)
    }

    public var stopSignal: FollowStopSignal { loop.stopSignal }

    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// Reads every source to its end and returns (`toban ingest --once`).
    @discardableResult
    public func runOnce() throws -> IngestSummary {
        defer { committer.close() }
        try loop.runOnce({ follower, item in self.handle(item, source: follower.source) },
                         afterPoll: { follower, poll in try self.afterPoll(follower, poll) })
        try commitGathered()
        try committer.drain()
        return summary
    }

    /// Follows until the stop signal (`toban ingest`), checking sensor silence and pruning
    /// old context as it goes.
    public func run() throws {
        defer { committer.close() }
        try loop.run({ follower, item in self.handle(item, source: follower.source) },
                     afterPoll: { follower, poll in
                         try self.afterPoll(follower, poll)
                         try self.housekeeping()
                     })
        try commitGathered()
        try committer.drain()
    }

    /// Commits what a batch gathered over several polls still holds (stopped mid-way).
    private func commitGathered() throws {
        if !accumulator.isEmpty, loop.followers.count == 1, let follower = loop.followers.first {
            try commit(follower)
        }
    }

    // MARK: Lines

    private func handle(_ item: FollowItem, source: SourceSettings) {
        switch item {
        case .line(let line):
            handle(line: line, source: source)
        case .event(let event):
            if case .oversized(let offset, let length) = event.kind {
                accumulator.count(lines: 1, quarantined: 1)
                quarantine.record(path: event.path, offset: offset, length: Int(length),
                                  reason: "line of \(length) bytes exceeds the \(options.maxLineBytes)-byte limit",
                                  line: nil, at: clock())
            }
        }
    }

    private func handle(line: FollowedLine, source: SourceSettings) {
        accumulator.count(lines: 1)
        summary.bytes += line.end - line.start
        let i = file(line.sourceID, source: source)
        if files[i].slot.parser == nil {
            guard let format = files[i].slot.format ?? FormatDetector.detect(line: line.bytes) else {
                if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return } // blank lines before the first record
                quarantineLine(line, reason: "format not recognised (set `format` for this source)")
                return
            }
            files[i].slot.format = format
            var parserOptions = options.parser
            if let zone = source.timeZone.flatMap(TimeZone.init(identifier:)) {
                parserOptions.localTimeZone = zone
            }
            // Dates without a year are read near now when the file is opened, then near the
            // file's previous one: a run that lasts past New Year, or a December file read
            // in January, keeps the right year (`ParserOptions.yearless`).
            let opened = clock()
            parserOptions.syslogYear = Self.utcCalendar.component(.year, from: opened)
            parserOptions.yearReference = opened.timeIntervalSince1970
            files[i].slot.parser = makeParser(for: format, fileName: line.path, options: parserOptions)
        }
        let result = files[i].slot.parser!.parse(line.bytes)
        let format = files[i].slot.format!
        switch result {
        case .skip:
            return
        case .invalid(let reason):
            quarantineLine(line, reason: reason)
        case .event(let event):
            accept(event, line: line, source: source, format: format, file: i)
        }
    }

    private func quarantineLine(_ line: FollowedLine, reason: String) {
        accumulator.count(quarantined: 1)
        quarantine.record(path: line.path, offset: line.start, length: Int(line.end - line.start), reason: reason, line: line.bytes, at: clock())
    }

    private func accept(_ event: ParsedEvent, line: FollowedLine, source: SourceSettings, format: SourceFormat, file i: Int) {
        let now = clock()
        let sensor = EventNormaliser.sensorName(event, source: source, path: line.path)
        let assignment = normaliser.directory.assign(sourceCustomer: source.customerID, sensor: sensor,
                                                     source: event.sourceIP, destination: event.destinationIP,
                                                     deriveFromSensor: derivedCustomer(sensor:))
        if assignment.isUnassigned { accumulator.count(unassigned: 1) }
        let isDetection = event.kind == .detection
        let second = Int64((event.timestamp ?? now.timeIntervalSince1970).rounded(.down))
        let (verdict, transition) = files[i].meter.record(second: second, isDetection: isDetection)
        if case .floodStarted(let rate) = transition {
            accumulator.add(detection: HealthDetections.flood(sensor: sensor, customerID: assignment.customerID, eventsPerSecond: rate,
                                                             limit: options.floodEventsPerSecond, at: now))
        }
        if verdict == .sampleOut {
            accumulator.count(sampledOut: 1)
            return
        }
        switch event.kind {
        case .detection:
            accumulator.add(detection: normaliser.detection(from: event, assignment: assignment, sensor: sensor, format: format,
                                                            path: line.path, offset: line.start, raw: line.bytes, now: now))
            accumulator.sawSensor(SensorHealthSample(sensor: sensor, customerID: assignment.customerID, at: now, isHeartbeat: false))
        case .context(let kind):
            guard let endpoint = assignment.endpoint else {
                accumulator.count() // counted as a line; no internal host to attach it to
                return
            }
            let time = event.timestamp.map { Date(timeIntervalSince1970: $0) } ?? now
            accumulator.add(context: kind, customerID: assignment.customerID, endpoint: endpoint, time: time) {
                EventNormaliser.contextSample(event, kind: kind, endpoint: endpoint, time: time)
            }
            accumulator.sawSensor(SensorHealthSample(sensor: sensor, customerID: assignment.customerID, at: now, isHeartbeat: false))
        case .health:
            summary.healthEvents += 1
            accumulator.sawSensor(SensorHealthSample(sensor: sensor, customerID: assignment.customerID, at: now,
                                                     kernelPackets: event.packets.map { Int64(clamping: $0) },
                                                     kernelDrops: event.drops.map { Int64(clamping: $0) }, isHeartbeat: true))
        }
    }

    private func derivedCustomer(sensor: String) -> String? {
        if let known = derivedCustomers[sensor] { return known }
        let derived = CustomerDirectory.customerID(fromSensor: sensor)
        if derivedCustomers.count > 10_000 { derivedCustomers = [:] }
        derivedCustomers[sensor] = derived
        return derived
    }

    // MARK: Batches

    /// After each poll: commit, unless batches are gathered by size (`batchBytes`, one
    /// source only) and this one is still small, young, and more input is waiting. A poll
    /// that caught up with its file always commits, so followed lines show up at once.
    private func afterPoll(_ follower: FileFollower, _ poll: PollSummary) throws {
        committer.reclaim()
        if let budget = options.batchBytes, loop.followers.count == 1, poll.limitReached,
           summary.bytes - batchStartBytes < Int64(budget), accumulator.detectionCount < options.maxBatchDetections,
           ContinuousClock.now - batchStartedAt < options.maxBatchAge {
            return
        }
        try commit(follower)
    }

    private func commit(_ follower: FileFollower) throws {
        batchStartBytes = summary.bytes
        defer { batchStartedAt = .now } // after any wait for the committer
        let batch = accumulator.take(checkpoints: follower.checkpoints)
        guard !batch.isEmpty || batch.counters.lines > 0 else { return }
        try quarantine.flush()
        try committer.submit(batch)
        summary.add(batch.counters)
        summary.batches += 1
        onBatch?(summary)
    }

    private func housekeeping() throws {
        // Only between batches: a gathered batch's rows must commit with their checkpoints.
        guard accumulator.isEmpty else { return }
        let now = clock()
        if now.timeIntervalSince(lastSilenceCheck) >= options.silenceCheckInterval {
            lastSilenceCheck = now
            try committer.drain()
            let gaps = SilenceMonitor.gaps(lastSeen: try sink.sensorLastSeen(), directory: normaliser.directory, now: now)
            if !gaps.isEmpty {
                for gap in gaps { accumulator.add(detection: HealthDetections.monitoringGap(gap, now: now)) }
                let batch = accumulator.take(checkpoints: [])
                try committer.submit(batch)
                summary.add(batch.counters)
            }
        }
        if now.timeIntervalSince(lastPrune) >= 600 {
            lastPrune = now
            try committer.drain()
            try sink.pruneContext(olderThan: now.addingTimeInterval(-options.contextRetention))
        }
    }
}
