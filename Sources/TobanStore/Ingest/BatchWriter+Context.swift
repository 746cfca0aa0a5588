import Foundation
import GRDB
import TobanCore

extension BatchWriter {
    /// Adds the batch's context to its buckets: counts added in place, and the examples a
    /// bucket still has room for appended as one chunk. What a bucket already holds is
    /// known from the cache, or read back once (its sample identities) when it is not.
    func mergeContext(_ buckets: [PreparedIngestBatch.Bucket]) throws -> Int {
        guard !buckets.isEmpty else { return 0 }
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
        var json = JSONBytes()
        for bucket in buckets {
            let key = bucket.key
            var state: IngestWriteCache.BucketState
            if let cached = cache.buckets[key] {
                state = cached
            } else if try cache.bucketIsSurelyNew(start: key.start, db) {
                state = IngestWriteCache.BucketState(sampleKeys: [])
            } else {
                let chunks = try String.fetchAll(selectSamples, arguments: [key.start, key.customerID, bucket.endpointText])
                state = IngestWriteCache.BucketState(sampleKeys: ContextMerge.sampleKeys(chunks: chunks))
            }
            upsertCounts.bind(key.customerID); upsertCounts.bind(bucket.endpointText); upsertCounts.bind(key.start)
            for n in bucket.counts { upsertCounts.bind(n) }
            try upsertCounts.run()

            if state.sampleKeys.count < limit, !bucket.sampleKeys.isEmpty {
                let seq = state.sampleKeys.count
                json.reset()
                json.append(byte: 0x5B)
                var start = 0
                for (i, k) in bucket.sampleKeys.enumerated() {
                    defer { start = bucket.ends[i] }
                    if state.sampleKeys.count >= limit { break }
                    if state.sampleKeys.contains(k) { continue }
                    state.sampleKeys.append(k)
                    if json.bytes.count > 1 { json.append(byte: 0x2C) }
                    json.append(bucket.encoded[start ..< bucket.ends[i]])
                }
                if state.sampleKeys.count > seq {
                    json.append(byte: 0x5D)
                    insertSamples.bind(key.customerID); insertSamples.bind(bucket.endpointText); insertSamples.bind(key.start)
                    insertSamples.bind(seq)
                    insertSamples.bind(json)
                    try insertSamples.run()
                }
            }
            state.compact()
            cache.buckets[key] = state
        }
        return buckets.count
    }
}
