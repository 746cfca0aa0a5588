import Foundation

/// What ingest hands to its sink: rows plus the checkpoint they reach. The sink (the
/// store) commits the whole batch in one transaction, so a crash either keeps all of it
/// with its checkpoint or none of it — the basis of exactly-once.
public struct IngestBatch: Sendable {
    /// Detection occurrences in file order. Repeats may already be folded (count > 1); the
    /// store folds them further into existing rows inside the aggregation window.
    public var detections: [Detection]
    public var context: [ContextBucket]
    public var sensorHealth: [SensorHealthSample]
    /// Where each source stands after this batch.
    public var checkpoints: [SourceCheckpoint]
    public var counters: IngestCounters
    /// The sink brings what it derives from many batches (endpoints' risk scores) up to
    /// date with this one. False while a backlog is read, batch after batch: the sink may
    /// then put that work off for a moment (at most a couple of seconds) and do it once.
    public var settles = true
    /// What the sink made of the batch ahead of committing it (`IngestSink.prepare`, on the
    /// reading thread), opaque to ingest; nil until then.
    public var prepared: (any Sendable)?

    public init(detections: [Detection] = [], context: [ContextBucket] = [], sensorHealth: [SensorHealthSample] = [],
                checkpoints: [SourceCheckpoint] = [], counters: IngestCounters = IngestCounters()) {
        self.detections = detections
        self.context = context
        self.sensorHealth = sensorHealth
        self.checkpoints = checkpoints
        self.counters = counters
    }

    public var isEmpty: Bool { detections.isEmpty && context.isEmpty && sensorHealth.isEmpty && checkpoints.isEmpty }
}

/// A source file's position: which file (device, inode, a fingerprint of its first bytes,
/// so a recycled inode is not mistaken for the old file) and the offset after the last
/// complete line consumed.
public struct SourceCheckpoint: Sendable, Equatable, Hashable {
    public var sourceID: String
    public var path: String
    public var device: UInt64
    public var inode: UInt64
    public var fingerprint: UInt64
    public var offset: Int64
    /// Where the source's context (endpoint activity) is stored up to, when that is behind
    /// `offset`, with the file's fingerprint there (it covers the bytes before the offset).
    /// Context is written every few seconds, not with every batch, so after a crash the
    /// lines from here to `offset` are read again for their context only. Nil: at `offset`.
    public var contextOffset: Int64?
    public var contextFingerprint: UInt64?
    /// The file's format as found from its first lines: kept with the file, so a restart
    /// reads on in it instead of guessing again from wherever it resumes. Nil: not known yet.
    public var format: SourceFormat?

    public init(sourceID: String, path: String, device: UInt64, inode: UInt64, fingerprint: UInt64, offset: Int64,
                contextOffset: Int64? = nil, contextFingerprint: UInt64? = nil, format: SourceFormat? = nil) {
        self.sourceID = sourceID
        self.path = path
        self.device = device
        self.inode = inode
        self.fingerprint = fingerprint
        self.offset = offset
        self.format = format
        if let contextOffset, contextOffset < offset {
            self.contextOffset = contextOffset
            self.contextFingerprint = contextFingerprint
        }
    }

    /// Where reading resumes after a restart: the context position, else `offset`.
    public var resumeOffset: Int64 { contextOffset ?? offset }

    /// The context position as a checkpoint of its own (its offset and fingerprint).
    public var resumePoint: SourceCheckpoint {
        guard let contextOffset else { return self }
        return SourceCheckpoint(sourceID: sourceID, path: path, device: device, inode: inode,
                                fingerprint: contextFingerprint ?? fingerprint, offset: contextOffset, format: format)
    }

    /// This position with its context stored up to `context` (same file), or up to
    /// `offset` when `context` is nil or not behind it.
    public func withContext(at context: SourceCheckpoint?) -> SourceCheckpoint {
        SourceCheckpoint(sourceID: sourceID, path: path, device: device, inode: inode, fingerprint: fingerprint, offset: offset,
                         contextOffset: context?.offset, contextFingerprint: context?.fingerprint, format: format)
    }
}

extension SourceCheckpoint {
    /// Ends the key a file is drained under once it rotated away from its path, so that the
    /// next file at the path keeps the path's key: `<path key>#rotated`, `#rotated-2`, …
    public static let rotatedSuffix = "#rotated"

