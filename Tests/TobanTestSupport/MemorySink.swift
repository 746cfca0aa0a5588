import Foundation
import TobanCore
import TobanIngest

/// An ingest sink that keeps every committed batch in memory. Commits come from the
/// pipeline's commit thread while a test reads, so every read takes the commit's lock.
public final class MemorySink: IngestSink, @unchecked Sendable {
    // @unchecked: every field below is touched with `lock` held.
    private let lock = NSLock()
    private var batches: [IngestBatch] = []
    private var checkpointsBySource: [String: SourceCheckpoint] = [:]
    private var commits = 0
    private var lastSeen: [String: Date] = [:]
    private var failing: Int?
    private var groupSizes: [Int] = []
    /// When set, `commitGroup` is one all-or-nothing transaction, as the store's is;
    /// otherwise each batch of a group commits on its own (the protocol's default).
    public let groupsTransactions: Bool

    public struct InjectedFailure: Error {}

    public init(groupsTransactions: Bool = false) {
        self.groupsTransactions = groupsTransactions
    }

    /// The commit with this number (1 = the first) throws `InjectedFailure`.
    public var failOnCommit: Int? {
        get { locked { failing } }
        set { locked { failing = newValue } }
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    public func commit(_ batch: IngestBatch) throws {
        lock.lock()
        defer { lock.unlock() }
        try countCommit()
        keep(batch)
    }

    /// Counts a commit, throwing if it is the one to fail. With `lock` held.
    private func countCommit() throws {
        commits += 1
        if commits == failing { throw InjectedFailure() }
    }

    /// Stores a committed batch. With `lock` held.
    private func keep(_ batch: IngestBatch) {
        batches.append(batch)
        for c in batch.checkpoints { checkpointsBySource[c.sourceID] = c }
        for h in batch.sensorHealth { lastSeen[h.sensor] = max(lastSeen[h.sensor] ?? .distantPast, h.at) }
    }

    public func commitGroup(_ next: () -> IngestBatch?) throws {
        guard groupsTransactions else {
            while let batch = next() { try commit(batch) }
            return
        }
        // Stored only when every batch of the group is, as a transaction would be.
        var group: [IngestBatch] = []
        while let batch = next() {
            try locked { try countCommit() }
            group.append(batch)
        }
        locked {
            groupSizes.append(group.count)
            group.forEach(keep)
        }
    }

    /// How many batches each transaction held, in commit order (with `groupsTransactions`).
    public var transactions: [Int] { locked { groupSizes } }

    public func checkpoints() throws -> [SourceCheckpoint] { locked { Array(checkpointsBySource.values) } }
    public func sensorLastSeen() throws -> [String: Date] { locked { lastSeen } }
    public func pruneContext(olderThan date: Date) throws {}

    /// Batches committed so far.
    public var committed: [IngestBatch] { locked { batches } }

    /// Commits so far, failed ones included (a test sets it back to count a new run's).
    public var commitCount: Int {
        get { locked { commits } }
        set { locked { commits = newValue } }
    }

    /// The last checkpoint committed per source.
    public var saved: [String: SourceCheckpoint] { locked { checkpointsBySource } }

    /// Committed batches that carried context, so far.
    public var contextBatches: Int { committed.filter { !$0.context.isEmpty }.count }

    /// Context events per endpoint and kind, over every batch.
    public var contextCounts: [String: Int] {
        var out: [String: Int] = [:]
        for b in committed { for bucket in b.context { for (kind, n) in bucket.counts { out["\(bucket.endpoint) \(kind)", default: 0] += n } } }
        return out
    }

    /// The context examples kept, over every batch, as "time summary" lines.
    public var contextSamples: [String] {
        committed.flatMap { $0.context.flatMap { $0.samples.map { "\($0.time.timeIntervalSince1970) \($0.summary)" } } }.sorted()
    }

    /// Detection occurrences per signature, summed over every batch.
    public var occurrences: [String: Int] {
        var out: [String: Int] = [:]
        for b in committed { for d in b.detections { out[d.signature.id, default: 0] += d.count } }
        return out
    }
}
