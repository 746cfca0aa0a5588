import Foundation
import GRDB
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

/// The ingest writer's cache: batches after the first append to what they wrote without
/// reading it back, and anything else written to the store makes the cache start over.
@Suite struct WriteCacheTests {
    let start = ContextBucket.bucketStart(for: t0)

    func bucket(_ kind: ContextKind, _ n: Int, samples: Range<Int>, endpoint: String = "10.0.0.5") -> ContextBucket {
        ContextBucket(customerID: "acme", endpoint: ip(endpoint), bucketStart: start, counts: [kind: n],
                      samples: samples.map { ContextSample(time: start + Double($0), kind: kind, peer: $0 % 2 == 0 ? ip("8.8.8.8") : nil,
                                                           summary: "A \"host\($0)\".example") })
    }

    func stored(_ f: StoreFixture, endpoint: String = "10.0.0.5") throws -> ContextBucket? {
        let items = try f.store.endpointTimeline(customer: "acme", address: ip(endpoint), around: t0)
        for item in items { if case .context(let b) = item { return b } }
        return nil
    }

    @Test func cachedBatchesMergeLikeUncachedOnes() throws {
        let cached = try StoreFixture(), plain = try StoreFixture()
        let cache = IngestWriteCache()
        let batches = [
            IngestBatch(context: [bucket(.dns, 2, samples: 0..<20)]),
            IngestBatch(context: [bucket(.dns, 3, samples: 10..<30), bucket(.http, 1, samples: 100..<120)]),
            IngestBatch(context: [bucket(.flow, 7, samples: 200..<210)]),
        ]
        for b in batches {
            try cached.store.commit(b, customers: [acme], now: t0, cache: cache)
            try plain.store.commit(b, customers: [acme], now: t0)
        }
        let a = try #require(try stored(cached)), b = try #require(try stored(plain))
        #expect(a == b)
        #expect(a.counts == [.dns: 5, .http: 1, .flow: 7])
        #expect(a.samples.count == ContextBucket.sampleLimit)
        #expect(Set(a.samples.map(\.summary)).count == ContextBucket.sampleLimit)
        #expect(a.samples.map(\.time) == a.samples.map(\.time).sorted())
        #expect(a.samples.first?.summary == "A \"host0\".example")
    }

    /// A bucket met by batch after batch keeps few parts: past `compactAfterParts` they are
    /// merged into one, with the same counts and examples (a cached writer, and one that
    /// restarts before every batch, alike).
    @Test func aBucketMetByManyBatchesKeepsFewParts() throws {
        let cached = try StoreFixture(), restarting = try StoreFixture()
        let cache = IngestWriteCache()
        for i in 0..<30 {
            let batch = IngestBatch(context: [bucket(.dns, 2, samples: i..<i + 1), bucket(.flow, 1, samples: 100 + i ..< 101 + i)])
            try cached.store.commit(batch, customers: [acme], now: t0, cache: cache)
            try restarting.store.commit(batch, customers: [acme], now: t0, cache: IngestWriteCache())
        }
        for f in [cached, restarting] {
            let parts = try f.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM context_parts") }
            #expect(parts! <= BatchWriter.compactAfterParts)
            let b = try #require(try stored(f))
            #expect(b.counts == [.dns: 60, .flow: 30])
            // The first 32 distinct examples, in the order the batches gave them.
            let expected = (0..<16).flatMap { ["A \"host\($0)\".example", "A \"host\(100 + $0)\".example"] }
            #expect(b.samples.map(\.summary).sorted() == expected.sorted())
        }
    }

