import Foundation
import TobanCore

/// Where ingest delivers. The executable wires this to the store; ingest never sees it.
/// `commit` must be all-or-nothing: the batch's rows and its checkpoints together.
public protocol IngestSink: AnyObject {
    /// Work on a batch that needs no transaction, done before the batch is committed: on
    /// the reading thread while the commit thread has work, or on the commit thread when
    /// it is waiting for the batch (`BatchCommitter`); never twice. Must not touch shared
    /// state that `commit` changes, and may run beside `commit` of an earlier batch.
    /// Default: nothing.
    func prepare(_ batch: inout IngestBatch)
    func commit(_ batch: IngestBatch) throws
    /// Commits every batch `next` hands over, until it returns nil, in one transaction:
    /// all of them or none. The committer groups batches this way while a backlog is read
    /// (see `BatchCommitter`); a batch is not kept once the next one is asked for (the
    /// committer frees it). Default: one commit per batch.
    func commitGroup(_ next: () -> IngestBatch?) throws
    /// Where every source stood at the last commit (to resume after a restart or crash).
    func checkpoints() throws -> [SourceCheckpoint]
    /// When each sensor was last heard from (ingest wall-clock time), for monitoring gaps.
    func sensorLastSeen() throws -> [String: Date]
    /// Drops context older than `date` (bounded retention).
    func pruneContext(olderThan date: Date) throws
}

extension IngestSink {
    public func prepare(_ batch: inout IngestBatch) {}

    public func commitGroup(_ next: () -> IngestBatch?) throws {
        while let batch = next() { try commit(batch) }
    }
}
