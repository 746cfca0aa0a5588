import Foundation
import GRDB
import TobanCore

/// What folding needs, kept in memory by the ingest writer rather than in an index over
/// every open detection's aggregation key: such a key is random, so each inserted row
/// dirtied a page of that index somewhere, the costliest index to keep while ingesting.
/// Here: the open detection rows of the aggregation window, by key.
///
/// - Complete from `horizon` on: every open row whose last activity is at or after it is
///   held. A batch whose window reaches further back (right after a start, or data older
///   than what is held) looks the keys it does not find up in the store, by endpoint.
/// - Rows other connections change are caught up with before the next batch: rows they
///   inserted (ids past the newest known) and the detections the audit says analysts
///   changed (a reopened detection folds repeats again). A row closed or deleted since is
///   found before a batch folds into it: after an outside change every entry is checked
///   against the store once, when first needed (`epoch`).
struct OpenAggregates {
    /// An aggregation key, by two independent 64-bit hashes of its text: the stored one
    /// (`AggregationHash`) and Swift's (seeded per process, so never stored). Different keys
    /// agreeing on both is a chance of about 2⁻¹²⁸ per pair.
    struct Key: Hashable {
        var hash: Int64
        var check: Int

        init(hash: Int64, check: Int) {
            self.hash = hash
            self.check = check
        }

        init(text: String) {
            self.init(hash: AggregationHash.of(text), check: text.hashValue)
        }
    }

    /// The newest open row of a key, as stored.
    struct Entry {
        var id: Int64
        var count: Int
        var first: Int64
        var last: Int64
        var urgency: Urgency
        /// The `epoch` it was last read or written at.
        var epoch: Int
    }

    private(set) var entries: [Key: Entry] = [:]
    /// Int64.max until `start`: nothing is known.
    private(set) var horizon: Int64 = .max
    /// Bumped by every outside change; an entry from an earlier epoch is checked before use.
    private(set) var epoch = 0
    private(set) var started = false
    /// The newest detection id and audit entry looked at.
    private var newestID: Int64 = 0
    private var auditSeen: Int64 = 0

    /// Entries held at most: about 2 MB. Beyond it the oldest half is forgotten and the
    /// horizon moves up past them (a window's worth of unique detections, a storm of
    /// scans, usually stays far below it).
    static let capacity = 32_768

    /// Nothing stored is newer than what the store holds now, so the map starts complete
    /// from just past the store's latest activity; older keys are looked up as needed.
    mutating func start(_ db: Database) throws {
        var latest = Int64.min
        for urgency in Urgency.allCases {
            if let last = try Int64.fetchOne(db, sql: """
                SELECT last_seen FROM detections INDEXED BY \(StoreMigrations.Index.queueAll) WHERE urgency = ? ORDER BY last_seen DESC LIMIT 1
                """, arguments: [urgency.rawValue]) {
                latest = max(latest, last)
            }
        }
        entries = [:]
        horizon = latest == .min ? .min : latest + 1
        newestID = try Int64.fetchOne(db, sql: "SELECT max(id) FROM detections") ?? 0
        auditSeen = try Int64.fetchOne(db, sql: "SELECT max(id) FROM audit") ?? 0
        started = true
    }

    /// Another connection committed since this writer's last batch.
    mutating func catchUp(_ db: Database) throws {
        epoch += 1
        let inserted = try Row.fetchCursor(db, sql: """
            SELECT id, aggregation_key, count, first_seen, last_seen, urgency FROM detections WHERE id > ? AND status <> 'closed'
            """, arguments: [newestID])
        while let row = try inserted.next() { note(row) }
        newestID = try Int64.fetchOne(db, sql: "SELECT max(id) FROM detections") ?? newestID
        var changed: [Int64] = []
        let audited = try Row.fetchCursor(db, sql: "SELECT id, subject_id FROM audit WHERE id > ? AND subject = ?",
                                          arguments: [auditSeen, AuditSubject.detection.rawValue])
        while let row = try audited.next() {
            auditSeen = max(auditSeen, row[0])
            if let id = Int64(row[1] as String) { changed.append(id) }
        }
        // Closed rows are let go of first, so that a reopened older row can take their key.
        var reopened: [Row] = []
        for chunk in changed.chunked(500) {
            let rows = try Row.fetchCursor(db, sql: """
                SELECT id, aggregation_key, count, first_seen, last_seen, urgency, status FROM detections
                WHERE id IN (\([Int64].marks(chunk.count)))
                """, arguments: StatementArguments(chunk))
            while let row = try rows.next() {
                if (row[6] as String) == DetectionStatus.closed.rawValue {
                    let key = Key(text: row[1])
                    if entries[key]?.id == (row[0] as Int64) { entries[key] = nil }
                } else {
                    reopened.append(row.copy())
                }
            }
        }
        for row in reopened { note(row) }
    }

    /// A stored open row (id, aggregation_key, count, first_seen, last_seen, urgency): held
    /// when it is its key's newest.
    @discardableResult
    mutating func note(_ row: Row) -> Key {
        let key = Key(text: row[1])
        let entry = Entry(id: row[0], count: row[2], first: row[3], last: row[4], urgency: Urgency(rawValue: row[5]) ?? .p5, epoch: epoch)
        if let held = entries[key], held.id != entry.id, held.last > entry.last { return key }
        entries[key] = entry
        return key
    }

    /// The entries of `keys` from an earlier epoch, checked against the store: still open
    /// (read afresh) or gone.
    mutating func verify(_ keys: [Key], _ db: Database) throws {
        var byID: [Int64: Key] = [:]
        for key in keys {
            if let entry = entries[key], entry.epoch < epoch { byID[entry.id] = key }
        }
        for key in byID.values { entries[key] = nil }
        for chunk in Array(byID.keys).chunked(500) {
            let rows = try Row.fetchCursor(db, sql: """
                SELECT id, aggregation_key, count, first_seen, last_seen, urgency FROM detections
                WHERE id IN (\([Int64].marks(chunk.count))) AND status <> 'closed'
                """, arguments: StatementArguments(chunk))
            while let row = try rows.next() { note(row) }
        }
    }

    /// A row this writer inserted or folded into.
    mutating func remember(_ key: Key, id: Int64, count: Int, first: Int64, last: Int64, urgency: Urgency) {
        entries[key] = Entry(id: id, count: count, first: first, last: last, urgency: urgency, epoch: epoch)
        newestID = max(newestID, id)
    }

    /// Forgets rows no batch reaching back to `reach` can fold into, once more than
    /// `keeping` are held, and the oldest half when over capacity.
    mutating func forget(before reach: Int64, keeping: Int = capacity / 2) {
        guard entries.count > keeping else { return }
        var cutoff = reach
        if entries.count > Self.capacity {
            let lasts = entries.values.map(\.last).sorted()
            cutoff = max(cutoff, lasts[lasts.count / 2])
        }
        entries = entries.filter { $0.value.last >= cutoff }
        horizon = max(horizon, cutoff)
    }

    /// The transaction failed: what is held may not be stored.
    mutating func reset() {
        self = OpenAggregates()
    }
}
