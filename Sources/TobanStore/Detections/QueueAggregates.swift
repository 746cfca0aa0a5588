import Foundation
import GRDB
import TobanCore

/// The ingest side of the maintained queue aggregates (see `QueueAggregatesSchema`): a
/// transaction's new and folded rows tallied in memory, then written with one upsert per
/// touched group, signature name and minute — never a statement per detection.
enum QueueAggregates {
    /// A group of the queue: rows of one customer at one urgency that share a signature,
    /// an endpoint or just the customer. Its strings come hashed (`TallyStrings`): the
    /// writer notes three groups per detection, and hashing their strings each time was a
    /// few percent of its work.
    struct GroupKey: PrehashedKey {
        let dimension: Dimension
        let key: String
        let customer: String
        let urgency: Int
        let hashWord: Int
        private let totalHashWord: Int

        init(_ dimension: Dimension, key: String, keyHash: Int, customer: String, customerHash: Int, urgency: Int) {
            self.dimension = dimension
            self.key = key
            self.customer = customer
            self.urgency = urgency
            totalHashWord = keyHash &* 31 &+ customerHash &* 7 &+ Int(dimension.rawValue) &* 5
            hashWord = totalHashWord &+ urgency
        }

        /// The group over every urgency (`queue_group_totals`), hashed from the same words.
        var total: TotalKey {
            TotalKey(dimension: dimension, key: key, customer: customer, hashWord: totalHashWord)
        }

        static func == (a: GroupKey, b: GroupKey) -> Bool {
            a.hashWord == b.hashWord && a.dimension == b.dimension && a.urgency == b.urgency && a.key == b.key
                && a.customer == b.customer
        }
    }

    enum Dimension: UInt8 {
        case signature, endpoint, customer

        /// As the tables spell it (`queue_aggregates.dimension`).
        var name: String {
            switch self {
            case .signature: "signature"
            case .endpoint: "endpoint"
            case .customer: "customer"
            }
        }
    }

    /// A detection's signature, endpoint (`-` without one) and customer, as its groups are
    /// keyed, each with its hash.
    struct TallyStrings: Sendable {
        let signatureID: String
        let endpoint: String
        let customer: String
        let signatureHash: Int
        let endpointHash: Int
        let customerHash: Int

        init(signatureID: String, endpoint: String, customer: String) {
            self.signatureID = signatureID
            self.endpoint = endpoint
            self.customer = customer
            signatureHash = signatureID.hashValue
            endpointHash = endpoint.hashValue
            customerHash = customer.hashValue
        }
    }

    struct GroupTally {
        var added = 0
        var last: Int64
        var label: String
    }

    /// A signature's id and name as detections spell them. Keyed by the id's hash alone
    /// (`TallyStrings`): an id nearly always comes with one name, and the name is compared.
    struct NameKey: PrehashedKey {
        let id: String
        let name: String
        let hashWord: Int

        static func == (a: NameKey, b: NameKey) -> Bool {
            a.hashWord == b.hashWord && a.id == b.id && a.name == b.name
        }
    }

    /// What batches did to the open rows: inserted rows join their groups; folded rows
    /// (already open and counted) only move their group's latest activity.
    struct Tally {
        var groups: [GroupKey: GroupTally] = [:]
        var names: Set<NameKey> = []
        var arrivals: [Int64: Int] = [:]

        var isEmpty: Bool { groups.isEmpty && names.isEmpty && arrivals.isEmpty }

        /// A detection as written (its signature, when it was ingested, its group strings):
        /// `urgency` and `lastSeen` (ms) are the row's values after the write; `isNew` when
        /// it was inserted (status new), false for a fold into an open row.
        mutating func add(signature: Signature, ingestTime: Date, strings k: TallyStrings, urgency: Urgency, lastSeen: Int64,
                          isNew: Bool) {
            let u = urgency.rawValue
            note(GroupKey(.signature, key: k.signatureID, keyHash: k.signatureHash, customer: k.customer, customerHash: k.customerHash, urgency: u),
                 label: signature.name, lastSeen: lastSeen, isNew: isNew)
            note(GroupKey(.endpoint, key: k.endpoint, keyHash: k.endpointHash, customer: k.customer, customerHash: k.customerHash, urgency: u),
                 label: k.endpoint, lastSeen: lastSeen, isNew: isNew)
            note(GroupKey(.customer, key: k.customer, keyHash: k.customerHash, customer: k.customer, customerHash: k.customerHash, urgency: u),
                 label: k.customer, lastSeen: lastSeen, isNew: isNew)
            if isNew {
                names.insert(NameKey(id: signature.id, name: signature.name, hashWord: k.signatureHash))
                arrivals[ingestTime.storeMilliseconds / 60_000, default: 0] += 1
            }
        }

        /// Updates the group in place: one lookup rather than a read and a write.
        private mutating func note(_ key: GroupKey, label: String, lastSeen: Int64, isNew: Bool) {
            func update(_ t: inout GroupTally) {
                if isNew { t.added += 1 }
                if lastSeen > t.last { t.last = lastSeen }
                if label > t.label { t.label = label }
            }
            update(&groups[key, default: GroupTally(added: 0, last: lastSeen, label: label)])
        }

