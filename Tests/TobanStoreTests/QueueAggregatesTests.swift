import Foundation
import GRDB
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

@Suite struct QueueAggregatesTests {
    let rules = UrgencyRules(base: UrgencyRules.default.base, raisingCategories: UrgencyRules.default.raisingCategories,
                             loweringCategories: UrgencyRules.default.loweringCategories, corroborationThreshold: 2, repeatThreshold: 3)

    /// The maintained tables, and what a fresh scan of the detections says they should hold.
    static func maintainedAndFresh(_ f: StoreFixture) throws -> (maintained: [String], fresh: [String]) {
        try f.store.pool.read { db in
            func lines(_ sql: String) throws -> [String] {
                try Row.fetchAll(db, sql: sql).map { row in row.databaseValues.map { "\($0)" }.joined(separator: "|") }
            }
            let maintained = try lines("SELECT dimension, key, customer_id, urgency, open_count, last_seen FROM queue_aggregates ORDER BY 1, 2, 3, 4")
                + lines("SELECT dimension, key, customer_id, open_count, urgency, last_seen FROM queue_group_totals ORDER BY 1, 2, 3")
                + lines("SELECT 'name', signature_id, signature_name FROM signature_names ORDER BY 2, 3")
                + lines("SELECT 'minute', minute, count FROM detection_arrivals ORDER BY 2")
            let fresh = try lines("""
                SELECT * FROM (
                    SELECT 'signature' AS d, signature_id AS k, customer_id AS c, urgency AS u, COUNT(*), MAX(last_seen) FROM detections
                        WHERE status <> 'closed' GROUP BY 2, 3, 4
                    UNION ALL SELECT 'endpoint', COALESCE(endpoint, '-'), customer_id, urgency, COUNT(*), MAX(last_seen) FROM detections
                        WHERE status <> 'closed' GROUP BY 2, 3, 4
                    UNION ALL SELECT 'customer', customer_id, customer_id, urgency, COUNT(*), MAX(last_seen) FROM detections
                        WHERE status <> 'closed' GROUP BY 2, 3, 4)
                ORDER BY 1, 2, 3, 4
                """)
                + lines("""
                SELECT * FROM (
                    SELECT 'signature' AS d, signature_id AS k, customer_id AS c, COUNT(*), MIN(urgency), MAX(last_seen) FROM detections
                        WHERE status <> 'closed' GROUP BY 2, 3
                    UNION ALL SELECT 'endpoint', COALESCE(endpoint, '-'), customer_id, COUNT(*), MIN(urgency), MAX(last_seen) FROM detections
                        WHERE status <> 'closed' GROUP BY 2, 3
                    UNION ALL SELECT 'customer', customer_id, customer_id, COUNT(*), MIN(urgency), MAX(last_seen) FROM detections
                        WHERE status <> 'closed' GROUP BY 2, 3)
                ORDER BY 1, 2, 3
                """)
                + lines("SELECT DISTINCT 'name', signature_id, signature_name FROM detections ORDER BY 2, 3")
                + lines("SELECT 'minute', ingest_time / 60000, COUNT(*) FROM detections GROUP BY 2 ORDER BY 2")
            return (maintained, fresh)
        }
    }

    static func expectExact(_ f: StoreFixture, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (maintained, fresh) = try maintainedAndFresh(f)
        #expect(maintained == fresh, "after \(step)", sourceLocation: sourceLocation)
    }

    /// A batch over two customers, three signatures (two names for one id), endpoints with
    /// and without an address, spread over several minutes.
    static func batch(at start: Date, offset: Int64) -> [Detection] {
        (0..<24).map { i in
            let customer = i % 3 == 0 ? "beta" : "acme"
            let endpoint: String? = i % 5 == 4 ? nil : (customer == "beta" ? "192.168.1.\(i % 4 + 1)" : "10.0.0.\(i % 4 + 1)")
            return makeDetection(customer: customer, signature: "sig-\(i % 3)", name: i % 7 == 0 ? "renamed \(i % 3)" : "name \(i % 3)",
                                 severity: [.high, .medium, .low][i % 3], src: endpoint ?? "198.51.100.\(i)", dst: "203.0.113.\(i % 6)",
                                 endpoint: endpoint, at: start + Double(i) * 20, offset: offset + Int64(i))
        }
    }

