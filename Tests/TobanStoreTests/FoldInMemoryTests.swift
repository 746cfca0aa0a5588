import Foundation
import GRDB
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

/// Folding without an index of aggregation keys: the writer holds the open rows of the
/// window (`OpenAggregates`), looks older ones up by endpoint, and follows what analysts
/// and other writers change in between.
@Suite struct FoldInMemoryTests {
    func rows(_ f: StoreFixture) throws -> [(id: Int64, count: Int, status: String)] {
        try f.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, count, status FROM detections ORDER BY id").map { ($0[0], $0[1], $0[2]) }
        }
    }

    @Test func repeatsFoldAcrossBatchesWithoutAnIndexOfKeys() throws {
        let f = try StoreFixture()
        let cache = IngestWriteCache()
        for i in 0..<5 {
            try f.store.commit(IngestBatch(detections: [makeDetection(at: t0 + Double(i) * 60)]), customers: [acme], now: t0, cache: cache)
        }
        #expect(try rows(f).map(\.count) == [5])
        let indexes = try f.store.pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'") }
        #expect(!indexes.contains("detections_aggregation"))
    }

    /// A writer that starts on a store holding an open row (after a restart) folds a repeat
    /// into it, with or without an endpoint, by looking it up.
    @Test func aRestartedWriterFoldsIntoStoredRows() throws {
        let f = try StoreFixture()
        let outside = makeDetection(src: "198.51.100.7", dst: "203.0.113.9", endpoint: nil, at: t0)
        try f.store.commit(IngestBatch(detections: [makeDetection(at: t0), outside]), customers: [acme], now: t0, cache: IngestWriteCache())
        try f.store.commit(IngestBatch(detections: [makeDetection(at: t0 + 600), makeDetection(src: "198.51.100.7", dst: "203.0.113.9", endpoint: nil, at: t0 + 600)]),
                           customers: [acme], now: t0 + 600, cache: IngestWriteCache())
        #expect(try rows(f).map(\.count) == [2, 2])
        // Past the window, a repeat opens a new row.
        try f.store.commit(IngestBatch(detections: [makeDetection(at: t0 + 600 + 3601)]), customers: [acme], now: t0 + 5000, cache: IngestWriteCache())
        #expect(try rows(f).map(\.count) == [2, 2, 1])
    }

    /// An analyst closes the row a writer holds: the next repeat opens a new row rather than
    /// folding into a closed one. Undoing the close reopens it, and repeats fold into the
    /// newest open row again.
    @Test func closesAndReopensByAnalystsAreFollowed() throws {
        let f = try StoreFixture()
        let cache = IngestWriteCache()
        try f.store.commit(IngestBatch(detections: [makeDetection(at: t0)]), customers: [acme], now: t0, cache: cache)
        let first = try #require(try rows(f).first?.id)
        let analyst = try TobanStore(path: f.path)
        let closing = try analyst.dispose([first], disposition: .falsePositive, actor: "analyst", at: t0 + 10)
        try f.store.commit(IngestBatch(detections: [makeDetection(at: t0 + 20)]), customers: [acme], now: t0 + 20, cache: cache)
        #expect(try rows(f).map(\.count) == [1, 1])
        #expect(try rows(f).map(\.status) == ["closed", "new"])

        // The analyst takes the close back, then closes the newer row: the reopened one is
        // open again, and the next repeat folds into it.
        try analyst.undo(group: closing.groupID, actor: "analyst", at: t0 + 30)
        let second = try rows(f)[1].id
        try analyst.dispose([second], disposition: .noAction, actor: "analyst", at: t0 + 31)
        try analyst.close()
        try f.store.commit(IngestBatch(detections: [makeDetection(at: t0 + 40)]), customers: [acme], now: t0 + 40, cache: cache)
        #expect(try rows(f).map(\.count) == [2, 1])
    }

    /// Rows another writer inserted are folded into, as are rows removed under the writer
    /// (a customer's erasure) not.
    @Test func rowsOfAnotherWriterAreCaughtUpWith() throws {
        let f = try StoreFixture()
        let cache = IngestWriteCache()
        try f.store.commit(IngestBatch(detections: [makeDetection(signature: "1", at: t0)]), customers: [acme], now: t0, cache: cache)
        let other = try TobanStore(path: f.path)
        try other.commit(IngestBatch(detections: [makeDetection(signature: "2", at: t0 + 1)]), customers: [acme], now: t0 + 1)
        try other.close()
        try f.store.commit(IngestBatch(detections: [makeDetection(signature: "2", at: t0 + 2), makeDetection(signature: "1", at: t0 + 2)]),
                           customers: [acme], now: t0 + 2, cache: cache)
        #expect(try rows(f).map(\.count) == [2, 2])

        try f.store.pool.write { db in try db.execute(sql: "DELETE FROM detections WHERE signature_id = '1'") }
        try f.store.commit(IngestBatch(detections: [makeDetection(signature: "1", at: t0 + 3)]), customers: [acme], now: t0 + 3, cache: cache)
        #expect(try rows(f).map(\.count) == [2, 1])
    }

    /// Past its capacity the writer forgets its oldest rows and moves its horizon up; a late
    /// repeat of a forgotten row still folds (looked up).
    @Test func forgottenRowsAreLookedUp() {
        var open = OpenAggregates()
        let keys = (0..<(OpenAggregates.capacity + 10)).map { OpenAggregates.Key(text: "acme|s1|\($0)") }
        for (i, key) in keys.enumerated() {
            open.remember(key, id: Int64(i + 1), count: 1, first: Int64(i), last: Int64(i), urgency: .p3)
        }
        open.forget(before: 0)
        #expect(open.entries.count <= OpenAggregates.capacity / 2 + 10)
        #expect(open.entries[keys[0]] == nil)
        #expect(open.entries[keys.last!] != nil)
    }

    @Test func aLateRepeatOfAForgottenRowStillFolds() throws {
        let f = try StoreFixture()
        let cache = IngestWriteCache()
        try f.store.commit(IngestBatch(detections: [makeDetection(at: t0)]), customers: [acme], now: t0, cache: cache)
        // As if many later rows had pushed it out.
        cache.open.forget(before: Int64.max - 1, keeping: 0)
        #expect(cache.open.entries.isEmpty)
        try f.store.commit(IngestBatch(detections: [makeDetection(at: t0 + 30)]), customers: [acme], now: t0 + 30, cache: cache)
        #expect(try rows(f).map(\.count) == [2])
    }
}

