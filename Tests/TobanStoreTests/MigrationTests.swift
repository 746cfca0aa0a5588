import Foundation
import GRDB
import Testing
import TobanCore
@testable import TobanStore

@Suite struct MigrationTests {
    @Test func freshStoreIsMigratedWithWALAndPragmas() throws {
        let f = try StoreFixture()
        #expect(try f.store.appliedMigrations() == ["v1", "v3-queue-aggregates"])
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
        for t in ["customers", "sensors", "detections", "endpoints", "context_buckets", "incidents", "incident_detections",
                  "notifications", "audit", "ingest_checkpoints", "ingest_counters"] {
            #expect(tables.contains(t), "missing table \(t)")
        }
        let withoutRowID = try f.store.pool.read { db in try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'context_buckets'") }
        #expect(withoutRowID?.contains("WITHOUT ROWID") == true)
    }

    @Test func reopeningIsIdempotentAndKeepsData() throws {
        let f = try StoreFixture()
        try f.store.commit(IngestBatch(detections: [makeDetection()], checkpoints: [checkpoint(offset: 10)]), customers: [acme], now: t0)
        let schema = try f.store.pool.read { db in try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name") }
        try f.store.close()
        for _ in 0..<2 {
            let again = try TobanStore(path: f.path)
            #expect(try again.appliedMigrations() == ["v1", "v3-queue-aggregates"])
            #expect(try again.pool.read { db in try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name") } == schema)
            #expect(try again.detections().count == 1)
            #expect(try again.checkpoint(sourceID: "eve")?.offset == 10)
            try again.close()
        }
    }
}
