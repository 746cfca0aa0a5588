import Foundation
import GRDB
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

/// Several batches in one transaction (`commitGroup`, how ingest commits a backlog): what
/// is stored is what one commit per batch stores, and a failure stores none of the group.
@Suite struct GroupCommitTests {
    /// A backlog of four batches: repeats that fold into rows of earlier batches, a new
    /// endpoint per batch, and each batch's checkpoint; only the last one settles.
    func backlog() -> [IngestBatch] {
        (0..<4).map { i in
            let at = t0 + Double(i) * 60
            var batch = IngestBatch(detections: [makeDetection(at: at), makeDetection(signature: "2010002", at: at),
                                                 makeDetection(src: "10.0.1.\(i)", endpoint: "10.0.1.\(i)", at: at)],
                                    checkpoints: [checkpoint(offset: Int64(i + 1) * 1000)])
            batch.settles = i == 3
            return batch
        }
    }

    func snapshot(_ f: StoreFixture) throws -> [String] {
        try f.store.pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT 'detection ' || id || ' ' || signature_id || ' ' || endpoint || ' ' || count || ' ' || first_seen || ' '
                    || last_seen || ' ' || urgency FROM detections
                UNION ALL SELECT 'endpoint ' || ip || ' ' || detection_count || ' ' || distinct_signatures || ' ' || risk_score || ' ' || stale FROM endpoints
                UNION ALL SELECT 'group ' || dimension || ' ' || key || ' ' || urgency || ' ' || open_count || ' ' || last_seen
                    FROM queue_aggregates
                UNION ALL SELECT 'checkpoint ' || source_id || ' ' || offset FROM ingest_checkpoints
                ORDER BY 1
                """)
        }
    }

    @Test func aGroupStoresWhatOneCommitPerBatchStores() throws {
        let single = try StoreFixture(), grouped = try StoreFixture()
        let singleCache = IngestWriteCache()
        for (i, batch) in backlog().enumerated() {
            try single.store.commit(batch, customers: [acme], now: t0 + Double(i) * 60 + 1, cache: singleCache)
        }
        var pending = backlog()[...]
        var asked = 0
        let result = try grouped.store.commitGroup({ () -> IngestBatch? in
            asked += 1
            return pending.popFirst()
        }, customers: [acme], now: { t0 + Double(asked - 1) * 60 + 1 }, cache: IngestWriteCache())
        #expect(result.inserted == 6)
        #expect(result.folded == 6)
        let stored = try snapshot(grouped)
        #expect(stored == (try snapshot(single)))
        #expect(stored.filter { $0.hasPrefix("detection") }.count == 6)
        #expect(stored.contains("checkpoint eve 4000"))
    }

    @Test func aFailedGroupStoresNoneOfItsBatches() throws {
        let f = try StoreFixture()
        try f.execute("""
            CREATE TRIGGER refuse_boom BEFORE INSERT ON detections WHEN NEW.signature_id = 'boom'
            BEGIN SELECT RAISE(ABORT, 'refused'); END
            """)
        let cache = IngestWriteCache()
        var failing = backlog()
        failing[2].detections.append(makeDetection(signature: "boom"))
        var pending = failing[...]
        #expect(throws: DatabaseError.self) {
            try f.store.commitGroup({ pending.popFirst() }, customers: [acme], now: { t0 + 300 }, cache: cache)
        }
        #expect(try snapshot(f).isEmpty)

        // Read again (as ingest does after a failure), the backlog is stored once.
        pending = backlog()[...]
        try f.store.commitGroup({ pending.popFirst() }, customers: [acme], now: { t0 + 300 }, cache: cache)
        #expect(try f.count("SELECT COUNT(*) FROM detections") == 6)
        #expect(try f.count("SELECT SUM(count) FROM detections") == 12)
        #expect(try f.count("SELECT offset FROM ingest_checkpoints") == 4000)
    }
}
