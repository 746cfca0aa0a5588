import Foundation
import GRDB
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

@Suite struct MigrationTests {
    @Test func freshStoreIsMigratedWithWALAndPragmas() throws {
        let f = try StoreFixture()
        #expect(try f.store.appliedMigrations() == allMigrations)
        let pragmas = try f.store.pool.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
             try Int.fetchOne(db, sql: "PRAGMA busy_timeout"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(pragmas.0 == "wal")
        #expect(pragmas.1 == 1)
        #expect(pragmas.2 == 10_000) // GRDB's reader timeout
        #expect(try f.store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA busy_timeout") } == 5000)
        #expect(pragmas.3 == 1) // NORMAL
        let tables = try f.store.pool.read { db in try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        for t in ["customers", "sensors", "detections", "endpoints", "context_parts", "incidents", "incident_detections",
                  "notifications", "audit", "ingest_checkpoints", "ingest_counters"] {
            #expect(tables.contains(t), "missing table \(t)")
        }
        // Context parts are appended in write order and found through their key's index.
        let contextParts = try f.store.pool.read { db in
            try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE tbl_name = 'context_parts'")
        }
        #expect(contextParts == ["context_parts", StoreMigrations.Index.contextParts])
        // The open queue's indexes are ascending (new rows append to their urgency's range;
        // reads go through it backwards): descending, they were half-empty pages.
        for index in [StoreMigrations.Index.queue, StoreMigrations.Index.signatureQueue, StoreMigrations.Index.customerQueue] {
            let sql = try f.store.pool.read { db in try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [index]) }
            #expect(sql?.contains("last_seen, id)") == true, "\(index): \(sql ?? "missing")")
            #expect(sql?.contains("DESC") == false, "\(index): \(sql ?? "missing")")
        }
    }

    @Test func reopeningIsIdempotentAndKeepsData() throws {
        let f = try StoreFixture()
        try f.store.commit(IngestBatch(detections: [makeDetection()], checkpoints: [checkpoint(offset: 10)]), customers: [acme], now: t0)
        let schema = try f.store.pool.read { db in try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name") }
        try f.store.close()
        for _ in 0..<2 {
            let again = try TobanStore(path: f.path)
            #expect(try again.appliedMigrations() == allMigrations)
            #expect(try again.pool.read { db in try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name") } == schema)
            #expect(try again.detections().count == 1)
            #expect(try again.checkpoint(sourceID: "eve")?.offset == 10)
            try again.close()
        }
    }

    /// A store written by the first schema keeps everything through the v2 migration:
    /// JSON context counts become columns, samples become a chunk, and rows get the
    /// aggregation hash so later batches still fold into them.
    @Test func v1StoreIsMigratedWithItsData() throws {
        let start = ContextBucket.bucketStart(for: t0).storeMilliseconds
        let earlier = try EarlierStore(upTo: "v1") { db in
            try db.execute(sql: """
                INSERT INTO context_buckets (customer_id, endpoint, bucket_start, counts, samples)
                VALUES ('acme', '10.0.0.5', ?, '{"dns":3,"http":1}', '[{"k":"dns","p":null,"s":"A old.example","t":\(t0.timeIntervalSince1970)}]')
                """, arguments: [start])
            try db.execute(sql: """
                INSERT INTO detections (customer_id, sensor, source_format, source_name, source_offset, event_time, ingest_time,
                    signature_id, signature_name, category, vendor_severity, severity, urgency, urgency_reason, transport,
                    src_ip, dest_ip, endpoint, evidence, count, first_seen, last_seen, status, raw, aggregation_key)
                VALUES ('acme', 's1', 'suricata-eve', 'eve', 0, ?, ?, '2010001', 'ET POLICY test', '', '2', 3, 3, '', 'TCP',
                    '10.0.0.5', '203.0.113.9', '10.0.0.5', '{}', 1, ?, ?, 'new', '{}', 'acme|s1|2010001|10.0.0.5|203.0.113.9')
                """, arguments: [t0.storeMilliseconds, t0.storeMilliseconds, t0.storeMilliseconds, t0.storeMilliseconds])
        }
        defer { withExtendedLifetime(earlier) {} }
        let store = try TobanStore(path: earlier.path)
        #expect(try store.appliedMigrations() == allMigrations)
        let bucket = try store.endpointTimeline(customer: "acme", address: ip("10.0.0.5"), around: t0).compactMap { item -> ContextBucket? in
            if case .context(let b) = item { return b } else { return nil }
        }.first
        #expect(bucket?.counts == [.dns: 3, .http: 1])
        #expect(bucket?.samples.map(\.summary) == ["A old.example"])
        // The migrated row is found by its hash: a repeat folds into it.
        try store.commit(IngestBatch(detections: [makeDetection(at: t0 + 60)]), customers: [acme], now: t0 + 60)
        let rows = try store.detections()
        #expect(rows.count == 1)
        #expect(rows.first?.count == 2)
        try store.close()
    }

    /// A v3 store (a bucket's counts in `context_buckets`, its examples in chunks in
    /// `context_samples`) keeps both through the v4 migration to parts, and a later batch
    /// adds a part after the migrated ones without repeating a stored example.
    @Test func v3ContextIsMigratedToParts() throws {
        let start = ContextBucket.bucketStart(for: t0).storeMilliseconds
        let seconds = t0.timeIntervalSince1970
        let earlier = try EarlierStore(upTo: "v3-queue-aggregates") { db in
            try db.execute(sql: "INSERT INTO context_buckets (customer_id, endpoint, bucket_start, dns, http) VALUES ('acme', '10.0.0.5', ?, 3, 1)",
                           arguments: [start])
            try db.execute(sql: """
                INSERT INTO context_samples (customer_id, endpoint, bucket_start, seq, samples) VALUES
                ('acme', '10.0.0.5', ?, 0, '[{"k":"dns","p":null,"s":"A one.example","t":\(seconds)}]'),
                ('acme', '10.0.0.5', ?, 1, '[{"k":"http","p":null,"s":"GET two.example/","t":\(seconds + 1)}]')
                """, arguments: [start, start])
        }
        defer { withExtendedLifetime(earlier) {} }
        let store = try TobanStore(path: earlier.path)
        func bucket() throws -> ContextBucket? {
            try store.endpointTimeline(customer: "acme", address: ip("10.0.0.5"), around: t0).compactMap { item -> ContextBucket? in
                if case .context(let b) = item { return b } else { return nil }
            }.first
        }
        #expect(try bucket()?.counts == [.dns: 3, .http: 1])
        #expect(try bucket()?.samples.map(\.summary) == ["A one.example", "GET two.example/"])
        var later = ContextBucket(customerID: "acme", endpoint: ip("10.0.0.5"), bucketStart: ContextBucket.bucketStart(for: t0))
        later.add(kind: .dns, sample: ContextSample(time: t0 + 5, kind: .dns, peer: nil, summary: "A one.example"))
        later.add(kind: .dns, sample: ContextSample(time: t0 + 6, kind: .dns, peer: nil, summary: "A three.example"))
        try store.commit(IngestBatch(context: [later]), customers: [acme], now: t0 + 10)
        #expect(try bucket()?.counts == [.dns: 5, .http: 1])
        #expect(try bucket()?.samples.map(\.summary) == ["A one.example", "GET two.example/", "A three.example"])
        let parts = try store.pool.read { db in try Int.fetchAll(db, sql: "SELECT part FROM context_parts ORDER BY part") }
        #expect(parts == [0, 1, 2, 3]) // two migrated chunks, the migrated counts, the batch's part
        try store.close()
    }

    /// v14 moves the parts into a table in write order with the key as a unique index: every
    /// part keeps its counts and examples, a bucket is still read through the key, a part
    /// number is still unique within its bucket, and a later batch appends a part.
    @Test func v13ContextPartsAreKeptInWriteOrder() throws {
        let start = ContextBucket.bucketStart(for: t0).storeMilliseconds
        let seconds = t0.timeIntervalSince1970
        let earlier = try EarlierStore(upTo: "v13-closed-signature") { db in
            try db.execute(sql: """
                INSERT INTO context_parts (customer_id, endpoint, bucket_start, part, dns, http, samples) VALUES
                ('acme', '10.0.0.5', ?, 0, 2, 0, '[{"k":"dns","p":null,"s":"A one.example","t":\(seconds)}]'),
                ('acme', '10.0.0.5', ?, 1, 0, 1, '[{"k":"http","p":null,"s":"GET two.example/","t":\(seconds + 1)}]'),
                ('acme', '10.0.0.6', ?, 0, 4, 0, '[]')
                """, arguments: [start, start, start])
        }
        defer { withExtendedLifetime(earlier) {} }
        let store = try TobanStore(path: earlier.path)
        #expect(try store.appliedMigrations() == allMigrations)
        func bucket(_ address: String) throws -> ContextBucket? {
            try store.endpointTimeline(customer: "acme", address: ip(address), around: t0).compactMap { item -> ContextBucket? in
                if case .context(let b) = item { return b } else { return nil }
            }.first
        }
        #expect(try bucket("10.0.0.5")?.counts == [.dns: 2, .http: 1])
        #expect(try bucket("10.0.0.5")?.samples.map(\.summary) == ["A one.example", "GET two.example/"])
        #expect(try bucket("10.0.0.6")?.counts == [.dns: 4])
        try store.pool.read { db in
            let table = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'context_parts'") ?? ""
            #expect(!table.contains("WITHOUT ROWID"))
            let plan = try Row.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT samples FROM context_parts WHERE bucket_start = ? AND customer_id = ? AND endpoint = ? ORDER BY part
                """, arguments: [start, "acme", "10.0.0.5"]).map { $0["detail"] as String }.joined(separator: " ")
            #expect(plan.contains(StoreMigrations.Index.contextParts))
        }
        #expect(throws: DatabaseError.self) {
            try store.pool.write { db in
                try db.execute(sql: "INSERT INTO context_parts (customer_id, endpoint, bucket_start, part, samples) VALUES ('acme', '10.0.0.5', ?, 1, '[]')",
                               arguments: [start])
            }
        }
        var later = ContextBucket(customerID: "acme", endpoint: ip("10.0.0.5"), bucketStart: ContextBucket.bucketStart(for: t0))
        later.add(kind: .dns, sample: ContextSample(time: t0 + 5, kind: .dns, peer: nil, summary: "A three.example"))
        try store.commit(IngestBatch(context: [later]), customers: [acme], now: t0 + 10)
        #expect(try bucket("10.0.0.5")?.counts == [.dns: 3, .http: 1])
        #expect(try bucket("10.0.0.5")?.samples.map(\.summary) == ["A one.example", "GET two.example/", "A three.example"])
        try store.close()
    }

    /// v17 gives every stored row its `endpoint_hash` and rebuilds the endpoint index on it:
    /// migrated rows are found by endpoint (timeline, related rows, folding) through that
    /// index, one customer's address is not another's, and the triggers that find an
    /// endpoint's latest open row read that index.
    @Test func v16RowsAreFoundByTheirEndpointHash() throws {
        let earlier = try EarlierStore(upTo: "v16-endpoint-marks") { db in
            for (customer, endpoint, minute) in [("acme", "10.0.0.5", 0), ("acme", "10.0.0.5", 2), ("beta", "10.0.0.5", 1), ("acme", nil, 3)] {
                let time = (t0 + Double(minute) * 60).storeMilliseconds
                let key = "\(customer)|s1|\(2010001 + minute)|10.0.0.5|203.0.113.9"
                try db.execute(sql: """
                    INSERT INTO detections (customer_id, sensor, source_format, source_name, source_offset, event_time, ingest_time,
                        signature_id, signature_name, category, vendor_severity, severity, urgency, urgency_reason, transport,
                        src_ip, dest_ip, endpoint, evidence, count, first_seen, last_seen, status, raw, aggregation_key, aggregation_hash)
                    VALUES (?, 's1', 'suricata-eve', 'eve', 0, ?, ?, ?, 'ET POLICY test', '', '2', 3, 3, '', 'TCP',
                        '10.0.0.5', '203.0.113.9', ?, '{}', 1, ?, ?, 'new', '{}', ?, ?)
                    """, arguments: [customer, time, time, "\(2010001 + minute)", endpoint, time, time, key, AggregationHash.of(key)])
            }
        }
        defer { withExtendedLifetime(earlier) {} }
        let store = try TobanStore(path: earlier.path)
        #expect(try store.appliedMigrations() == allMigrations)
        let stored = try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT customer_id, endpoint, endpoint_hash FROM detections ORDER BY id").map { row in
                (row[2] as Int64, EndpointHash.of(customerID: row[0], endpoint: row[1]))
            }
        }
        #expect(stored.count == 4 && stored.allSatisfy { $0.0 == $0.1 })
        #expect(Set(stored.map(\.0)).count == 3) // two rows of one endpoint, beta's address, acme without one

        let timeline = try store.endpointTimeline(customer: "acme", address: ip("10.0.0.5"), around: t0).compactMap { item -> Detection? in
            if case .detection(let d) = item { return d } else { return nil }
        }
        #expect(timeline.map(\.signature.id) == ["2010001", "2010003"])
        let first = try #require(timeline.first?.id)
        #expect(try store.relatedDetections(to: first).sameEndpoint.map(\.signature.id) == ["2010003"])
        // A repeat folds into the migrated row it was looked up by (through the endpoint index).
        try store.commit(IngestBatch(detections: [makeDetection(at: t0 + 600)]), customers: [acme], now: t0 + 600)
        #expect(try store.detection(id: first)?.count == 2)
        #expect(try store.detections().count == 4)

        let plan = try store.pool.read { db in
            try Row.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT id FROM detections WHERE endpoint_hash = ? AND customer_id = ? AND endpoint = ? ORDER BY last_seen DESC
                """, arguments: [stored[0].0, "acme", "10.0.0.5"]).map { $0["detail"] as String }.joined(separator: " ")
        }
        #expect(plan.contains("\(StoreMigrations.Index.endpointTime) (endpoint_hash=?)"), "\(plan)")
        // The triggers find an endpoint's latest open row among the endpoint's own rows (a
        // statement that fires them is compiled with them: closing a row proves they compile).
        let triggers = try store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'queue_aggregates_%'")
        }
        #expect(triggers.count == 4)
        #expect(triggers.map { $0.components(separatedBy: "INDEXED BY \(StoreMigrations.Index.endpointTime)").count - 1 }.reduce(0, +) == 3)
        try store.pool.write { db in try db.execute(sql: "UPDATE detections SET status = 'closed' WHERE id = ?", arguments: [first]) }
        #expect(try store.detection(id: first)?.status == .closed)
        try store.close()
    }
}

/// A store file left at an earlier schema version with some rows, removed when this goes.
private final class EarlierStore {
    let directory: TemporaryDirectory
    let path: String

    init(upTo version: String, _ fill: (Database) throws -> Void) throws {
        directory = TemporaryDirectory(prefix: "toban-\(version)")
        path = directory.storePath
        let queue = try DatabaseQueue(path: path)
        try StoreMigrations.migrator.migrate(queue, upTo: version)
        try queue.write(fill)
        try queue.close()
    }
}
