import Foundation
import GRDB
import TobanCore

/// What folding needs, kept in memory by the ingest writer rather than in an index over
/// every open detection's aggregation key: such a key is random, so each inserted row
/// dirtied a page of that index somewhere, the costliest index to keep while ingesting.
/// Here: the open detection rows of the aggregation window, by key, in two tiers: the
/// newest in memory, and, when a window holds more keys than memory should (a storm of
/// scans), the oldest spilled to `fold_spill` (key hash → row), probed by hash only for
/// keys memory lacks, and pruned as the window moves on.
///
/// - Complete from `horizon` on: every open row whose last activity is at or after it is
///   held (at a start, the window up to the store's latest activity is read). A batch
///   whose window reaches further back (data older than what is held) looks the keys it
///   does not find up in the store, by endpoint.
/// - Rows other connections change are caught up with before the next batch: rows they
///   inserted (ids past the newest known) and the detections the audit says analysts
///   changed (a reopened detection folds repeats again). A row closed or deleted since is
///   found before a batch folds into it: after an outside change every entry is checked
///   against the store once, when first needed (`epoch`).
struct OpenAggregates {
    /// An aggregation key, by two independent 64-bit hashes of its text: the stored one
    /// (`AggregationHash`) and Swift's (seeded per process, so never stored). Different keys
    /// agreeing on both is a chance of about 2⁻¹²⁸ per pair.
    struct Key: PrehashedKey {
        var hash: Int64
        var check: Int

        /// The Swift hash (the stored one is not seeded, and its text is the attacker's).
        var hashWord: Int { check }

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
    /// Rows were spilled to `fold_spill` since it was last emptied: keys memory lacks are
    /// probed there.
    private(set) var spilled = false
    /// The horizon `fold_spill` was last pruned to.
    private var spillPrunedTo: Int64 = .min

    /// Entries held in memory at most: about 2 MB. Beyond it the older half is spilled (a
    /// window's worth of unique detections usually stays far below it; a storm of scans
    /// does not).
    static let capacity = 32_768
    /// `capacity`, smaller in tests.
    var capacity = OpenAggregates.capacity