    @Test func aggregatesStayEqualToAFreshGroupByUnderEveryWriter() throws {
        let f = try StoreFixture()
        try f.store.saveCustomers([acme, beta], at: t0)
        try Self.expectExact(f, "migration of an empty store")

        // Ingest: new rows, then the same keys again within the window (folds, counts reach
        // the repeat threshold so urgencies are re-evaluated upwards), then a mixed batch.
        try f.store.commit(IngestBatch(detections: Self.batch(at: t0, offset: 0)), customers: [acme, beta], rules: rules, now: t0 + 600)
        try Self.expectExact(f, "first batch")
        let urgenciesBefore = try f.store.pool.read { db in try Int.fetchAll(db, sql: "SELECT urgency FROM detections ORDER BY id") }
        for round in 1...3 {
            let at = t0 + Double(round) * 300
            try f.store.commit(IngestBatch(detections: Self.batch(at: at, offset: Int64(round) * 100)), customers: [acme, beta],
                               rules: rules, now: at + 600)
            try Self.expectExact(f, "fold round \(round)")
        }
        let urgenciesAfter = try f.store.pool.read { db in try Int.fetchAll(db, sql: "SELECT urgency FROM detections ORDER BY id") }
        #expect(urgenciesAfter.count == urgenciesBefore.count, "the later rounds folded into the first rows")
        #expect(urgenciesAfter != urgenciesBefore, "some folds changed urgency, so the urgency trigger ran")
        try f.store.commit(IngestBatch(detections: Self.batch(at: t0 + 3 * 3600, offset: 1000)), customers: [acme, beta], rules: rules,
                           now: t0 + 3 * 3600)
        try Self.expectExact(f, "batch outside the window")

        // Analyst actions: acknowledge and claim (open → open), close, escalate.
        let ids = try f.store.pool.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM detections ORDER BY id") }
        try f.store.acknowledge(Array(ids[0..<6]), actor: "yamada", at: t0 + 4 * 3600)
        try Self.expectExact(f, "acknowledge")
        let closing = try f.store.dispose(Array(ids[3..<14]), disposition: .falsePositive, actor: "yamada", at: t0 + 4 * 3600)
        try Self.expectExact(f, "dispose")
        let acmeOpen = try f.store.pool.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM detections WHERE customer_id = 'acme' AND status = 'new' ORDER BY id LIMIT 3")
        }
        try f.store.escalate(acmeOpen, comment: "c2", actor: "sato", at: t0 + 4 * 3600)
        try Self.expectExact(f, "escalate")

        // Undo reopens the closed rows (each its group's newest member in some cases).
        try f.store.undo(group: closing.groupID, actor: "yamada", at: t0 + 4 * 3600 + 5)
        try Self.expectExact(f, "undo of the dispose")
        try f.store.dispose(Array(ids[0..<2]), disposition: .noAction, actor: "yamada", at: t0 + 4 * 3600 + 6)
        try Self.expectExact(f, "dispose again")

        // A fold after a close: the closed row is not folded into, a new row starts.
        try f.store.commit(IngestBatch(detections: Self.batch(at: t0 + 3 * 3600 + 60, offset: 2000)), customers: [acme, beta], rules: rules,
                           now: t0 + 3 * 3600 + 900)
        try Self.expectExact(f, "fold after close")

        // Erasure of one customer.
        try f.store.eraseCustomer("beta", actor: "admin", at: t0 + 5 * 3600)
        try Self.expectExact(f, "erasure")
        #expect(try f.count("SELECT COUNT(*) FROM queue_aggregates WHERE customer_id = 'beta'") == 0)
        #expect(try f.count("SELECT COUNT(*) FROM queue_aggregates WHERE customer_id = 'acme'") > 0)

