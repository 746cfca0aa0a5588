import Foundation
import TobanCore

public struct IngestOptions: Sendable {
    public var aggregationWindow: TimeInterval
    public var maxLineBytes: Int
    public var floodEventsPerSecond: Int
    /// Seconds ahead of the ingest clock past which an event time is implausible
    /// (`IngestSettings.futureTimeMarginMinutes`).
    public var futureTimeMargin: TimeInterval
    /// Lines per batch (one transaction). Large enough to amortise the commit, small
    /// enough that a follow-mode line is visible well within a second.
    public var batchLines: Int
    /// When set (and one source is followed), polls are gathered into one batch until it
    /// holds about this many bytes of input, `maxBatchDetections` detections, or is
    /// `maxBatchAge` old; a poll that reaches the end of its input commits at once. Bigger
    /// batches amortise the commit; the limits keep memory and latency bounded.
    public var batchBytes: Int?
    public var maxBatchDetections: Int
    public var maxBatchAge: Duration
    /// How long batches read from a backlog may share one transaction (`BatchCommitter`):
    /// new rows show up at least this often while a backlog is read; zero commits each
    /// batch on its own.
    public var maxTransactionAge: Duration = .seconds(1)
    /// Context (endpoint activity) is held across batches and stored this often, or once
    /// this many examples or buckets are held, whichever comes first: one stored part per
    /// bucket per interval instead of one per batch (a followed file's batches are small).
    public var contextFlushInterval: Duration
    public var maxHeldContextSamples: Int
    public var maxHeldContextBuckets: Int
    public var pollInterval: Duration
    public var contextRetention: TimeInterval
    public var silenceCheckInterval: TimeInterval
    /// Quarantine file (JSON Lines); nil keeps counts only.
    public var quarantinePath: String?
    /// Size past which quarantine records name lines without their bytes (`QuarantineWriter`).
    public var quarantineMaxBytes: Int64
    public var backfillCompressed: Bool
    public var parser: ParserOptions

    public init(settings: IngestSettings = IngestSettings(), batchLines: Int = 20_000, batchBytes: Int? = nil,
                maxBatchDetections: Int = 50_000, maxBatchAge: Duration = .milliseconds(500), pollInterval: Duration = .milliseconds(100),
                contextFlushInterval: Duration = .seconds(10), maxHeldContextSamples: Int = 20_000, maxHeldContextBuckets: Int = 10_000,
                silenceCheckInterval: TimeInterval = 60, quarantinePath: String? = nil, backfillCompressed: Bool = true,
                parser: ParserOptions = ParserOptions(syslogYear: 2026, localUTCOffsetSeconds: 9 * 3600)) {
        self.aggregationWindow = TimeInterval(settings.aggregationWindowMinutes * 60)
        self.maxLineBytes = settings.maxLineBytes
        self.floodEventsPerSecond = settings.floodEventsPerSecond
        self.futureTimeMargin = TimeInterval(settings.futureTimeMarginMinutes * 60)
        self.batchLines = batchLines
        self.batchBytes = batchBytes
        self.maxBatchDetections = maxBatchDetections
        self.maxBatchAge = maxBatchAge
        self.contextFlushInterval = contextFlushInterval
        self.maxHeldContextSamples = maxHeldContextSamples
        self.maxHeldContextBuckets = maxHeldContextBuckets
        self.pollInterval = pollInterval
        self.contextRetention = TimeInterval(settings.contextRetentionHours * 3600)
        self.silenceCheckInterval = silenceCheckInterval
        self.quarantinePath = quarantinePath ?? settings.quarantinePath
        self.quarantineMaxBytes = Int64(settings.quarantineMaxMegabytes) << 20
        self.backfillCompressed = backfillCompressed
        var parser = parser
        parser.maxLineLength = settings.maxLineBytes
        self.parser = parser
    }
}

/// What a run did, for the summary line and the benchmark.
public struct IngestSummary: Sendable, Equatable {
    public var lines = 0
    public var detections = 0
    public var contextEvents = 0
    public var healthEvents = 0
    public var quarantined = 0
    public var sampledOut = 0
    public var unassigned = 0
    public var batches = 0
    public var bytes: Int64 = 0

    public init() {}

    mutating func add(_ c: IngestCounters) {
        lines += c.lines
        detections += c.detections
        contextEvents += c.contextEvents
        quarantined += c.quarantined
        sampledOut += c.sampledOut
        unassigned += c.unassigned
    }
}
