import Foundation
import GRDB
import TobanCore

/// The ingest side of the maintained queue aggregates (see `QueueAggregatesSchema`): one
/// batch's new and folded rows tallied in memory, then written with one upsert per touched
/// group, signature name and minute — never a statement per detection.
enum QueueAggregates {
    struct GroupKey: Hashable {
        var dimension: String
        var key: String
        var customer: String
        var urgency: Int
    }

    struct GroupTally {
        var added = 0
        var last: Int64
        var label: String
    }

    struct NameKey: Hashable {
        var id: String
        var name: String
    }

    /// What a batch did to the open rows: inserted rows join their groups; folded rows
    /// (already open and counted) only move their group's latest activity.
    struct Tally {
        var groups: [GroupKey: GroupTally] = [:]
        var names: Set<NameKey> = []
        var arrivals: [Int64: Int] = [:]

        /// `detection` as written: `urgency` and `lastSeen` (ms) are the row's values after
        /// the write; `isNew` when it was inserted (status new), false for a fold into an
        /// open row.
        mutating func add(_ detection: Detection, urgency: Urgency, lastSeen: Int64, isNew: Bool) {
            let customer = detection.customerID
            let endpoint = detection.endpoint.map(FastText.ip) ?? "-"
            let keys = [
                (GroupKey(dimension: "signature", key: detection.signature.id, customer: customer, urgency: urgency.rawValue), detection.signature.name),
                (GroupKey(dimension: "endpoint", key: endpoint, customer: customer, urgency: urgency.rawValue), endpoint),
                (GroupKey(dimension: "customer", key: customer, customer: customer, urgency: urgency.rawValue), customer),
            ]
            for (key, label) in keys {
                if var t = groups[key] {
                    t.added += isNew ? 1 : 0
                    t.last = max(t.last, lastSeen)
                    t.label = max(t.label, label)
                    groups[key] = t
                } else {
                    groups[key] = GroupTally(added: isNew ? 1 : 0, last: lastSeen, label: label)
                }
            }
            if isNew {
                names.insert(NameKey(id: detection.signature.id, name: detection.signature.name))
                arrivals[detection.ingestTime.storeMilliseconds / 60_000, default: 0] += 1
            }
        }

        /// Applies the tally in the batch's transaction (after its rows are written).
        func write(_ db: Database) throws {
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO queue_aggregates (dimension, key, customer_id, urgency, open_count, last_seen, label)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (dimension, key, customer_id, urgency) DO UPDATE SET open_count = open_count + excluded.open_count,
                    last_seen = max(last_seen, excluded.last_seen), label = max(label, excluded.label)
                """)
            // A fold adds no member: its group exists already (the row was open), only its
            // latest activity may move. An UPDATE, so a group is never created empty.
            let touch = try db.cachedStatement(sql: """
                UPDATE queue_aggregates SET last_seen = max(last_seen, ?)
                WHERE dimension = ? AND key = ? AND customer_id = ? AND urgency = ?
                """)
            for (k, t) in groups {
                if t.added > 0 {
                    try upsert.execute(arguments: [k.dimension, k.key, k.customer, k.urgency, t.added, t.last, t.label])
                } else {
                    try touch.execute(arguments: [t.last, k.dimension, k.key, k.customer, k.urgency])
                }
            }
            let name = try db.cachedStatement(sql: "INSERT OR IGNORE INTO signature_names (signature_id, signature_name) VALUES (?, ?)")
            for n in names { try name.execute(arguments: [n.id, n.name]) }
            let arrival = try db.cachedStatement(sql: """
                INSERT INTO detection_arrivals (minute, count) VALUES (?, ?)
                ON CONFLICT (minute) DO UPDATE SET count = count + excluded.count
                """)
            for (minute, n) in arrivals { try arrival.execute(arguments: [minute, n]) }
        }
    }

    /// Before a customer's detections are deleted (erasure): its groups go at once (so the
    /// delete trigger finds nothing to adjust row by row) and its arrivals are subtracted.
    static func forgetCustomer(_ db: Database, _ customer: String) throws {
        try db.execute(sql: "DELETE FROM queue_aggregates WHERE customer_id = ?", arguments: [customer])
        try db.execute(sql: "DELETE FROM queue_group_totals WHERE customer_id = ?", arguments: [customer])
        try db.execute(sql: """
            WITH gone AS (SELECT ingest_time / 60000 AS minute, COUNT(*) AS n FROM detections WHERE customer_id = ? GROUP BY 1)
            UPDATE detection_arrivals SET count = count - (SELECT n FROM gone WHERE gone.minute = detection_arrivals.minute)
            WHERE minute IN (SELECT minute FROM gone)
            """, arguments: [customer])
        try db.execute(sql: "DELETE FROM detection_arrivals WHERE count <= 0")
    }

    /// After a customer's detections are gone: names no longer used by any detection.
    static func pruneSignatureNames(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM signature_names WHERE NOT EXISTS (
                SELECT 1 FROM detections WHERE detections.signature_id = signature_names.signature_id
                    AND detections.signature_name = signature_names.signature_name)
            """)
    }
}

extension TobanStore {
    /// Recomputes the queue aggregates, signature names and arrival counts from the
    /// detections. Never needed in normal operation (every writer keeps them exact); for
    /// bulk loads that bypass `commit`, and as a repair.
    public func rebuildQueueAggregates() throws {
        try write { db in try db.execute(sql: QueueAggregatesSchema.backfill) }
    }
}