    /// Loads the open rows of the window that ends at the store's latest activity (at most
    /// `capacity`, the newest), so that a writer that starts on a store it continues (a
    /// restart) folds without a lookup; a batch reaching further back looks keys up.
    mutating func start(_ db: Database, window: Int64) throws {
        let queue = StoreMigrations.Index.queue
        var lasts: [Int64] = []
        for urgency in Urgency.allCases {
            lasts += try Int64.fetchAll(db, sql: """
                SELECT last_seen FROM detections INDEXED BY \(queue) WHERE urgency = ? AND status <> 'closed'
                ORDER BY last_seen DESC LIMIT ?
                """, arguments: [urgency.rawValue, capacity])
        }
        entries = [:]
        // What an earlier writer spilled stays: every use of it is checked against the row.
        spilled = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM fold_spill)") ?? false
        if let latest = lasts.max() {
            horizon = latest - window
            var held = horizon
            if lasts.count > capacity {
                lasts.sort(by: >)
                held = max(horizon, lasts[capacity - 1] + 1)
            }
            for urgency in Urgency.allCases {
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT id, \(DetectionRow.aggregationKeySQL()), count, first_seen, last_seen, urgency FROM detections INDEXED BY \(queue)
                    WHERE urgency = ? AND status <> 'closed' AND last_seen >= ?
                    """, arguments: [urgency.rawValue, held])
                while let row = try rows.next() { note(row) }
                if held > horizon {
                    try db.execute(sql: """
                        INSERT OR REPLACE INTO fold_spill (detection_id, hash, last_seen)
                        SELECT id, aggregation_hash, last_seen FROM detections INDEXED BY \(queue)
                        WHERE urgency = ? AND status <> 'closed' AND last_seen >= ? AND last_seen < ?
                        """, arguments: [urgency.rawValue, horizon, held])
                    spilled = true
                }
            }
        } else {
            horizon = .min
        }
        spillPrunedTo = horizon
        newestID = try Int64.fetchOne(db, sql: "SELECT max(id) FROM detections") ?? 0
        auditSeen = try Int64.fetchOne(db, sql: "SELECT max(id) FROM audit") ?? 0
        started = true
    }

    /// Another connection committed since this writer's last batch.
    mutating func catchUp(_ db: Database) throws {
        epoch += 1
        let inserted = try Row.fetchCursor(db, sql: """
            SELECT id, \(DetectionRow.aggregationKeySQL()), count, first_seen, last_seen, urgency FROM detections WHERE id > ? AND status <> 'closed'
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
                SELECT id, \(DetectionRow.aggregationKeySQL()), count, first_seen, last_seen, urgency, status FROM detections
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

    /// A stored open row (id, aggregation key, count, first_seen, last_seen, urgency): held
    /// when it is its key's newest.
    mutating func note(_ row: Row) {
        note(row, as: Key(text: row[1]))
    }

    /// `note(_:)` for a row whose key was worked out already.
    mutating func note(_ row: Row, as key: Key) {
        let entry = Entry(id: row[0], count: row[2], first: row[3], last: row[4], urgency: Urgency(rawValue: row[5]) ?? .p5, epoch: epoch)
        if let held = entries[key], held.id != entry.id, held.last > entry.last { return }
        entries[key] = entry
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
                SELECT id, \(DetectionRow.aggregationKeySQL()), count, first_seen, last_seen, urgency FROM detections
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
    /// `keeping` are held (the horizon moves up to `reach`), and spills the older half of
    /// memory to `fold_spill` when over capacity.
    mutating func forget(before reach: Int64, keeping: Int? = nil, _ db: Database) throws {
        guard entries.count > keeping ?? capacity / 2 else { return }
        if reach > horizon {
            entries = entries.filter { $0.value.last >= reach }
            horizon = reach
        }
        if spilled && (spillPrunedTo > Int64.max - Self.spillPruneStep || horizon >= spillPrunedTo + Self.spillPruneStep) {
            try db.execute(sql: "DELETE FROM fold_spill WHERE last_seen < ?", arguments: [horizon])
            spillPrunedTo = horizon
            spilled = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM fold_spill)") ?? false
        }
        guard entries.count > capacity else { return }
        let lasts = entries.values.map(\.last).sorted()
        let cutoff = lasts[lasts.count / 2]
        var spill = try RawStatement(db, sql: "INSERT OR REPLACE INTO fold_spill (detection_id, hash, last_seen) VALUES (?, ?, ?)")
        for (key, entry) in entries where entry.last < cutoff {
            spill.bind(entry.id); spill.bind(key.hash); spill.bind(entry.last)
            try spill.run()
        }
        entries = entries.filter { $0.value.last >= cutoff }
        spilled = true
    }

    /// Spilled rows are pruned each time the horizon has moved this far (10 minutes).
    static let spillPruneStep: Int64 = 600_000

    /// The newest open spilled rows of `keys`, held from then on.
    mutating func unspill(_ keys: Set<Key>, _ db: Database) throws {
        let hashes = Array(Set(keys.map(\.hash)))
        for chunk in hashes.chunked(500) {
            let rows = try Row.fetchCursor(db, sql: """
                SELECT d.id, \(DetectionRow.aggregationKeySQL(table: "d")), d.count, d.first_seen, d.last_seen, d.urgency
                FROM fold_spill s JOIN detections d ON d.id = s.detection_id
                WHERE s.hash IN (\([Int64].marks(chunk.count))) AND d.status <> 'closed'
                """, arguments: StatementArguments(Array(chunk)))
            while let row = try rows.next() { note(row) }
        }
    }

    /// The transaction failed: what is held may not be stored.
    mutating func reset() {
        self = OpenAggregates(capacity: capacity)
    }

    init(capacity: Int = OpenAggregates.capacity) {
        self.capacity = capacity
    }
}