        // And the rebuild used after bulk loads gives the same tables.
        let (before, _) = try Self.maintainedAndFresh(f)
        try f.store.rebuildQueueAggregates()
        #expect(try Self.maintainedAndFresh(f).maintained == before)
    }

    /// The same rows and folds written as one transaction (how a backlog is committed):
    /// the tally is held until the commit, yet a fold that moves a row inserted earlier in
    /// the transaction to another urgency finds its group written.
    @Test func aggregatesStayExactWhenBatchesShareATransaction() throws {
        let f = try StoreFixture()
        try f.store.saveCustomers([acme, beta], at: t0)
        var rounds = (0...3).map { round in IngestBatch(detections: Self.batch(at: t0 + Double(round) * 300, offset: Int64(round) * 100)) }[...]
        try f.store.commitGroup({ rounds.popFirst() }, customers: [acme, beta], rules: rules, now: { t0 + 1500 }, cache: IngestWriteCache())
        let raised = try f.count("SELECT COUNT(*) FROM detections WHERE count >= \(rules.repeatThreshold)")
        #expect(raised > 0, "some folds reached the repeat threshold, so the urgency trigger ran inside the transaction")
        try Self.expectExact(f, "one transaction of four batches")
    }

    /// New rows wait to be inserted several at once (`BatchWriter.insertChunk`). A repeat
    /// in the same batch that moves a stored row to another urgency fires the trigger that
    /// recounts the row's old group from the detections: the waiting rows must be in them.
    /// Here the group's latest activity after the move is a waiting row's (t0 + 50 s), not
    /// the older stored one's (t0 + 10 s).
    @Test func rowsWaitingToBeInsertedCountWhenARepeatChangesUrgency() throws {
        let f = try StoreFixture()
        try f.store.saveCustomers([acme, beta], at: t0)
        func x(_ src: String, at seconds: Double, offset: Int64) -> Detection {
            makeDetection(signature: "sig-x", name: "x", severity: .low, src: src, dst: "203.0.113.1", endpoint: src,
                          at: t0 + seconds, offset: offset)
        }
        try f.store.commit(IngestBatch(detections: [x("10.0.0.1", at: 100, offset: 0), x("10.0.0.2", at: 10, offset: 1)]),
                           customers: [acme, beta], rules: rules, now: t0 + 600)
        let fillers = (0..<(BatchWriter.insertChunk + 3)).map { i in
            makeDetection(signature: "fill-\(i)", name: "fill", severity: .low, src: "10.1.0.\(i + 1)", dst: "203.0.113.2",
                          endpoint: "10.1.0.\(i + 1)", at: t0 + 20, offset: 10 + Int64(i))
        }
        let waiting = x("10.0.0.3", at: 50, offset: 100)
        let repeats = (0..<rules.repeatThreshold).map { k in x("10.0.0.1", at: 60 + Double(k), offset: 101 + Int64(k)) }
        try f.store.commit(IngestBatch(detections: fillers + [waiting] + repeats), customers: [acme, beta], rules: rules, now: t0 + 600)
        #expect(try f.count("SELECT COUNT(DISTINCT urgency) FROM detections WHERE signature_id = 'sig-x'") == 2,
                "the repeats raised the first row's urgency")
        #expect(try f.count("SELECT COUNT(*) FROM detections") == 3 + fillers.count)
        let ids = try f.store.pool.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM detections ORDER BY source_offset") }
        #expect(ids == Array(1...Int64(ids.count)), "ids follow the batch's order, several rows to a statement")
        try Self.expectExact(f, "new rows and a raised repeat in one batch")
    }

    @Test func theMigrationBackfillsAStoreThatHadOnlyTheFirstSchema() throws {
        // A store written before this migration: v1 only, with rows (some closed).
        let directory = TemporaryDirectory(prefix: "toban-agg")
        let path = directory.file("old.sqlite")
        do {
            let store = try TobanStore(path: path)
            try store.commit(IngestBatch(detections: Self.batch(at: t0, offset: 0)), customers: [acme, beta], now: t0)
            let ids = try store.detections().map(\.id)
            try store.dispose(Array(ids.prefix(5)), disposition: .falsePositive, actor: "x", at: t0)
            try store.pool.write { db in
                try db.execute(sql: """
                    DROP TABLE queue_aggregates; DROP TABLE queue_group_totals; DROP TABLE signature_names; DROP TABLE detection_arrivals;
                    DROP INDEX detections_signature_queue; DROP INDEX detections_customer_queue;
                    DELETE FROM grdb_migrations WHERE identifier = 'v3-queue-aggregates';
                    """)
                for trigger in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'") {
                    try db.execute(sql: "DROP TRIGGER \(trigger)")
                }
            }
            try store.close()
        }
        let f = try StoreFixture(path: path)
        #expect(try f.store.appliedMigrations() == allMigrations)
        #expect(try f.count("SELECT COUNT(*) FROM queue_aggregates") > 0)
        try Self.expectExact(f, "backfill")
    }

    @Test func headerCountsAndGroupsReadTheAggregates() throws {
        let f = try StoreFixture()
        try f.store.commit(IngestBatch(detections: Self.batch(at: t0, offset: 0)), customers: [acme, beta], now: t0 + 600)
        let ids = try f.store.detections().map(\.id)
        try f.store.dispose(Array(ids.prefix(4)), disposition: .falsePositive, actor: "x", at: t0)
        let fresh = try f.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT customer_id, urgency, COUNT(*) AS n FROM detections WHERE status <> 'closed' GROUP BY 1, 2 ORDER BY 1, 2")
                .map { OpenCount(customerID: $0["customer_id"], urgency: Urgency(rawValue: $0["urgency"])!, count: $0["n"]) }
        }
        #expect(try f.store.openCountsByCustomerAndUrgency() == fresh)
        for grouping in DetectionGrouping.allCases {
            for filter in [DetectionFilter(), DetectionFilter(customers: ["acme"]), DetectionFilter(urgencies: .p2 ... .p3)] {
                let fast = try f.store.detectionGroups(by: grouping, filter: filter)
                let scanned = try f.store.scannedDetectionGroups(by: grouping, filter: filter, limit: 500)
                // (A signature's label is one of its names: the aggregate keeps the greatest
                // ever seen, the scan the greatest among open rows.)
                func unlabelled(_ g: [DetectionGroup]) -> [DetectionGroup] {
                    g.map { var x = $0; if grouping == .signature { x.label = "" }; return x }
                }
                #expect(unlabelled(fast) == unlabelled(scanned), "\(grouping) \(filter)")
                #expect(!fast.isEmpty)
            }
        }
        // Drilling into a group (and acting on it) reaches exactly the members it counts,
        // the endpoint-less "-" group included.
        for grouping in DetectionGrouping.allCases {
            for g in try f.store.detectionGroups(by: grouping) {
                let narrowed = g.narrowing(DetectionFilter())
                #expect(try f.store.detectionIDs(narrowed).count == g.count, "\(grouping) \(g.key)")
                #expect(try f.store.detections(narrowed, limit: 1000).count == g.count, "\(grouping) \(g.key)")
            }
        }
        // The aggregate read is a search on the aggregate table, never on detections (source
        // groups are counted from the detections by design: they are not aggregated).
        for grouping in DetectionGrouping.allCases where grouping != .source {
            for filter in [DetectionFilter(), DetectionFilter(customers: ["acme"], urgencies: .p1 ... .p3)] {
                let plan = try f.store.groupPlan(by: grouping, filter: filter)
                #expect(plan.contains(filter.urgencies == nil ? "queue_group_totals" : "queue_aggregates") && !plan.contains("detections"), "\(plan)")
            }
        }
    }
}
