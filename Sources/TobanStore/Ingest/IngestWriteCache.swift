import Foundation
import GRDB
import TobanCore

/// What one ingest writer remembers between its batches so that a batch does not read
/// back what the previous batches wrote: per context bucket, the identity of its samples
/// and its next part number; per endpoint, its signals (what scoring and corroboration
/// need) and what its row waits for; the open rows folding may add to (`open`).
///
/// The cache is only trusted while nobody else wrote to the store: each commit checks
/// `PRAGMA data_version` (moves when another connection commits — an analyst closing a
/// detection, a prune, an erasure) and `total_changes()` (moves when this connection wrote
/// outside these batches) against the values it left, and starts empty if either moved;
/// the open rows are caught up with instead (`OpenAggregates.catchUp`), and endpoints whose
/// held counters are dropped are counted again when they settle.
///
/// Owned by one writer; the lock only guards against accidental concurrent use.
public final class IngestWriteCache: @unchecked Sendable {
    struct BucketKey: Hashable {
        var customerID: String
        var endpoint: IPAddress
        var start: Int64
    }

    struct BucketState {
        /// `ContextSample.identity` of each stored sample.
        var sampleKeys: [Int]
        /// The number the bucket's next part gets.
        var nextPart: Int

        /// A full bucket's keys are never read again (no more examples are added), so
        /// every full bucket shares this one array instead of keeping its own.
        static let full = [Int](repeating: 0, count: ContextBucket.sampleLimit)

        var isFull: Bool { sampleKeys.count >= ContextBucket.sampleLimit }

        /// Drops the keys of a bucket that has no room left.
        mutating func compact() {
            if isFull { sampleKeys = Self.full }
        }
    }

    let lock = NSLock()
    private var token: (dataVersion: Int64, changes: Int64)?
    var buckets: [BucketKey: BucketState] = [:]
    var endpoints: [EndpointSignals.Key: EndpointSignals] = [:]
    /// The open rows of the aggregation window, kept across outside changes (caught up
    /// with rather than emptied, see `OpenAggregates`).
    var open = OpenAggregates()
    /// What the transaction's batches did to the console's queue aggregates, written once
    /// before it commits (a backlog's batches touch much the same groups); empty between
    /// transactions.
    var tally = QueueAggregates.Tally()
    /// Urgency assessments by signature, kept across batches (they depend on the rules and
    /// the detection alone, never on what is stored). Made anew when the rules change.
    private var urgencies: UrgencyMemo?
    /// Endpoints whose row waits for a batch that settles (`IngestBatch.settles`): marked
    /// in the store, in `endpoint_marks` (or, written with a MAC address or host name, by
    /// `stale` in their row); `pendingEndpoints` holds what the batches since added to their
    /// counters (an endpoint marked but not held here is counted again from its
    /// detections). `staleEndpointsLoaded` says whether the store's marks were read since
    /// the cache was last emptied.
    var staleEndpoints: Set<EndpointSignals.Key> = []
    var staleEndpointsLoaded = false
    var pendingEndpoints: [EndpointSignals.Key: EndpointTouch] = [:]
    /// False once counters held were dropped (the cache emptied): until endpoints next
    /// settle, what is held is not all the store lacks, so every waiting one is recounted.
    var pendingComplete = true
    private var lastSettled: Date?
    /// Bucket starts (hours) whose every stored bucket is in `buckets`: the store had none
    /// of that hour when this writer first met it. A bucket of such an hour that the cache
    /// lacks is new, so it is not looked up; at the turn of each hour every endpoint's
    /// first bucket would otherwise cost a query that finds nothing.
    private var completeStarts: Set<Int64> = []
    /// Hours the store already held buckets of when first met: looked up bucket by bucket.
    private var partialStarts: Set<Int64> = []

    /// How long endpoint rows may wait while a backlog is read: a few batches' worth, short
    /// enough that the endpoint list an analyst watches lags by no more than this.
    static let maxEndpointDeferral: TimeInterval = 2

    /// Entries kept at most; beyond it, the oldest hours are forgotten (a forgotten bucket
    /// is read back once if it comes again).
    static let maxBuckets = 12_000
    /// Endpoints kept at most (a forgotten one is read back once when it comes again).
    static let maxEndpoints = 50_000

