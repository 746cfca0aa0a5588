import Foundation
import GRDB
import TobanCore
@testable import TobanStore
import TobanTestSupport

/// A fresh store in its own temporary directory (removed when the fixture is released).
final class StoreFixture: @unchecked Sendable {
    let directory: TemporaryDirectory
    let store: TobanStore
    let path: String

    init() throws {
        directory = TemporaryDirectory(prefix: "toban-store")
        path = directory.storePath
        store = try TobanStore(path: path)
    }

    /// Opens an existing store file (its directory is left alone when released).
    init(path: String) throws {
        directory = TemporaryDirectory(prefix: "toban-store")
        self.path = path
        store = try TobanStore(path: path)
    }

    func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try store.pool.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    func execute(_ sql: String) throws {
        try store.pool.write { db in try db.execute(sql: sql) }
    }
}

func checkpoint(_ source: String = "eve", offset: Int64) -> SourceCheckpoint {
    SourceCheckpoint(sourceID: source, path: "/var/log/suricata/eve.json", device: 2049, inode: 1234, fingerprint: 0xFEED_FACE_CAFE_BEEF, offset: offset)
}

/// Every migration a store gets, in order (one list, so a new migration changes one line).
let allMigrations = ["v1", "v2-ingest-write-path", "v3-queue-aggregates", "v4-context-parts", "v5-context-checkpoint", "v6-outbox",
                     "v7-incident-work", "v8-checkpoint-format", "v9-endpoints-settle",
                     "v10-fold-in-memory", "v11-closed-order",
                     "v12-unconfirmed-without-in-list", "v13-closed-signature", "v14-context-parts-appended",
                     "v15-ascending-queue-indexes", "v16-endpoint-marks", "v17-endpoint-hash"]