        /// Applies the tally in the batch's transaction (after its rows are written), one
        /// upsert per group (see `upsert` for why not several at once). A fold adds no member
        /// (`added` 0): its group exists already since the row was open, and the upsert only
        /// moves its latest activity. Values are bound straight from the tallies: building a
        /// boxed row per group first cost more than the upserts.
        func write(_ db: Database) throws {
            var totals: [TotalKey: (added: Int, urgency: Int, last: Int64, label: String)] = [:]
            totals.reserveCapacity(groups.count)
            for (k, t) in groups {
                let key = k.total
                if let e = totals[key] {
                    totals[key] = (e.added + t.added, min(e.urgency, k.urgency), max(e.last, t.last), max(e.label, t.label))
                } else {
                    totals[key] = (t.added, k.urgency, t.last, t.label)
                }
            }
            // Unsorted: both tables are small and stay in the page cache, and sorting
            // thousands of string keys cost more than the upserts it was meant to help.
            try Self.upsert(db, groups, width: 7, sql: { values in
                """
                INSERT INTO queue_aggregates (dimension, key, customer_id, urgency, open_count, last_seen, label) VALUES \(values)
                ON CONFLICT (dimension, key, customer_id, urgency) DO UPDATE SET open_count = open_count + excluded.open_count,
                    last_seen = max(last_seen, excluded.last_seen), label = max(label, excluded.label)
                """
            }, bind: { s, g in
                s.bind(g.key.dimension.name); s.bind(g.key.key); s.bind(g.key.customer); s.bind(g.key.urgency)
                s.bind(g.value.added); s.bind(g.value.last); s.bind(g.value.label)
            })
            try Self.upsert(db, totals, width: 7, sql: { values in
                """
                INSERT INTO queue_group_totals (dimension, key, customer_id, open_count, urgency, last_seen, label) VALUES \(values)
                ON CONFLICT (dimension, key, customer_id) DO UPDATE SET open_count = open_count + excluded.open_count,
                    urgency = min(urgency, excluded.urgency), last_seen = max(last_seen, excluded.last_seen), label = max(label, excluded.label)
                """
            }, bind: { s, t in
                s.bind(t.key.dimension.name); s.bind(t.key.key); s.bind(t.key.customer); s.bind(t.value.added)
                s.bind(t.value.urgency); s.bind(t.value.last); s.bind(t.value.label)
            })
            try Self.upsert(db, names, width: 2, sql: { values in
                "INSERT OR IGNORE INTO signature_names (signature_id, signature_name) VALUES \(values)"
            }, bind: { s, n in s.bind(n.id); s.bind(n.name) })
            try Self.upsert(db, arrivals, width: 2, sql: { values in
                "INSERT INTO detection_arrivals (minute, count) VALUES \(values) ON CONFLICT (minute) DO UPDATE SET count = count + excluded.count"
            }, bind: { s, a in s.bind(a.key); s.bind(a.value) })
        }

        /// Runs `sql` (given its one-row VALUES tuple) once per row, the statement prepared
        /// once per connection. One row per statement, not a multi-row VALUES list: SQLite
        /// keeps a statement journal for a statement that may write several rows and then
        /// abort (an upsert's update always may), a copy of every page the statement changes
        /// so that it can undo itself. Chunks of 100 unsorted groups touched most of the
        /// tally's pages each: the alert-heavy benchmark wrote 1.4 GB of statement journal
        /// to temporary files, more than its write-ahead log. A one-row statement needs none.
        static func upsert<Rows: Collection>(_ db: Database, _ rows: Rows, width: Int, sql: (String) -> String,
                                             bind: (inout RawStatement, Rows.Element) -> Void) throws {
            guard !rows.isEmpty else { return }
            var statement = try RawStatement(db, sql: sql([String].tuples(1, width: width)))
            for row in rows {
                bind(&statement, row)
                try statement.run()
            }
        }
    }

    struct TotalKey: PrehashedKey {
        let dimension: Dimension
        let key: String
        let customer: String
        let hashWord: Int

        static func == (a: TotalKey, b: TotalKey) -> Bool {
            a.hashWord == b.hashWord && a.dimension == b.dimension && a.key == b.key && a.customer == b.customer
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
    /// (Open and closed rows are looked up apart: each has a signature index of its own.)
    static func pruneSignatureNames(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM signature_names WHERE NOT EXISTS (
                SELECT 1 FROM detections INDEXED BY \(StoreMigrations.Index.signatureQueue)
                WHERE detections.signature_id = signature_names.signature_id AND status <> 'closed'
                    AND detections.signature_name = signature_names.signature_name)
            AND NOT EXISTS (
                SELECT 1 FROM detections INDEXED BY \(StoreMigrations.Index.closedSignature)
                WHERE detections.signature_id = signature_names.signature_id AND status = 'closed'
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