    /// A writer that starts while the store already holds buckets of the hour (a restart)
    /// reads each one back before adding examples; an hour it meets first is known to hold
    /// nothing, so its buckets are written without a lookup and still merge correctly.
    @Test func aRestartedWriterReadsBackTheHourItJoins() throws {
        let f = try StoreFixture()
        try f.store.commit(IngestBatch(context: [bucket(.dns, 2, samples: 0..<20)]), customers: [acme], now: t0, cache: IngestWriteCache())
        let restarted = IngestWriteCache()
        try f.store.commit(IngestBatch(context: [bucket(.dns, 3, samples: 10..<30), bucket(.http, 1, samples: 0..<2, endpoint: "10.0.0.6")]),
                           customers: [acme], now: t0, cache: restarted)
        let joined = try #require(try stored(f))
        #expect(joined.counts == [.dns: 5])
        #expect(joined.samples.count == 30)
        #expect(Set(joined.samples.map(\.summary)).count == 30)

        let nextHour = start + ContextBucket.bucketSeconds
        func later(_ n: Int, samples: Range<Int>) -> ContextBucket {
            ContextBucket(customerID: "acme", endpoint: ip("10.0.0.5"), bucketStart: nextHour, counts: [.tls: n],
                          samples: samples.map { ContextSample(time: nextHour + Double($0), kind: .tls, peer: nil, summary: "sni s\($0)") })
        }
        try f.store.commit(IngestBatch(context: [later(4, samples: 0..<20)]), customers: [acme], now: t0, cache: restarted)
        try f.store.commit(IngestBatch(context: [later(6, samples: 15..<40)]), customers: [acme], now: t0, cache: restarted)
        let items = try f.store.endpointTimeline(customer: "acme", address: ip("10.0.0.5"), around: nextHour + 60)
        let buckets = items.compactMap { item -> ContextBucket? in if case .context(let b) = item { return b } else { return nil } }
        let fresh = try #require(buckets.first { $0.bucketStart == nextHour })
        #expect(fresh.counts == [.tls: 10])
        #expect(fresh.samples.map(\.summary) == (0..<ContextBucket.sampleLimit).map { "sni s\($0)" })
        // The earlier hour is untouched by the later batches.
        #expect(buckets.first { $0.bucketStart == start }?.counts == [.dns: 5])
    }

    @Test func anotherWriterInvalidatesTheCache() throws {
        let f = try StoreFixture()
        let cache = IngestWriteCache()
        try f.store.commit(IngestBatch(context: [bucket(.dns, 2, samples: 0..<3)]), customers: [acme], now: t0, cache: cache)
        // Another process (another connection) rewrites the bucket.
        let other = try TobanStore(path: f.path)
        try other.pool.write { db in
            try db.execute(sql: "DELETE FROM context_parts")
            try db.execute(sql: "INSERT INTO context_parts (customer_id, endpoint, bucket_start, part, dns, samples) VALUES ('acme', '10.0.0.5', ?, 0, 100, '[]')",
                           arguments: [ContextBucket.bucketStart(for: t0).storeMilliseconds])
        }
        try f.store.commit(IngestBatch(context: [bucket(.dns, 1, samples: 5..<6)]), customers: [acme], now: t0, cache: cache)
        var b = try #require(try stored(f))
        #expect(b.counts == [.dns: 101])
        #expect(b.samples.map(\.summary) == ["A \"host5\".example"])
        // The same connection written to outside a batch (e.g. an analyst action in-process).
        try f.execute("UPDATE context_parts SET dns = CASE part WHEN 0 THEN 1000 ELSE 0 END")
        try f.store.commit(IngestBatch(context: [bucket(.dns, 1, samples: 5..<7)]), customers: [acme], now: t0, cache: cache)
        b = try #require(try stored(f))
        #expect(b.counts == [.dns: 1001])
        #expect(b.samples.map(\.summary) == ["A \"host5\".example", "A \"host6\".example"])
        // Deleted in between: the batch inserts afresh rather than adding to forgotten counts.
        try other.pool.write { db in try db.execute(sql: "DELETE FROM context_parts") }
        try f.store.commit(IngestBatch(context: [bucket(.dns, 4, samples: 8..<9)]), customers: [acme], now: t0, cache: cache)
        b = try #require(try stored(f))
        #expect(b.counts == [.dns: 4])
        #expect(b.samples.count == 1)
        try other.close()
    }