    /// The key of the path the checkpoint's file was followed at: `sourceID` itself, or
    /// for a rotated file drained under a key of its own, its path's key.
    public static func pathSourceID(_ sourceID: String) -> String {
        guard let marker = sourceID.range(of: rotatedSuffix, options: .backwards) else { return sourceID }
        let number = sourceID[marker.upperBound...]
        guard number.isEmpty || (number.count > 1 && number.first == "-" && number.dropFirst().allSatisfy(\.isASCII) && Int(number.dropFirst()) != nil)
        else { return sourceID }
        return String(sourceID[..<marker.lowerBound])
    }
}

/// Per-batch counts, accumulated per source in the store for the console's health footer.
public struct IngestCounters: Sendable, Equatable {
    public var lines: Int
    public var detections: Int
    public var contextEvents: Int
    public var sampledOut: Int
    public var quarantined: Int
    public var unassigned: Int

    public init(lines: Int = 0, detections: Int = 0, contextEvents: Int = 0, sampledOut: Int = 0, quarantined: Int = 0, unassigned: Int = 0) {
        self.lines = lines
        self.detections = detections
        self.contextEvents = contextEvents
        self.sampledOut = sampledOut
        self.quarantined = quarantined
        self.unassigned = unassigned
    }
}

/// What an endpoint did in one time bucket (default one hour): counts per kind and a
/// bounded list of examples. One row per endpoint and bucket, never one per event.
public struct ContextBucket: Sendable, Equatable {
    public var customerID: String
    public var endpoint: IPAddress
    public var bucketStart: Date
    /// Events per kind, indexed by `ContextKind.ordinal`, stored in the bucket itself:
    /// ingest counts nearly every line here, and a dictionary hashed the kind for each
    /// (an array of its own cost a trip to another allocation). 9 is
    /// `ContextKind.allCases.count`; a test holds the two equal.
    private var tally: InlineArray<9, Int> = .init(repeating: 0)
    /// At most `ContextBucket.sampleLimit` examples, distinct, in the order they came.
    public var examples: ContextExamples
    /// The examples as samples of their own (a string made for each).
    public var samples: [ContextSample] {
        get { examples.samples }
        set { examples = ContextExamples(newValue) }
    }

    public static let sampleLimit = 32
    public static let bucketSeconds: TimeInterval = 3600

    public init(customerID: String, endpoint: IPAddress, bucketStart: Date, counts: [ContextKind: Int] = [:], samples: [ContextSample] = []) {
        self.customerID = customerID
        self.endpoint = endpoint
        self.bucketStart = bucketStart
        self.examples = ContextExamples(samples)
        self.counts = counts
    }

    /// Events per kind, in `ContextKind.allCases` order.
    public var countsByKind: [Int] { (0 ..< tally.count).map { tally[$0] } }

    /// The kinds seen, with their counts (kinds not seen are absent).
    public var counts: [ContextKind: Int] {
        get {
            var out: [ContextKind: Int] = [:]
            for kind in ContextKind.allCases where tally[kind.ordinal] != 0 { out[kind] = tally[kind.ordinal] }
            return out
        }
        set {
            tally = .init(repeating: 0)
            for (kind, n) in newValue { tally[kind.ordinal] += n }
        }
    }

    /// Adds `other`'s counts to these.
    public mutating func addCounts(of other: ContextBucket) {
        for i in 0 ..< tally.count { tally[i] += other.tally[i] }
    }

    public static func == (a: ContextBucket, b: ContextBucket) -> Bool {
        a.customerID == b.customerID && a.endpoint == b.endpoint && a.bucketStart == b.bucketStart
            && a.countsByKind == b.countsByKind && a.examples == b.examples
    }

    public static func bucketStart(for time: Date) -> Date {
        Date(timeIntervalSince1970: (time.timeIntervalSince1970 / bucketSeconds).rounded(.down) * bucketSeconds)
    }

    /// Adds one event, keeping the examples bounded and distinct.
    public mutating func add(kind: ContextKind, sample: ContextSample?) {
        tally[kind.ordinal] += 1
        if let sample, examples.count < ContextBucket.sampleLimit { examples.append(sample) }
    }

    /// Adds one event, with an example (if there is room for one) whose summary
    /// `writeSummary` appends to the buffer it is given: no string is made for it.
    @inline(__always)
    public mutating func add(kind: ContextKind, time: Date, peer: IPAddress?, writeSummary: (inout [UInt8]) -> Void) {
        tally[kind.ordinal] += 1
        if examples.count < ContextBucket.sampleLimit { examples.append(time: time, kind: kind, peer: peer, writeSummary: writeSummary) }
    }
}

