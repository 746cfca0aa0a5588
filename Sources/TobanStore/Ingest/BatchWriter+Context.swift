import Foundation
import GRDB
import TobanCore

extension BatchWriter {
    /// Adds the batch's context to its buckets: counts added in place, and the examples a
    /// bucket still has room for appended as one chunk. What a bucket already holds is
    /// known from the cache, or read back once (its sample identities) when it is not.
    func mergeContext(_ buckets: [PreparedIngestBatch.Bucket]) throws -> Int {
        guard !buckets.isEmpty else { return 0 }
        // A bucket the cache holds has a row (this writer wrote it): its counts are added
        // by an UPDATE of that row, one lookup where an upsert takes two. Other buckets
        // are upserted.
        var upsertCounts = try RawStatement(db, sql: """
            INSERT INTO context_buckets (customer_id, endpoint, bucket_start, \(ContextColumns.names))
            VALUES (?, ?, ?\(String(repeating: ", ?", count: ContextColumns.kinds.count)))
            ON CONFLICT(bucket_start, customer_id, endpoint) DO UPDATE SET \(ContextColumns.addExcluded)
            """)
        var addCounts = try RawStatement(db, sql: """
            UPDATE context_buckets SET \(ContextColumns.addParameters)
            WHERE bucket_start = ? AND customer_id = ? AND endpoint = ?
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
        var json = JSONBytes()
        for bucket in buckets {
            let key = bucket.key
            // The bucket's state is updated in place in the cache (one lookup, and its
            // key array is not copied on write as a detached copy would be).
            let slot: Dictionary<IngestWriteCache.BucketKey, IngestWriteCache.BucketState>.Index
            if let found = cache.buckets.index(forKey: key) {
                slot = found
                for n in bucket.counts { addCounts.bind(n) }
                addCounts.bind(key.start); addCounts.bind(key.customerID); addCounts.bind(bucket.endpointText)
                try addCounts.run()
                if db.changesCount == 0 { try write(bucket, with: &upsertCounts) } // the cache was wrong: never lose counts
            } else {
                var state = IngestWriteCache.BucketState(sampleKeys: [])
                if try !cache.bucketIsSurelyNew(start: key.start, db) {
                    let chunks = try String.fetchAll(selectSamples, arguments: [key.start, key.customerID, bucket.endpointText])
                    state.sampleKeys = ContextMerge.sampleKeys(chunks: chunks)
                    state.compact()
                }
                try write(bucket, with: &upsertCounts)
                cache.buckets[key] = state
                slot = cache.buckets.index(forKey: key)!
            }

            if let seq = cache.buckets.values[slot].takeSamples(of: bucket, into: &json) {
                insertSamples.bind(key.customerID); insertSamples.bind(bucket.endpointText); insertSamples.bind(key.start)
                insertSamples.bind(seq)
                insertSamples.bind(json)
                try insertSamples.run()
            }
        }
        return buckets.count
    }
}

extension BatchWriter {
    /// Runs the upsert of a bucket's counts.
    fileprivate func write(_ bucket: PreparedIngestBatch.Bucket, with statement: inout RawStatement) throws {
        statement.bind(bucket.key.customerID); statement.bind(bucket.endpointText); statement.bind(bucket.key.start)
        for n in bucket.counts { statement.bind(n) }
        try statement.run()
    }
}

extension IngestWriteCache.BucketState {
    /// Adds the batch's examples the bucket has room for and has not seen, as one chunk in
    /// `json` (`[…]`); returns the chunk's `seq` (how many the bucket held before), or nil
    /// when nothing is new.
    mutating func takeSamples(of bucket: PreparedIngestBatch.Bucket, into json: inout JSONBytes) -> Int? {
        let limit = ContextBucket.sampleLimit
        guard sampleKeys.count < limit, !bucket.sampleKeys.isEmpty else { return nil }
        let seq = sampleKeys.count
        json.reset()
        json.append(byte: 0x5B)
        var start = 0
        for (i, k) in bucket.sampleKeys.enumerated() {
            defer { start = bucket.ends[i] }
            if sampleKeys.count >= limit { break }
            if sampleKeys.contains(k) { continue }
            sampleKeys.append(k)
            if json.bytes.count > 1 { json.append(byte: 0x2C) }
            json.append(bucket.encoded[start ..< bucket.ends[i]])
        }
        compact()
        guard sampleKeys.count > seq else { return nil }
        json.append(byte: 0x5D)
        return seq
    }
}