    @Test func aFailedBatchLeavesNoTraceInTheCache() throws {
        let f = try StoreFixture()
        let cache = IngestWriteCache()
        try f.store.commit(IngestBatch(context: [bucket(.dns, 2, samples: 0..<2)]), customers: [acme], now: t0, cache: cache)
        // Fails late (the checkpoints' table is gone) after its context was written.
        try f.execute("ALTER TABLE ingest_checkpoints RENAME TO gone")
        #expect(throws: (any Error).self) {
            try f.store.commit(IngestBatch(context: [bucket(.dns, 5, samples: 2..<4)], checkpoints: [checkpoint(offset: 10)]),
                               customers: [acme], now: t0, cache: cache)
        }
        try f.execute("ALTER TABLE gone RENAME TO ingest_checkpoints")
        try f.store.commit(IngestBatch(context: [bucket(.dns, 1, samples: 4..<5)]), customers: [acme], now: t0, cache: cache)
        let b = try #require(try stored(f))
        #expect(b.counts == [.dns: 3])
        #expect(b.samples.count == 3)
    }

    /// The writer remembers each endpoint's signals between batches; an analyst closing a
    /// detection (another connection) must not leave that detection in the next score.
    @Test func endpointSignalsFollowAnalystActions() throws {
        let cached = try StoreFixture()
        let cache = IngestWriteCache()
        let first = makeDetection(signature: "2030358", name: "ET TROJAN beacon", severity: .critical, at: t0)
        try cached.store.commit(IngestBatch(detections: [first]), customers: [acme], now: t0, cache: cache)
        let id = try #require(try cached.store.detections().first?.id)
        let other = try TobanStore(path: cached.path)
        try other.dispose([id], disposition: .falsePositive, actor: "analyst", at: t0 + 10)
        try other.close()
        let second = makeDetection(signature: "2013028", name: "ET POLICY curl", severity: .low, at: t0 + 20)
        try cached.store.commit(IngestBatch(detections: [second]), customers: [acme], now: t0 + 30, cache: cache)
        let endpoint = try #require(try cached.store.endpoint(customer: "acme", address: ip("10.0.0.5")))
        #expect(endpoint.distinctSignatures == 1)
        #expect(endpoint.riskExplanation.allSatisfy { !$0.contains("beacon") })
        #expect(endpoint.riskExplanation.contains { $0.contains("curl") })

        // The same store state scored without any cache agrees.
        let plain = try StoreFixture()
        try plain.store.commit(IngestBatch(detections: [first]), customers: [acme], now: t0)
        try plain.store.dispose([try #require(try plain.store.detections().first?.id)], disposition: .falsePositive, actor: "analyst", at: t0 + 10)
        try plain.store.commit(IngestBatch(detections: [second]), customers: [acme], now: t0 + 30)
        let expected = try #require(try plain.store.endpoint(customer: "acme", address: ip("10.0.0.5")))
        #expect(endpoint.riskScore == expected.riskScore)
        #expect(endpoint.riskExplanation == expected.riskExplanation)
    }

    /// Preparing context: buckets in the order first met, a bucket met twice merged into
    /// its first (counts summed, distinct examples earliest first), each bucket's examples
    /// encoded into its own slice of the batch's one buffer.
    @Test func preparedContextSlicesOneBufferPerBucket() throws {
        var late = bucket(.dns, 2, samples: 0..<0)
        late.samples = [7, 3, 5].map { ContextSample(time: start + Double($0), kind: .dns, peer: nil, summary: "A host\($0).example") }
        var again = bucket(.http, 4, samples: 0..<0)
        again.samples = [ContextSample(time: start + 4, kind: .http, peer: nil, summary: "GET x.example/"),
                         ContextSample(time: start + 9, kind: .dns, peer: nil, summary: "A host3.example")] // a repeat
        let other = bucket(.tls, 1, samples: 1..<3, endpoint: "10.0.0.6")
        let prepared = TobanStore.prepare(context: [late, other, again])
        #expect(prepared.map(\.endpointText) == ["10.0.0.5", "10.0.0.6"])
        #expect(prepared[0].counts == [2, 4, 0, 0, 0, 0, 0, 0, 0])
        #expect(prepared[1].counts == [0, 0, 1, 0, 0, 0, 0, 0, 0])
        func examples(_ b: PreparedIngestBatch.Bucket) throws -> [ContextSample] {
            var start = b.encodedStart
            var out: [ContextSample] = []
            for end in b.ends {
                let object = String(decoding: b.encoded[start ..< end], as: UTF8.self)
                out.append(try #require(JSONText.decode(ContextSample.self, from: object)))
                start = end
            }
            return out
        }
        let first = try examples(prepared[0])
        #expect(first.map(\.summary) == ["A host3.example", "GET x.example/", "A host5.example", "A host7.example"])
        #expect(Array(prepared[0].sampleKeys) == first.map(\.identity))
        let second = try examples(prepared[1])
        #expect(second.map(\.summary) == ["A \"host1\".example", "A \"host2\".example"])
        #expect(second.map(\.peer) == [nil, ip("8.8.8.8")])
        #expect(prepared[1].encodedStart == prepared[0].ends.last)
    }

    /// A batch prepared ahead (on ingest's reading thread) commits exactly as one prepared
    /// inline: same detections, endpoints, context and counters.
    @Test func preparedBatchesCommitLikeUnpreparedOnes() throws {
        let ahead = try StoreFixture(), inline = try StoreFixture()
        let batches = [
            IngestBatch(detections: [makeDetection(at: t0), makeDetection(signature: "2030358", name: "ET TROJAN beacon", at: t0 + 5)],
                        context: [bucket(.dns, 3, samples: 0..<3)], checkpoints: [checkpoint(offset: 100)],
                        counters: IngestCounters(lines: 5, detections: 2, contextEvents: 3)),
            IngestBatch(detections: [makeDetection(at: t0 + 60), makeDetection(src: "10.0.0.6", endpoint: "10.0.0.6", at: t0 + 61)],
                        context: [bucket(.http, 2, samples: 2..<6), bucket(.dns, 1, samples: 9..<10, endpoint: "10.0.0.6")],
                        checkpoints: [checkpoint(offset: 200)], counters: IngestCounters(lines: 5, detections: 2, contextEvents: 3)),
        ]
        let cacheA = IngestWriteCache(), cacheB = IngestWriteCache()
        for b in batches {
            var prepared = b
            TobanStore.prepare(&prepared)
            #expect(prepared.context.isEmpty)
            try ahead.store.commit(prepared, customers: [acme], now: t0 + 100, cache: cacheA)
            try inline.store.commit(b, customers: [acme], now: t0 + 100, cache: cacheB)
        }
        func snapshot(_ f: StoreFixture) throws -> [String] {
            try f.store.pool.read { db in
                try String.fetchAll(db, sql: """
                    SELECT 'd|' || customer_id || '|' || signature_id || '|' || count || '|' || urgency || '|' || aggregation_hash FROM detections
                    UNION ALL SELECT 'e|' || ip || '|' || risk_score || '|' || detection_count || '|' || distinct_signatures FROM endpoints
                    UNION ALL SELECT 'c|' || endpoint || '|' || part || '|' || dns || '|' || http FROM context_parts
                    UNION ALL SELECT 's|' || endpoint || '|' || part || '|' || samples FROM context_parts WHERE samples <> '[]'
                    UNION ALL SELECT 'n|' || lines || '|' || context || '|' || coalesce(last_event_at, '-') FROM ingest_counters
                    ORDER BY 1
                    """)
            }
        }
        let a = try snapshot(ahead)
        #expect(a == (try snapshot(inline)))
        #expect(a.filter { $0.hasPrefix("s|") }.count == 3)
        #expect(a.contains { $0.hasPrefix("d|acme|2010001|2|") })
    }
}