    /// The writer connection's page cache was enlarged (`pageCacheKiB`).
    var configured = false
    /// The page cache of the writer connection. Each detection lands at a random place in
    /// the endpoint index, and the queue aggregates and endpoint rows are rewritten where
    /// they lie: pages the cache cannot hold are written to the log before the commit and
    /// read back. On the alert-heavy benchmark 10 MB wrote 9 % fewer pages than 8 MB and
    /// read 16 % fewer, 6 % faster, for 2 MB more peak RSS; 9 MB wrote 3 % more than 10 MB,
    /// at no difference in time the noise would show, and 1 MB less peak RSS. 9 MB keeps the
    /// peak (at most about 95,000 KiB: 97 MB) clear of the 100 MB limit.
    static let pageCacheKiB = 9 * 1024

    public init() {}

    /// Drops everything (e.g. after this process pruned context).
    public func invalidate() {
        lock.lock()
        defer { lock.unlock() }
        clear()
    }

    private func clear() {
        token = nil
        buckets = [:]
        endpoints = [:]
        staleEndpoints = []
        staleEndpointsLoaded = false
        if !pendingEndpoints.isEmpty { pendingComplete = false }
        pendingEndpoints = [:]
        lastSettled = nil
        completeStarts = []
        partialStarts = []
    }

    /// Inside the write transaction, before using the cache.
    func begin(_ db: Database, window: Int64) throws {
        let version = try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0
        let changes = Int64(db.totalChangesCount)
        if let token, token.dataVersion == version, token.changes == changes { return }
        clear()
        if open.started { try open.catchUp(db) } else { try open.start(db, window: window) }
    }

    /// Inside the write transaction, after its batches' writes.
    func end(_ db: Database) throws {
        let version = try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0
        token = (version, Int64(db.totalChangesCount))
    }

    /// Writes the held tally (`tally`) and starts an empty one.
    func writeTally(_ db: Database) throws {
        try tally.write(db)
        tally = QueueAggregates.Tally()
    }

    /// After each batch: keeps the cache within its limits.
    func bound() {
        if buckets.count > Self.maxBuckets { forgetOldestHours() }
        if endpoints.count > Self.maxEndpoints { endpoints = [:] }
    }

    /// Drops whole hours, oldest first, until the buckets fit (the newest hour is kept
    /// unless it alone is too big). Dropping only part of an hour would cost a lookup per
    /// bucket of it from then on; dropping everything, as an earlier version did once the
    /// last two hours no longer fit, made every bucket of the next batch a lookup.
    private func forgetOldestHours() {
        var perHour: [Int64: Int] = [:]
        for key in buckets.keys { perHour[key.start, default: 0] += 1 }
        var kept = 0
        var keep: Set<Int64> = []
        for (start, count) in perHour.sorted(by: { $0.key > $1.key }) {
            guard kept + count <= Self.maxBuckets else { break }
            kept += count
            keep.insert(start)
        }
        buckets = buckets.filter { keep.contains($0.key.start) }
        completeStarts = completeStarts.intersection(keep)
        let oldestKept = keep.min() ?? .max
        partialStarts = partialStarts.filter { $0 >= oldestKept }
    }

    /// The urgency memo for `rules`, handed out to be given back (`keep`): moved, not
    /// shared, so that adding to it copies nothing.
    func takeUrgencyMemo(rules: UrgencyRules) -> UrgencyMemo {
        defer { urgencies = nil }
        if let urgencies, urgencies.rules == rules { return urgencies }
        return UrgencyMemo(rules: rules)
    }

    func keep(_ memo: UrgencyMemo) {
        urgencies = memo
    }

    /// Adds what a batch did to an endpoint to what is held for it.
    func hold(_ touch: EndpointTouch, for key: EndpointSignals.Key) {
        if pendingEndpoints[key] == nil { pendingEndpoints[key] = touch } else { pendingEndpoints[key]!.merge(touch) }
    }

    /// Whether endpoints have waited long enough that this batch settles them anyway.
    func endpointDeferralExpired(now: Date) -> Bool {
        guard let lastSettled else { return true }
        return now.timeIntervalSince(lastSettled) >= Self.maxEndpointDeferral || now < lastSettled
    }

    func endpointsSettled(at now: Date) {
        lastSettled = now
    }

    /// The transaction failed: what the cache says may not be stored.
    func abandon() {
        clear()
        tally = QueueAggregates.Tally()
        open.reset()
    }

    /// Whether a bucket starting at `start` that the cache lacks is known to be new (not
    /// stored). The first time an hour is met, one query tells whether the store holds any
    /// bucket of it.
    func bucketIsSurelyNew(start: Int64, _ db: Database) throws -> Bool {
        if completeStarts.contains(start) { return true }
        if partialStarts.contains(start) { return false }
        let stored = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM context_parts WHERE bucket_start = ?)",
                                       arguments: [start]) ?? true
        if stored { partialStarts.insert(start) } else { completeStarts.insert(start) }
        return !stored
    }
}
