import Foundation
import GRDB
import TobanCore

extension BatchWriter {
    /// Adds the batch's context to its buckets: counts added in place, and the examples a
    /// bucket still has room for appended as one chunk. What a bucket already holds is
    /// known from the cache, or read back once (its sample identities) when it is not.
    func mergeContext(_ buckets: [ContextBucket]) throws -> Int {
        guard !buckets.isEmpty else { return 0 }
        typealias Key = IngestWriteCache.BucketKey
        var order: [Key] = []
        var merged: [Key: ContextBucket] = [:]
        merged.reserveCapacity(buckets.count)
        order.reserveCapacity(buckets.count)
        for b in buckets {
            let key = Key(customerID: b.customerID, endpoint: b.endpoint, start: b.bucketStart.storeMilliseconds)
            if let existing = merged[key] {
                merged[key] = ContextMerge.merge(existing, b)
            } else {
                order.append(key)
                merged[key] = b
            }
        }
        var upsertCounts = try RawStatement(db, sql: """
            INSERT INTO context_buckets (customer_id, endpoint, bucket_start, \(ContextColumns.names))
            VALUES (?, ?, ?\(String(repeating: ", ?", count: ContextColumns.kinds.count)))
            ON CONFLICT(bucket_start, customer_id, endpoint) DO UPDATE SET \(ContextColumns.addExcluded)
            """)
        let selectSamples = try db.cachedStatement(sql: """
            SELECT samples FROM context_samples WHERE bucket_start = ? AND customer_id = ? AND endpoint = ? ORDER BY seq
            """)
        // A chunk's seq is how many samples the bucket held before it, so it is new unless
        // the cache was wrong; then the chunk is appended to the one stored, never lost.
        var insertSamples = try RawStatement(db, sql: """
            INSERT INTO context_samples (customer_id, endpoint, bucket_start, seq, samples) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(bucket_start, customer_id, endpoint, seq) DO UPDATE SET
                samples = substr(samples, 1, length(samples) - 1) || ',' || substr(excluded.samples, 2)
            """)
        let limit = ContextBucket.sampleLimit
        let kindCount = ContextColumns.kinds.count
        var counts = [Int](repeating: 0, count: kindCount)
        var json = JSONBytes()
        for key in order {
            let bucket = merged[key]!
            var state: IngestWriteCache.BucketState
            if let cached = cache.buckets[key] {
                state = cached
            } else {
                let text = FastText.ip(bucket.endpoint)
                let chunks = try String.fetchAll(selectSamples, arguments: [key.start, key.customerID, text])
                state = IngestWriteCache.BucketState(endpointText: text, sampleKeys: ContextMerge.sampleKeys(chunks: chunks))
                cache.noteStart(key.start)
            }
            for i in 0..<kindCount { counts[i] = 0 }
            for (kind, n) in bucket.counts { counts[ContextColumns.kindIndex[kind]!] = n }
            upsertCounts.bind(key.customerID); upsertCounts.bind(state.endpointText); upsertCounts.bind(key.start)
            for n in counts { upsertCounts.bind(n) }
            try upsertCounts.run()

            if state.sampleKeys.count < limit, !bucket.samples.isEmpty {
                let seq = state.sampleKeys.count
                var fresh: [ContextSample] = []
                // Usually already in time order (file order); sorted only when not.
                let inOrder = zip(bucket.samples, bucket.samples.dropFirst()).allSatisfy { $0.time <= $1.time }
                let candidates = inOrder ? bucket.samples : bucket.samples.sorted { $0.time < $1.time }
                for s in candidates {
                    if state.sampleKeys.count >= limit { break }
                    let k = ContextMerge.sampleKey(kind: s.kind, summary: s.summary)
                    if state.sampleKeys.contains(k) { continue }
                    state.sampleKeys.append(k)
                    fresh.append(s)
                }
                if !fresh.isEmpty {
                    insertSamples.bind(key.customerID); insertSamples.bind(state.endpointText); insertSamples.bind(key.start)
                    insertSamples.bind(seq)
                    ContextMerge.encodeSamples(fresh, into: &json)
                    insertSamples.bind(json)
                    try insertSamples.run()
                }
            }
            cache.buckets[key] = state
        }
        return order.count
    }
}