public enum ContextKind: String, Sendable, Codable, CaseIterable {
    case dns, http, tls, fileinfo, flow, smtp, ssh, conn, other

    /// Position in `allCases`, without a search.
    public var ordinal: Int {
        switch self {
        case .dns: 0
        case .http: 1
        case .tls: 2
        case .fileinfo: 3
        case .flow: 4
        case .smtp: 5
        case .ssh: 6
        case .conn: 7
        case .other: 8
        }
    }
}

public struct ContextSample: Sendable, Equatable, Codable {
    public var time: Date
    public var kind: ContextKind { didSet { identity = Self.identity(kind: kind, summary: summary) } }
    public var peer: IPAddress?
    /// e.g. "A example.org", "GET cdn1.example.net/download/update.exe", "sni login.example.com".
    public var summary: String { didSet { identity = Self.identity(kind: kind, summary: summary) } }
    /// What makes two examples the same (kind and summary), hashed once: a bucket compares
    /// each new example with the ones it keeps, and the store with the ones it stored.
    public private(set) var identity: Int

    public init(time: Date, kind: ContextKind, peer: IPAddress?, summary: String) {
        self.time = time
        self.kind = kind
        self.peer = peer
        self.summary = summary
        self.identity = Self.identity(kind: kind, summary: summary)
    }

    /// Same kind and summary.
    public func isSameExample(as other: ContextSample) -> Bool {
        identity == other.identity && kind == other.kind && summary == other.summary
    }

    /// The identity of an example of `kind` whose summary is `summaryBytes` (UTF-8): a
    /// 64-bit hash of the bytes, eight at a time. Nearly every context event becomes an
    /// example, and `Hasher` (SipHash, seeded per process for dictionaries that face
    /// untrusted keys) cost ~600 instructions for a 30-byte summary; these identities are
    /// only compared in short lists, where a collision at worst keeps one example fewer.
    public static func identity(kind: ContextKind, summaryBytes: UnsafeRawBufferPointer) -> Int {
        let multiplier: UInt64 = 0x9FB2_1C65_1E98_DF25
        var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ (UInt64(kind.ordinal) &* multiplier)
        let n = summaryBytes.count
        var i = 0
        while i + 8 <= n {
            h = (h ^ summaryBytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* multiplier
            h ^= h >> 32
            i += 8
        }
        var tail = UInt64(truncatingIfNeeded: n) << 56
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(summaryBytes[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* multiplier
        // Final mix (MurmurHash3's), so every input bit reaches every output bit.
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return Int(bitPattern: UInt(h))
    }

    public static func identity(kind: ContextKind, summary: String) -> Int {
        summary.withUTF8Bytes { identity(kind: kind, summaryBytes: UnsafeRawBufferPointer($0)) }
    }

    enum CodingKeys: String, CodingKey { case time = "t", kind = "k", peer = "p", summary = "s" }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        time = Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .time))
        kind = try c.decode(ContextKind.self, forKey: .kind)
        peer = try c.decodeIfPresent(String.self, forKey: .peer).flatMap { IPAddress($0) }
        summary = try c.decode(String.self, forKey: .summary)
        identity = Self.identity(kind: kind, summary: summary)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(time.timeIntervalSince1970, forKey: .time)
        try c.encode(kind, forKey: .kind)
        try c.encodeIfPresent(peer?.description, forKey: .peer)
        try c.encode(summary, forKey: .summary)
    }
}

/// A sensor's heartbeat (Suricata `stats`, Zeek `stats`/`capture_loss`) or any event seen
/// from it: the store keeps the last time each sensor spoke, to find monitoring gaps.
public struct SensorHealthSample: Sendable, Equatable {
    public var sensor: String
    public var customerID: String
    public var at: Date
    public var kernelPackets: Int64?
    public var kernelDrops: Int64?
    public var isHeartbeat: Bool

    public init(sensor: String, customerID: String, at: Date, kernelPackets: Int64? = nil, kernelDrops: Int64? = nil, isHeartbeat: Bool) {
        self.sensor = sensor
        self.customerID = customerID
        self.at = at
        self.kernelPackets = kernelPackets
        self.kernelDrops = kernelDrops
        self.isHeartbeat = isHeartbeat
    }
}

extension Customer {
    /// The pseudo-customer that owns events no configured customer claims. They are kept,
    /// shown in the console, and never dropped.
    public static let unassignedID = "unassigned"
}
