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

    /// A repeat inside the row's activity (a log read twice) only counts: the row keeps its
    /// times and place in the queue. One that reaches the repeat threshold still raises it.
    @Test func aRepeatInsideTheRowsActivityOnlyCounts() throws {
        let f = try StoreFixture()
        let cache = IngestWriteCache()
        let rules = UrgencyRules(base: UrgencyRules.default.base, raisingCategories: UrgencyRules.default.raisingCategories,
                                 loweringCategories: UrgencyRules.default.loweringCategories, repeatThreshold: 4)
        try f.store.commit(IngestBatch(detections: [makeDetection(at: t0), makeDetection(at: t0 + 60)]), customers: [acme], rules: rules,
                           now: t0 + 60, cache: cache)
        let before = try #require(try f.store.detections().first)
        try f.store.commit(IngestBatch(detections: [makeDetection(at: t0 + 30)]), customers: [acme], rules: rules, now: t0 + 90, cache: cache)
        let counted = try #require(try f.store.detections().first)
        #expect(counted.id == before.id && counted.count == 3)
        #expect(counted.firstSeen == before.firstSeen && counted.lastSeen == before.lastSeen && counted.urgency == before.urgency)
        try f.store.commit(IngestBatch(detections: [makeDetection(at: t0 + 45)]), customers: [acme], rules: rules, now: t0 + 95, cache: cache)
        let raised = try #require(try f.store.detections().first)
        #expect(raised.id == before.id && raised.count == 4 && raised.urgency < before.urgency)
        #expect(raised.urgencyReason.contains("repeated 4 times"), "\(raised.urgencyReason)")
        try QueueAggregatesTests.expectExact(f, "repeats inside the row's activity")
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

    /// A restarted writer holds the window up to the store's latest activity; a repeat
    /// older than that (a file read late) is looked up, with or without an endpoint.
    @Test func anOlderRepeatIsLookedUp() throws {
        let f = try StoreFixture()
        let outside = { (at: Date) in makeDetection(signature: "9", src: "198.51.100.7", dst: "203.0.113.9", endpoint: nil, at: at) }
        try f.store.commit(IngestBatch(detections: [makeDetection(signature: "1", at: t0), outside(t0), makeDetection(signature: "2", at: t0 + 7200)]),
                           customers: [acme], now: t0 + 7200, cache: IngestWriteCache())
        let cache = IngestWriteCache()
        try f.store.commit(IngestBatch(detections: [makeDetection(signature: "2", at: t0 + 7260)]), customers: [acme], now: t0 + 7260, cache: cache)
        #expect(cache.open.horizon > (t0 + 60).storeMilliseconds - 3_600_000)
        try f.store.commit(IngestBatch(detections: [makeDetection(signature: "1", at: t0 + 60), outside(t0 + 60)]),
                           customers: [acme], now: t0 + 7300, cache: cache)
        #expect(try rows(f).map(\.count) == [2, 2, 2])
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

    /// More keys in the window than memory holds (a storm of scans): the older half is
    /// spilled to the store, repeats of spilled keys still fold, and a deleted detection
    /// takes its spilled entry along.
    @Test func aStormSpillsAndStillFolds() throws {
        let f = try StoreFixture()
        let cache = IngestWriteCache()
        cache.open = OpenAggregates(capacity: 8)
        let scan = { (i: Int, at: Date) in makeDetection(signature: "9", dst: "203.0.113.\(i)", at: at) }
        for b in 0..<4 {
            try f.store.commit(IngestBatch(detections: (0..<10).map { scan(b * 10 + $0, t0 + Double(b * 10 + $0)) }),
                               customers: [acme], now: t0 + 60, cache: cache)
        }
        let spilled = { try f.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM fold_spill")! } }
        #expect(try spilled() > 0)
        #expect(cache.open.entries.count <= 8 + 10)
        // Another writer starting on the store leaves what this one spilled alone.
        try f.store.commit(IngestBatch(detections: [makeDetection(signature: "1", at: t0 + 50)]), customers: [acme], now: t0 + 60,
                           cache: IngestWriteCache())
        #expect(try spilled() > 0)
        // The first scans again, a minute later: each folds into its row.
        try f.store.commit(IngestBatch(detections: (0..<5).map { scan($0, t0 + 100) }), customers: [acme], now: t0 + 120, cache: cache)
        #expect(try rows(f).count == 41)
        #expect(try rows(f).prefix(5).allSatisfy { $0.count == 2 })
        try f.store.pool.write { db in try db.execute(sql: "DELETE FROM detections WHERE id <= 20") }
        #expect(try f.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM fold_spill WHERE detection_id <= 20")! } == 0)
    }

    @Test func aLateRepeatOfAForgottenRowStillFolds() throws {
        let f = try StoreFixture()
        let cache = IngestWriteCache()
        try f.store.commit(IngestBatch(detections: [makeDetection(at: t0)]), customers: [acme], now: t0, cache: cache)
        // As if many later rows had pushed it out.
        try f.store.pool.write { db in try cache.open.forget(before: Int64.max - 1, keeping: 0, db) }
        #expect(cache.open.entries.isEmpty)
        try f.store.commit(IngestBatch(detections: [makeDetection(at: t0 + 30)]), customers: [acme], now: t0 + 30, cache: cache)
        #expect(try rows(f).map(\.count) == [2])
    }
}

/// Endpoint rows while a backlog is read: marked once, their counters then held in memory
/// and their scores put off, until a batch settles, in this writer or the next (which
/// counts them again from their detections).
@Suite struct EndpointSettleTests {
    /// 1 while the endpoint waits: marked in `endpoint_marks`, or in its row.
    static let waiting = """
        (stale OR EXISTS (SELECT 1 FROM endpoint_marks m WHERE m.customer_id = endpoints.customer_id AND m.ip = endpoints.ip))
        """

    func endpoint(_ f: StoreFixture, _ address: String = "10.0.0.5") throws -> (score: Double, signatures: Int, stale: Int) {
        try f.store.pool.read { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT risk_score, distinct_signatures, \(Self.waiting) FROM endpoints WHERE ip = ?",
                                                    arguments: [address]))
            return (row[0], row[1], row[2])
        }
    }

    /// Every endpoint row as the console reads it.
    func endpoints(_ f: StoreFixture) throws -> [String] {
        try f.store.pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT ip || '|' || detection_count || '|' || first_seen || '|' || last_seen || '|' || risk_score || '|' ||
                       distinct_signatures || '|' || coalesce(hostname, '-') || '|' || \(Self.waiting) FROM endpoints ORDER BY ip
                """)
        }
    }

    /// A detection of signature `i` on an endpoint no other helper uses (10.0.0.9).
    func onNewEndpoint(_ i: Int) -> Detection {
        makeDetection(signature: "\(i)", src: "10.0.0.9", endpoint: "10.0.0.9", at: t0 + Double(i))
    }

    /// 10.0.0.9 (`onNewEndpoint`, signatures 2 and 3) settled: no mark left, and its row
    /// counts both detections and both signatures.
    func expectNewEndpointSettled(_ f: StoreFixture) throws {
        #expect(try marks(f).isEmpty)
        let row = try endpoint(f, "10.0.0.9")
        #expect(row.stale == 0 && row.signatures == 2)
        #expect(try endpoints(f).contains { $0.hasPrefix("10.0.0.9|2|") })
    }

    /// A backlog's first batch (10.0.0.5, settled), then 10.0.0.9 first seen (`onNewEndpoint`
    /// 2 and 3): marked, held, and without a row yet. The cache is the writer's.
    func storeWithAWaitingEndpoint() throws -> (StoreFixture, IngestWriteCache) {
        let f = try StoreFixture()
        let cache = IngestWriteCache()
        try f.store.commit(backlog([makeDetection(signature: "1", at: t0)]), customers: [acme], now: t0, cache: cache)
        try f.store.commit(backlog([onNewEndpoint(2), onNewEndpoint(3)]), customers: [acme], now: t0 + 0.5, cache: cache)
        return (f, cache)
    }

    func marks(_ f: StoreFixture) throws -> [String] {
        try f.store.pool.read { db in try String.fetchAll(db, sql: "SELECT customer_id || ' ' || ip FROM endpoint_marks") }
    }

    func backlog(_ detections: [Detection]) -> IngestBatch {
        var batch = IngestBatch(detections: detections)
        batch.settles = false
        return batch
    }

    /// Ten batches of a backlog over three endpoints, the last settling.
    var batches: [[Detection]] {
        (0..<10).map { b in
            (0..<6).map { i in
                let host = "10.0.0.\(5 + i % 3)"
                return makeDetection(signature: "\(2_000_000 + (b * 6 + i) % 4)", src: host, dst: "203.0.113.\(b)", endpoint: host,
                                     at: t0 + Double(b * 10 + i))
            }
        }
    }

    @Test func aBacklogPutsScoresOffUntilABatchSettles() throws {
        let f = try StoreFixture()
        let cache = IngestWriteCache()
        try f.store.commit(backlog([makeDetection(signature: "1", severity: .high, at: t0)]), customers: [acme], now: t0, cache: cache)
        let first = try endpoint(f)
        #expect(first.stale == 0 && first.signatures == 1) // the first batch settles: nothing had yet
        try f.store.commit(backlog([makeDetection(signature: "2", severity: .high, at: t0 + 1)]), customers: [acme], now: t0 + 1, cache: cache)
        let waiting = try endpoint(f)
        #expect(waiting.stale == 1 && waiting.signatures == 1 && waiting.score == first.score)
        try f.store.commit(IngestBatch(), customers: [acme], now: t0 + 1.5, cache: cache)
        let settled = try endpoint(f)
        #expect(settled.stale == 0 && settled.signatures == 2 && settled.score > first.score)
    }

    @Test func endpointsWaitAtMostTheDeferral() throws {
        let f = try StoreFixture()
        let cache = IngestWriteCache()
        try f.store.commit(backlog([makeDetection(signature: "1", at: t0)]), customers: [acme], now: t0, cache: cache)
        try f.store.commit(backlog([makeDetection(signature: "2", at: t0 + 1)]), customers: [acme], now: t0 + 1, cache: cache)
        #expect(try endpoint(f).stale == 1)
        try f.store.commit(backlog([makeDetection(signature: "3", src: "10.0.0.6", endpoint: "10.0.0.6", at: t0 + 2)]), customers: [acme],
                           now: t0 + IngestWriteCache.maxEndpointDeferral, cache: cache)
        #expect(try endpoint(f).stale == 0 && (try endpoint(f)).signatures == 2)
    }

    /// Counters held over a backlog, a backlog cut by a crash (what was held is lost; the
    /// next writer recounts), and one crossed by an analyst's action on another connection
    /// (what was held is dropped and recounted) all end as a store that never deferred.
    @Test(arguments: ["held", "crash", "analyst"])
    func settledRowsMatchAStoreThatNeverDeferred(_ interruption: String) throws {
        let f = try StoreFixture(), plain = try StoreFixture()
        var cache = IngestWriteCache()
        let now = t0 + 100
        for (b, detections) in batches.enumerated() {
            try plain.store.commit(IngestBatch(detections: detections), customers: [acme], now: now)
            if b == 6 && interruption == "crash" { cache = IngestWriteCache() }
            if b == 6 && interruption == "analyst" {
                let other = try TobanStore(path: f.path)
                try other.acknowledge([1], actor: "analyst", at: now)
                try other.close()
                try plain.store.acknowledge([1], actor: "analyst", at: now)
            }
            let batch = b == batches.count - 1 ? IngestBatch(detections: detections) : backlog(detections)
            try f.store.commit(batch, customers: [acme], now: now, cache: cache)
            if b == 3 { #expect(try endpoints(f).allSatisfy { $0.hasSuffix("|1") }, "marked while waiting") }
        }
        let settled = try endpoints(f)
        #expect(settled.count == 3)
        let expected = try endpoints(plain)
        #expect(settled == expected, "\(settled) vs \(expected)")
    }

    /// An endpoint first seen during a backlog is marked by appending to `endpoint_marks`
    /// once, gets its row when it settles, and leaves no mark behind.
    @Test func aNewEndpointIsMarkedOnceAndGetsItsRowWhenItSettles() throws {
        let f = try StoreFixture()
        let cache = IngestWriteCache()
        try f.store.commit(backlog([makeDetection(signature: "1", at: t0)]), customers: [acme], now: t0, cache: cache)
        try f.store.commit(backlog([onNewEndpoint(2)]), customers: [acme], now: t0 + 0.5, cache: cache)
        try f.store.commit(backlog([onNewEndpoint(3)]), customers: [acme], now: t0 + 1, cache: cache)
        #expect(try marks(f) == ["acme 10.0.0.9"])
        #expect(try endpoints(f).count == 1, "no row until it settles")
        try f.store.commit(IngestBatch(), customers: [acme], now: t0 + 1.5, cache: cache)
        try expectNewEndpointSettled(f)
    }

    /// A writer that stops before its marks settle leaves them; the next one counts those
    /// endpoints from their detections at its first batch and clears the marks.
    @Test func theNextWriterRecountsWhatACrashLeftMarked() throws {
        let (f, _) = try storeWithAWaitingEndpoint()
        #expect(try marks(f).count == 1)
        try f.store.commit(backlog([makeDetection(signature: "4", at: t0 + 4)]), customers: [acme], now: t0 + 5, cache: IngestWriteCache())
        try expectNewEndpointSettled(f)
    }

    /// Until its row is written, an endpoint first seen during a backlog reads as its
    /// detections count it, and an analyst can mark it: its row is written then, and the
    /// writer counts and scores it again when endpoints next settle.
    @Test func aWaitingEndpointCanBeReadAndMarkedBeforeItHasARow() throws {
        let (f, cache) = try storeWithAWaitingEndpoint()
        #expect(try endpoints(f).count == 1)
        let waiting = try #require(try f.store.endpoint(customer: "acme", address: ip("10.0.0.9")))
        #expect(waiting.detectionCount == 2 && waiting.distinctSignatures == 2 && waiting.riskScore == 0)
        #expect(waiting.firstSeen == t0 + 2 && waiting.lastSeen == t0 + 3)
        _ = try f.store.setEndpointStatus(customer: "acme", address: ip("10.0.0.9"), status: .suspect, note: "beaconing",
                                          actor: "yamada", at: t0 + 0.6)
        try f.store.commit(backlog([makeDetection(signature: "4", at: t0 + 0.7)]), customers: [acme], now: t0 + 0.7, cache: cache)
        try expectNewEndpointSettled(f)
        let settled = try #require(try f.store.endpoint(customer: "acme", address: ip("10.0.0.9")))
        #expect(settled.status == .suspect && settled.riskScore > 0)
        #expect(try f.store.endpoint(customer: "acme", address: ip("10.0.0.99")) == nil)
    }

    /// A host name seen during a backlog is written at once, not held.
    @Test func aHostNameIsWrittenAtOnce() throws {
        let f = try StoreFixture()
        let cache = IngestWriteCache()
        try f.store.commit(backlog([makeDetection(signature: "1", at: t0)]), customers: [acme], now: t0, cache: cache)
        try f.store.commit(backlog([makeDetection(signature: "2", at: t0 + 1)]), customers: [acme], now: t0 + 1, cache: cache)
        var named = makeDetection(signature: "3", at: t0 + 2)
        named.evidence.sourceHostname = "pc-042"
        try f.store.commit(backlog([named]), customers: [acme], now: t0 + 1.5, cache: cache)
        let row = try f.store.pool.read { db in
            try #require(try Row.fetchOne(db, sql: "SELECT detection_count, hostname, stale, distinct_signatures FROM endpoints"))
        }
        #expect(row[0] as Int == 3 && row[1] as String? == "pc-042" && row[2] as Int == 1 && row[3] as Int == 1)
    }

    /// Folding takes its groups from `prepare`: keys in the order they first appear (so ids
    /// follow the file), each key's detections earliest first, whatever order they came in.
    @Test func prepareGroupsRepeatsByKeyInFileOrderEarliestFirst() throws {
        let keys = ["b", "a", "b", "c", "b", "a"].map { OpenAggregates.Key(text: $0) }
        let seen = [50.0, 10, 20, 5, 40, 1].map { t0.addingTimeInterval($0) }
        let (members, ends) = TobanStore.foldGroups(keys, firstSeen: seen)
        #expect(ends == [3, 5, 6])
        #expect(Array(members[0 ..< 3]) == [2, 4, 0]) // "b" at 20, 40, 50
        #expect(Array(members[3 ..< 5]) == [5, 1]) // "a" at 1, 10
        #expect(Array(members[5 ..< 6]) == [3])
        let empty = TobanStore.foldGroups([], firstSeen: [])
        #expect(empty.members.isEmpty && empty.ends.isEmpty)
    }

    /// The writer keeps its urgency assessments across batches, but never across a change
    /// of rules: the same detection committed after the rules changed gets the new urgency.
    @Test func aChangeOfRulesIsNotAnsweredFromTheKeptAssessments() throws {
        let f = try StoreFixture()
        let cache = IngestWriteCache()
        try f.store.commit(IngestBatch(detections: [makeDetection(signature: "2010001", at: t0)]), customers: [acme], now: t0, cache: cache)
        var fixed = UrgencyRules.default
        fixed.signatureOverrides["2010001"] = .p1
        try f.store.commit(IngestBatch(detections: [makeDetection(signature: "2010001", src: "10.0.0.7", endpoint: "10.0.0.7", at: t0)]),
                           customers: [acme], rules: fixed, now: t0, cache: cache)
        let urgencies = try f.store.pool.read { db in
            try Int.fetchAll(db, sql: "SELECT urgency FROM detections ORDER BY id")
        }
        #expect(urgencies.count == 2)
        #expect(urgencies[0] != Urgency.p1.rawValue)
        #expect(urgencies[1] == Urgency.p1.rawValue)
    }
}