/// Risk scores while a backlog is read: put off for batches that do not settle, marked in
/// the store, and finished by the next batch that settles, in this writer or the next.
@Suite struct DeferredRiskTests {
    func endpoint(_ f: StoreFixture) throws -> (score: Double, signatures: Int, stale: Int) {
        try f.store.pool.read { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT risk_score, distinct_signatures, risk_stale FROM endpoints WHERE ip = '10.0.0.5'"))
            return (row[0], row[1], row[2])
        }
    }

    func backlog(_ detections: [Detection]) -> IngestBatch {
        var batch = IngestBatch(detections: detections)
        batch.settles = false
        return batch
    }

    @Test func aBacklogPutsScoresOffUntilABatchSettles() throws {
        let f = try StoreFixture()
        let cache = IngestWriteCache()
        try f.store.commit(backlog([makeDetection(signature: "1", severity: .high, at: t0)]), customers: [acme], now: t0, cache: cache)
        let first = try endpoint(f)
        #expect(first.stale == 0 && first.signatures == 1) // the first batch scores: nothing was scored yet
        try f.store.commit(backlog([makeDetection(signature: "2", severity: .high, at: t0 + 1)]), customers: [acme], now: t0 + 1, cache: cache)
        let waiting = try endpoint(f)
        #expect(waiting.stale == 1 && waiting.signatures == 1 && waiting.score == first.score)
        try f.store.commit(IngestBatch(), customers: [acme], now: t0 + 1.5, cache: cache)
        let settled = try endpoint(f)
        #expect(settled.stale == 0 && settled.signatures == 2 && settled.score > first.score)
    }

    @Test func scoresWaitAtMostTheDeferral() throws {
        let f = try StoreFixture()
        let cache = IngestWriteCache()
        try f.store.commit(backlog([makeDetection(signature: "1", at: t0)]), customers: [acme], now: t0, cache: cache)
        try f.store.commit(backlog([makeDetection(signature: "2", at: t0 + 1)]), customers: [acme], now: t0 + 1, cache: cache)
        #expect(try endpoint(f).stale == 1)
        try f.store.commit(backlog([makeDetection(signature: "3", src: "10.0.0.6", endpoint: "10.0.0.6", at: t0 + 2)]), customers: [acme],
                           now: t0 + IngestWriteCache.maxRiskDeferral, cache: cache)
        #expect(try endpoint(f).stale == 0 && (try endpoint(f)).signatures == 2)
    }

    /// A writer that stops (a crash) with scores put off leaves them marked; the next one
    /// scores them with its first batch that settles, and they match a store that never
    /// deferred.
    @Test func theNextWriterFinishesWhatACrashLeft() throws {
        let f = try StoreFixture(), plain = try StoreFixture()
        let crashed = IngestWriteCache()
        let detections = [makeDetection(signature: "1", at: t0), makeDetection(signature: "2", at: t0 + 1)]
        try f.store.commit(backlog([detections[0]]), customers: [acme], now: t0, cache: crashed)
        try f.store.commit(backlog([detections[1]]), customers: [acme], now: t0 + 1, cache: crashed)
        #expect(try endpoint(f).stale == 1)
        try f.store.commit(IngestBatch(), customers: [acme], now: t0 + 1, cache: IngestWriteCache())
        for d in detections { try plain.store.commit(IngestBatch(detections: [d]), customers: [acme], now: t0 + 1) }
        let finished = try endpoint(f), expected = try endpoint(plain)
        #expect(finished.stale == 0)
        #expect(finished.score == expected.score && finished.signatures == expected.signatures)
    }
}
