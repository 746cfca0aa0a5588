import Foundation
import GRDB
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

/// The open P1/P2 detections nobody has confirmed to the customer, as the console's header
/// and the on-call ladder read them (through the partial index `detections_unconfirmed`).
@Suite struct AwaitingConfirmationTests {
    /// One detection per urgency P1…P5, then another P1 and P2, each arriving a minute
    /// after the one before, on endpoints of their own (nothing corroborates anything).
    static func seeded() throws -> (StoreFixture, [Int64]) {
        let f = try StoreFixture()
        try f.store.saveCustomers([acme], at: t0)
        let urgencies: [Urgency] = [.p1, .p2, .p3, .p4, .p5, .p1, .p2]
        for (i, urgency) in urgencies.enumerated() {
            let at = t0 + Double(i) * 60
            let d = makeDetection(signature: "\(2_000_000 + i)", name: "sig \(i)", severity: severity(for: urgency),
                                  src: "10.0.1.\(i + 1)", endpoint: "10.0.1.\(i + 1)", at: at, offset: Int64(i) * 100)
            try f.store.commit(IngestBatch(detections: [d]), customers: [acme], now: at)
        }
        let ids = try f.store.detections().sorted { $0.ingestTime < $1.ingestTime }.map(\.id)
        return (f, ids)
    }

    @Test func itIsTheOpenUnconfirmedP1AndP2RowsOldestFirst() throws {
        let (f, ids) = try Self.seeded()
        let stored = try ids.map { try #require(try f.store.detection(id: $0)) }
        #expect(stored.map(\.urgency) == [.p1, .p2, .p3, .p4, .p5, .p1, .p2])
        #expect(try f.store.awaitingConfirmation().map(\.id) == [ids[0], ids[1], ids[5], ids[6]])
        #expect(try f.store.awaitingConfirmation().map(\.arrivedAt) == [t0, t0 + 60, t0 + 300, t0 + 360])
        #expect(try f.store.awaitingConfirmation(urgencies: .p1 ... .p1).map(\.id) == [ids[0], ids[5]])
        #expect(try f.store.awaitingConfirmation(limit: 1).map(\.id) == [ids[0]])

        // Acknowledged and claimed rows still wait; confirmed, escalated and closed ones do not.
        try f.store.acknowledge([ids[0]], actor: "yamada", at: t0 + 600)
        try f.store.claim([ids[1]], actor: "sato", at: t0 + 600)
        #expect(try f.store.awaitingConfirmation().map(\.id) == [ids[0], ids[1], ids[5], ids[6]])
        try f.store.confirm([ids[0]], note: nil, actor: "yamada", at: t0 + 660)
        try f.store.dispose([ids[5]], disposition: .falsePositive, actor: "sato", at: t0 + 660)
        #expect(try f.store.awaitingConfirmation().map(\.id) == [ids[1], ids[6]])
    }

    @Test func theIndexHoldsExactlyTheRowsItsConditionNames() throws {
        let (f, ids) = try Self.seeded()
        try f.store.claim([ids[1]], actor: "sato", at: t0 + 600)
        try f.store.confirm([ids[6]], note: nil, actor: "sato", at: t0 + 600)
        let indexed = try f.store.pool.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM detections INDEXED BY \(StoreMigrations.Index.unconfirmed) WHERE \(StoreMigrations.Index.unconfirmedRows) ORDER BY ingest_time")
        }
        let scanned = try f.store.pool.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT id FROM detections NOT INDEXED
                WHERE status IN ('new', 'acknowledged', 'in_triage') AND urgency <= 2 ORDER BY ingest_time
                """)
        }
        #expect(indexed == [ids[0], ids[1], ids[5]])
        #expect(indexed == scanned)
    }

    /// SQLite evaluates an IN list in a partial index's condition through a temporary
    /// table built for every row it checks; the index's condition must not have one.
    @Test func theIndexConditionHasNoInList() throws {
        let f = try StoreFixture()
        let sql = try #require(try f.store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [StoreMigrations.Index.unconfirmed])
        })
        #expect(sql.contains(StoreMigrations.Index.unconfirmedRows))
        #expect(!sql.uppercased().contains(" IN "))
        let insertPlan = try f.store.pool.read { db in
            // EXPLAIN lists the program without running it: the values may all be NULL.
            let insert = DetectionRow.insertSQL(rows: 1)
            let nulls = Array(repeating: DatabaseValue.null, count: insert.filter { $0 == "?" }.count)
            return try Row.fetchAll(db, sql: "EXPLAIN \(insert)", arguments: StatementArguments(nulls))
                .map { $0["opcode"] as String }
        }
        #expect(!insertPlan.contains("OpenEphemeral"))
    }
}
