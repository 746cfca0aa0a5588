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
    private let clock: any TobanClock
    private let quarantine: QuarantineWriter
    private let loop: FollowLoop
    /// Commits on its own thread while this one reads on (see `BatchCommitter`).
    private let committer: BatchCommitter
    /// Input bytes and start of the batch being gathered (`IngestOptions.batchBytes`).
    private var batchStartBytes: Int64 = 0
    private var batchStartedAt: Duration

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

    /// Context is held across batches and stored every `contextFlushInterval` (or sooner
    /// when much is held) by one batch that takes it along, its checkpoints saying that
    /// context is stored up to them. Other batches store their rows and say, per source,
    /// where stored context still ends: `contextFrom`, as of the last batch that took it.
    private var contextFrom: [String: SourceCheckpoint] = [:]
    private var lastContextFlush: Duration
    /// A file was rotated, truncated, finished…: the next batch takes the context, so held
    /// context never spans two files of a source.
    private var contextFlushWanted = false
    /// After a restart, sources whose context was stored behind their rows resume at the
    /// context position; lines before the rows' checkpoint were committed already, so they
    /// are read for their context only. Armed when the follower confirms it resumed at the
    /// context position. Until they are read, a batch still names the rows' checkpoint.
    private var replayCandidates: [String: SourceCheckpoint] = [:]
    private var replaying: [String: SourceCheckpoint] = [:]
    /// The checkpoints last handed to the committer, per source: a batch that would only
    /// repeat them is not committed (see `submit`).
    private var submittedCheckpoints: [String: SourceCheckpoint] = [:]
    /// The last batch handed to the committer settled (`IngestBatch.settles`): an empty
    /// batch that would only settle again is not committed either.
    private var settled = true
    /// Progress callback (lines so far, bytes so far), called after each batch.
    public var onBatch: ((IngestSummary) -> Void)?

    /// Per followed file: its format and parser. The format is the configured one, else the
    /// one kept with the file's checkpoint, else detected from the file's first lines.
    struct ParserSlot {
        var format: SourceFormat?
        var parser: (any LineParser)?
        /// The format was detected here and no line has parsed in it yet: a line it rejects
        /// is quarantined and the format detected again at the next line (the guess may
        /// have come from that very line: garbage, a torn record).
        var tentative = false
        var guesses = 0
    }

    /// Detections guessed again after rejected lines, at most, before a file's format is kept.
    static let maxFormatGuesses = 8

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
                sink: IngestSink, clock: any TobanClock, stopSignal: StopSignal = StopSignal()) throws {
        if let stray = sources.first(where: { $0.customerID.map { directory.customer(id: $0) == nil } ?? false }) {
            throw UnknownSourceCustomer(customerID: stray.customerID ?? "", path: stray.path)
        }
        self.sources = sources
        self.options = options
        self.normaliser = EventNormaliser(directory: directory, rules: rules)
        self.sink = sink
        // Four batches may wait for the writer: batches cost the two threads unevenly (one
        // takes the held context, one settles the endpoints, one ends a transaction), and
        // with fewer either thread often waited for the other: the writer stops 30-100 ms
        // at a time to settle endpoints, merge held context or commit, while reading the
        // next batch takes ~25 ms. Batches are small (see `IngestCommand`).
        self.committer = BatchCommitter(sink: sink, capacity: 4, clock: clock, maxGroupAge: options.maxTransactionAge)
        self.clock = clock
        self.batchStartedAt = clock.uptime
        self.lastContextFlush = clock.uptime
        let checkpoints = try sink.checkpoints()
        self.quarantine = try QuarantineWriter(path: options.quarantinePath, maxBytes: options.quarantineMaxBytes, committed: checkpoints)
        self.accumulator = BatchAccumulator(aggregationWindow: options.aggregationWindow)
        for checkpoint in checkpoints {
            contextFrom[checkpoint.sourceID] = checkpoint.resumePoint
            if checkpoint.contextOffset != nil { replayCandidates[checkpoint.sourceID] = checkpoint }
        }
        let followerOptions = FollowerOptions(reader: LineReaderOptions(maxLineBytes: options.maxLineBytes),
                                              backfillCompressed: options.backfillCompressed)
        // Followers check a file against where its rows are stored (offset, fingerprint) and
        // resume where its context is stored.
        let followers = sources.map { FileFollower(source: $0, checkpoints: checkpoints, options: followerOptions) }
        self.loop = FollowLoop(followers: followers, clock: clock, pollInterval: options.pollInterval,
                               maxLinesPerPoll: options.batchLines, stopSignal: stopSignal)
    }

    public var stopSignal: StopSignal { loop.stopSignal }

    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// Reads every source to its end and returns (`toban ingest --once`).
    @discardableResult
    public func runOnce() throws -> IngestSummary {
        defer { committer.close() }
        try loop.runOnce({ follower, item in self.handle(item, follower: follower) },
                         afterPoll: { follower, poll in try self.afterPoll(follower, poll) })
        try commitRemaining()
        try committer.drain()
        return summary
    }

    /// Follows until the stop signal (`toban ingest`), checking sensor silence and pruning
    /// old context as it goes.
    public func run() throws {
        defer { committer.close() }
        try loop.run({ follower, item in self.handle(item, follower: follower) },
                     afterPoll: { follower, poll in
                         try self.afterPoll(follower, poll)
                         try self.housekeeping()
                     })
        try commitRemaining()
        try committer.drain()
    }

    /// Commits what is still held: rows a batch gathered over several polls (stopped
    /// mid-way), and context.
    private func commitRemaining() throws {
        guard !accumulator.isEmpty || accumulator.hasContext else { return }
        try commitTakingContext()
    }

    // MARK: Lines

    private func handle(_ item: FollowItem, follower: FileFollower) {
        let source = follower.source
        switch item {
        case .line(let line):
            handle(line: line, follower: follower)
        case .event(let event):
            if let previous = event.previousSourceID { move(from: previous, to: event.sourceID) }
            switch event.kind {
            case .oversized(let offset, let length):
                if let rows = replaying[event.sourceID], offset < rows.offset { return } // quarantined before the restart
                accumulator.count(lines: 1, quarantined: 1)
                quarantine.record(path: event.path, offset: offset, length: Int(length),
                                  reason: "line of \(length) bytes exceeds the \(options.maxLineBytes)-byte limit",
                                  line: nil, at: clock.now)
            case .appeared(let start, let resumed):
                // A new file under this source id (a rotated path's successor) has its own
                // format and parser state.
                if let i = fileIndex[event.sourceID] { files[i].slot = ParserSlot(format: source.format) }
                // Only the file the checkpoint names is resumed (its identity was checked);
                // a rotated file's successor appears under the same source id, not resumed.
                if resumed, let rows = replayCandidates[event.sourceID], start == rows.resumeOffset {
                    replayCandidates[event.sourceID] = nil
                    replaying[event.sourceID] = rows
                }
            case .truncated, .finished, .failed:
                // Offsets start again, or the file is done: nothing more to read again.
                replaying[event.sourceID] = nil
                contextFlushWanted = true
            case .rotated, .vanished, .checkpointRejected:
                // The file being read is still read to its end (a rotated one is drained).
                contextFlushWanted = true
            }
        }
    }

    /// A file now goes by another source id (rotated away and drained under a key of its
    /// own): what is kept for it goes along, and the old id is free for the next file.
    private func move(from previous: String, to sourceID: String) {
        func carry(_ table: inout [String: SourceCheckpoint]) {
            var value = table.removeValue(forKey: previous)
            value?.sourceID = sourceID
            table[sourceID] = value
        }
        carry(&replayCandidates)
        carry(&replaying)
        carry(&contextFrom)
        carry(&submittedCheckpoints)
        fileIndex[sourceID] = fileIndex.removeValue(forKey: previous)
        lastFile = -1
        lastSourceID = ""
    }

    private func handle(line: FollowedLine, follower: FileFollower) {
        let source = follower.source
        let content = Self.content(of: line)
        if !replaying.isEmpty, let rows = replaying[line.sourceID] {
            if line.start < rows.offset {
                replayContext(of: line, content: content, follower: follower)
                return
            }
            replaying[line.sourceID] = nil
        }
        accumulator.count(lines: 1)
        summary.bytes += line.end - line.start
        let parsed = parse(line, content: content, follower: follower)
        switch parsed.result {
        case .skip:
            return
        case .invalid(let reason):
            quarantineLine(line, reason: reason)
        case .event(let event):
            accept(event, line: line, source: source, format: parsed.format, file: parsed.file)
        }
    }

    /// A line committed before a restart whose context was not stored yet: its context
    /// only (its rows, counts and quarantine entry are stored already).
    private func replayContext(of line: FollowedLine, content: Bytes, follower: FileFollower) {
        let source = follower.source
        guard case .event(let event) = parse(line, content: content, follower: follower).result,
              case .context(let kind) = event.kind else { return }
        let (_, assignment) = assign(event, source: source, path: line.path)
        guard let endpoint = assignment.endpoint else { return }
        addContext(event, kind: kind, customerID: assignment.customerID, endpoint: endpoint, now: clock.now, counted: false)
    }

    /// The event's sensor, and the customer and endpoint it belongs to.
    private func assign(_ event: ParsedEvent, source: SourceSettings, path: String) -> (sensor: String, CustomerDirectory.Assignment) {
        let sensor = EventNormaliser.sensorName(event, source: source, path: path)
        return (sensor, normaliser.directory.assign(sourceCustomer: source.customerID, sensor: sensor,
                                                    source: event.sourceIP, destination: event.destinationIP))
    }

    /// Adds a context event to its endpoint's bucket (`counted` false when it was counted
    /// before a restart). Inlined, like `BatchAccumulator.add(context:)`, so the closure that
    /// makes the example does not copy the parsed event.
    @inline(__always)
    private func addContext(_ event: ParsedEvent, kind: ContextKind, customerID: String, endpoint: IPAddress, now: Date, counted: Bool) {
        let time = event.timestamp.map { Date(timeIntervalSince1970: $0) } ?? now
        accumulator.add(context: kind, customerID: customerID, endpoint: endpoint, time: time, counted: counted,
                        peer: EventNormaliser.peer(event, endpoint: endpoint)) { text in
            EventNormaliser.writeSummary(event, kind: kind, endpoint: endpoint, to: &text)
        }
    }

    /// A line's bytes without what is not content: a UTF-8 byte order mark at the start of
    /// a file, and NUL padding before a record (what a crash or preallocation leaves).
    static func content(of line: FollowedLine) -> Bytes {
        var bytes = line.bytes
        if line.start == 0, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            bytes = Bytes(rebasing: bytes[3...])
        }
        if bytes.first == 0 {
            bytes = Bytes(rebasing: bytes[(bytes.firstIndex { $0 != 0 } ?? bytes.endIndex)...])
        }
        return bytes
    }

    /// What `parse` made of a line: its file, the format it was read in, and the outcome.
    private struct ParsedLine {
        var file: Int
        var format: SourceFormat
        var result: LineResult

        /// Nothing to do (file and format unset).
        static let nothing = ParsedLine(file: -1, format: .syslog, result: .skip)
    }

    /// The line's file, the format it was parsed in and what its parser made of the line
    /// (`content`, the line without BOM or padding); `ParsedLine.nothing` for a line that
    /// tells nothing (blank before the first record) or was quarantined (format unknown).
    /// Not optional: the optional was destroyed through the runtime's generic value
    /// witnesses, for every line.
    private func parse(_ line: FollowedLine, content: Bytes, follower: FileFollower) -> ParsedLine {
        let i = file(line.sourceID, source: follower.source)
        if files[i].slot.parser == nil {
            guard setUpParser(file: i, line: line, content: content, follower: follower) else {
                let padding = content.isEmpty && line.bytes.first == 0
                if isBlank(content) && !padding { return .nothing } // blank lines before the first record
                if replaying[line.sourceID] == nil {
                    quarantineLine(line, reason: padding ? "NUL padding only" : "format not recognised (set `format` for this source)")
                }
                return .nothing
            }
        }
        let format = files[i].slot.format!
        let result: LineResult
        if content.isEmpty && line.bytes.first == 0 {
            result = .invalid(reason: "NUL padding only")
        } else {
            result = files[i].slot.parser!.parse(content)
        }
        if files[i].slot.tentative, !isBlank(content) {
            // Syslog is what a line fitting nothing else looks like: without a date it is no
            // evidence (a garbage first line, the file's later lines still to come).
            let weak: Bool
            switch result {
            case .invalid: weak = true
            case .event(let event): weak = format == .syslog && event.timestamp == nil
            case .skip: weak = false
            }
            if weak && files[i].slot.guesses < Self.maxFormatGuesses {
                files[i].slot.parser = nil
                files[i].slot.format = nil
            } else {
                files[i].slot.tentative = false
                if case .invalid = result {} else { follower.setFormat(format, of: line.sourceID) }
            }
        }
        // One gate for every parser: a time nothing downstream can represent (1e300, a
        // 19-digit epoch) makes the line unusable, never the process trap.
        if case .event(let event) = result, let time = event.timestamp, let reason = EventTime.problem(time) {
            return ParsedLine(file: i, format: format, result: .invalid(reason: reason))
        }
        return ParsedLine(file: i, format: format, result: result)
    }

    /// Sets up the parser of a file at its first line this run: in the configured format,
    /// the one kept with the file, or the one its first lines show (tentatively). A Zeek
    /// TSV file first read past its start gets its `#` header lines again. False when no
    /// format can be told (the line is blank, or fits none).
    private func setUpParser(file i: Int, line: FollowedLine, content: Bytes, follower: FileFollower) -> Bool {
        let source = follower.source
        var format = files[i].slot.format ?? follower.format(of: line.sourceID)
        var tentative = false
        if format == nil {
            files[i].slot.guesses += 1
            tentative = true
            format = follower.head(of: line.sourceID).flatMap { head in
                head.withUnsafeBufferPointer { FormatDetector.detect(sample: $0) }
            } ?? FormatDetector.detect(line: content)
        }
        guard let format else { return false }
        files[i].slot.format = format
        files[i].slot.tentative = tentative
        var parserOptions = options.parser
        if let zone = source.timeZone.flatMap(TimeZone.init(identifier:)) {
            parserOptions.localTimeZone = zone
        }
        // Dates without a year are read near now when the file is opened, then near the
        // file's previous one: a run that lasts past New Year, or a December file read
        // in January, keeps the right year (`ParserOptions.yearless`).
        let opened = clock.now
        parserOptions.syslogYear = Self.utcCalendar.component(.year, from: opened)
        parserOptions.yearReference = opened.timeIntervalSince1970
        var parser = makeParser(for: format, fileName: line.path, options: parserOptions)
        if format == .zeekTSV, line.start > 0 {
            follower.lines(of: line.sourceID, startingWith: ASCII.hash, before: line.start) { header in
                _ = parser.parse(header)
            }
        }
        files[i].slot.parser = parser
        return true
    }

    private func quarantineLine(_ line: FollowedLine, reason: String) {
        accumulator.count(quarantined: 1)
        quarantine.record(path: line.path, offset: line.start, length: Int(line.end - line.start), reason: reason, line: line.bytes, at: clock.now)
    }

    private func accept(_ event: ParsedEvent, line: FollowedLine, source: SourceSettings, format: SourceFormat, file i: Int) {
        let now = clock.now
        if let time = event.timestamp, time > now.timeIntervalSince1970 + options.futureTimeMargin {
            // A time too far ahead (a sensor clock or zone gone wrong, a forged line) would sit
            // atop the queue: the event is dated at its arrival, its own time kept beside it.
            var dated = event
            dated.claimedTime = UTCTimestamp.iso8601(milliseconds: Int64((time * 1000 + 0.001).rounded(.down)))
            dated.timestamp = now.timeIntervalSince1970
            return accept(dated, line: line, source: source, format: format, file: i)
        }
        let (sensor, assignment) = assign(event, source: source, path: line.path)
        if assignment.isUnassigned { accumulator.count(unassigned: 1) }
        let isDetection = event.kind == .detection
        let second = EventTime.wholeSeconds(event.timestamp ?? now.timeIntervalSince1970)
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
            addContext(event, kind: kind, customerID: assignment.customerID, endpoint: endpoint, now: now, counted: true)
            accumulator.sawSensor(SensorHealthSample(sensor: sensor, customerID: assignment.customerID, at: now, isHeartbeat: false))
        case .health:
            summary.healthEvents += 1
            accumulator.sawSensor(SensorHealthSample(sensor: sensor, customerID: assignment.customerID, at: now,
                                                     kernelPackets: event.packets.map { Int64(clamping: $0) },
                                                     kernelDrops: event.drops.map { Int64(clamping: $0) }, isHeartbeat: true))
        }
    }

    // MARK: Batches

    /// After each poll: commit, unless batches are gathered by size (`batchBytes`, one
    /// source only) and this one is still small, young, and more input is waiting. A poll
    /// that caught up with its file always commits, so followed lines show up at once.
    private func afterPoll(_ follower: FileFollower, _ poll: PollSummary) throws {
        committer.reclaim()
        if let budget = options.batchBytes, loop.followers.count == 1, poll.limitReached,
           summary.bytes - batchStartBytes < Int64(budget), accumulator.detectionCount < options.maxBatchDetections,
           clock.uptime - batchStartedAt < options.maxBatchAge {
            return
        }
        // A poll that stopped at its limit leaves a backlog behind it: the batch need not
        // settle (`IngestBatch.settles`); one that caught up does.
        try commit(follower, settles: !poll.limitReached)
    }

    private func commit(_ follower: FileFollower, settles: Bool) throws {
        let checkpoints = follower.checkpoints
        if contextIsDue(checkpoints) { return try commitTakingContext(settles: settles) }
        // Each source's stored context still ends where the last batch that took it left it.
        var batch = accumulator.take(checkpoints: checkpoints.map { position($0, contextAt: contextFrom[$0.sourceID]) }, context: false)
        batch.settles = settles
        try submit(batch)
    }

    /// What a batch says of a source now at `checkpoint`, with context stored up to
    /// `contextAt`: where its rows are stored up to is `checkpoint` itself, except while
    /// lines committed before a restart are read again (the rows' checkpoint stays).
    private func position(_ checkpoint: SourceCheckpoint, contextAt: SourceCheckpoint?) -> SourceCheckpoint {
        if let rows = replaying[checkpoint.sourceID], checkpoint.offset < rows.offset { return rows.withContext(at: contextAt) }
        return checkpoint.withContext(at: contextAt)
    }

    /// Whether this batch takes the held context along: when nothing is held (free, and
    /// keeps the context position up with the rows), when it is old or big enough, and
    /// when a source's file changed since the context position (held context must cover
    /// one file per source, the one the batch's checkpoint names, to be read again after
    /// a crash).
    private func contextIsDue(_ checkpoints: [SourceCheckpoint]) -> Bool {
        if !accumulator.hasContext || contextFlushWanted { return true }
        if clock.uptime - lastContextFlush >= options.contextFlushInterval { return true }
        if accumulator.sampleCount >= options.maxHeldContextSamples || accumulator.bucketCount >= options.maxHeldContextBuckets { return true }
        return checkpoints.contains { c in
            guard let from = contextFrom[c.sourceID] else { return true }
            return from.device != c.device || from.inode != c.inode || from.offset > c.offset
        }
    }

    /// A batch with the held context and every source's checkpoint (each source's lines
    /// so far are in this batch or committed before it, so context is stored up to there).
    private func commitTakingContext(settles: Bool = true) throws {
        let checkpoints = loop.followers.flatMap(\.checkpoints)
        var batch = accumulator.take(checkpoints: checkpoints.map { position($0, contextAt: $0) }, context: true)
        batch.settles = settles
        contextFlushWanted = false
        lastContextFlush = clock.uptime
        for c in checkpoints { contextFrom[c.sourceID] = c }
        try submit(batch)
    }

    private func submit(_ batch: IngestBatch) throws {
        batchStartBytes = summary.bytes
        defer { batchStartedAt = clock.uptime } // after any wait for the committer
        guard !batch.isEmpty || batch.counters.lines > 0 else { return }
        // A follower polls every 100 ms; committing its unchanged checkpoints each time
        // made ten write transactions a second on an idle file, and each one makes every
        // console watching the store reload what it shows.
        if batch.detections.isEmpty, batch.context.isEmpty, batch.sensorHealth.isEmpty, batch.counters == IngestCounters(),
           batch.checkpoints.allSatisfy({ submittedCheckpoints[$0.sourceID] == $0 }), !batch.settles || settled {
            return
        }
        settled = batch.settles
        for c in batch.checkpoints { submittedCheckpoints[c.sourceID] = c }
        try quarantine.flush()
        try committer.submit(batch)
        summary.add(batch.counters)
        summary.batches += 1
        onBatch?(summary)
    }

    private func housekeeping() throws {
        // Only between batches: a gathered batch's rows must commit with their checkpoints.
        guard accumulator.isEmpty else { return }
        let now = clock.now
        if now.timeIntervalSince(lastSilenceCheck) >= options.silenceCheckInterval {
            lastSilenceCheck = now
            try committer.drain()
            let gaps = SilenceMonitor.gaps(lastSeen: try sink.sensorLastSeen(), directory: normaliser.directory, now: now)
            if !gaps.isEmpty {
                for gap in gaps { accumulator.add(detection: HealthDetections.monitoringGap(gap, now: now)) }
                let batch = accumulator.take(checkpoints: [], context: false)
                try committer.submit(batch)
                settled = true
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
