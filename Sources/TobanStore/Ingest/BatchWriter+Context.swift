import Foundation
import GRDB
import TobanCore

extension BatchWriter {
    /// Adds the batch's context to its buckets as one part per bucket: the batch's counts
    /// and the examples the bucket still has room for and has not seen. What a bucket
    /// already holds (its examples' identities, its next part number) is known from the
    /// cache, or read back once when it is not. A bucket that has gathered
    /// `compactAfterParts` parts is rewritten as one (`compact`).
    func mergeContext(_ buckets: [PreparedIngestBatch.Bucket]) throws -> Int {
        guard !buckets.isEmpty else { return 0 }
        let selectParts = try db.cachedStatement(sql: """
            SELECT part, samples FROM context_parts WHERE bucket_start = ? AND customer_id = ? AND endpoint = ? ORDER BY part
            """)
        // The part is new unless the cache was wrong; then it is added to the stored one
        // (counts summed, examples appended), never lost.
        let width = 5 + ContextColumns.kinds.count
        var mergePart = try RawStatement(db, sql: """
            INSERT INTO context_parts (customer_id, endpoint, bucket_start, part, \(ContextColumns.names), samples)
            VALUES \([String].tuples(1, width: width))
            ON CONFLICT(bucket_start, customer_id, endpoint, part) DO UPDATE SET \(ContextColumns.addExcluded),
                samples = CASE WHEN excluded.samples = '[]' THEN samples WHEN samples = '[]' THEN excluded.samples
                               ELSE substr(samples, 1, length(samples) - 1) || ',' || substr(excluded.samples, 2) END
            """)
        // Parts go in `insertChunk` to a statement, as new detections do (an upsert of
        // several rows would keep a statement journal). OR IGNORE: a part the cache wrongly
        // thought new is skipped there, and found and merged afterwards (`mergeSkipped`).
        var insertParts = try RawStatement(db, sql: """
            INSERT OR IGNORE INTO context_parts (customer_id, endpoint, bucket_start, part, \(ContextColumns.names), samples)
            VALUES \([String].tuples(Self.insertChunk, width: width))
            """)
        var pending: [(bucket: Int, part: Int, samples: Range<Int>)] = []
        pending.reserveCapacity(Self.insertChunk)
        var pendingSamples = JSONBytes() // the pending parts' example arrays, end to end
        // Buckets are read in place, field by field, throughout: a bucket taken out as a
        // value is copied, each of its strings and arrays retained and released again.
        func bind(_ p: (bucket: Int, part: Int, samples: Range<Int>), into statement: inout RawStatement) {
            statement.bind(buckets[p.bucket].key.customerID); statement.bind(buckets[p.bucket].endpointText)
            statement.bind(buckets[p.bucket].key.start)
            statement.bind(p.part)
            for k in buckets[p.bucket].counts.indices { statement.bind(buckets[p.bucket].counts[k]) }
            statement.bind(pendingSamples.bytes[p.samples])
        }
        // The parts the last insert skipped: not among the rows it inserted, which got
        // consecutive rowids ending at the last one.
        func mergeSkipped(inserted: Int) throws {
            let last = db.lastInsertedRowID
            let ours = (last - Int64(inserted) + 1) ..< (last + 1)
            let rowid = try db.cachedStatement(sql: """
                SELECT rowid FROM context_parts WHERE bucket_start = ? AND customer_id = ? AND endpoint = ? AND part = ?
                """)
            for p in pending {
                let found = try Int64.fetchOne(rowid, arguments: [buckets[p.bucket].key.start, buckets[p.bucket].key.customerID,
                                                                  buckets[p.bucket].endpointText, p.part])
                if let found, ours.contains(found) { continue }
                bind(p, into: &mergePart)
                try mergePart.run()
            }
        }
        func insertPending() throws {
            guard !pending.isEmpty else { return }
            if pending.count == Self.insertChunk {
                for p in pending { bind(p, into: &insertParts) }
                try insertParts.run()
                let inserted = db.changesCount
                if inserted < pending.count { try mergeSkipped(inserted: inserted) }
            } else {
                for p in pending {
                    bind(p, into: &mergePart)
                    try mergePart.run()
                }
            }
            pending.removeAll(keepingCapacity: true)
            pendingSamples.reset()
        }
        var json = JSONBytes()
        for index in buckets.indices {
            let key = buckets[index].key
            // The bucket's state is updated in place in the cache (one lookup, and its
            // key array is not copied on write as a detached copy would be).
            let slot: Dictionary<IngestWriteCache.BucketKey, IngestWriteCache.BucketState>.Index
            if let found = cache.buckets.index(forKey: key) {
                slot = found
            } else {
                var state = IngestWriteCache.BucketState(sampleKeys: [], nextPart: 0)
                if try !cache.bucketIsSurelyNew(start: key.start, db) {
                    var chunks: [String] = []
                    let rows = try Row.fetchCursor(selectParts, arguments: [key.start, key.customerID, buckets[index].endpointText])
                    while let row = try rows.next() {
                        state.nextPart = max(state.nextPart, (row[0] as Int) + 1)
                        chunks.append(row[1])
                    }
                    state.sampleKeys = ContextMerge.sampleKeys(chunks: chunks)
                    state.compact()
                }
                cache.buckets[key] = state
                slot = cache.buckets.index(forKey: key)!
            }
            let part = cache.buckets.values[slot].nextPart
            cache.buckets.values[slot].takeSamples(of: buckets[index], into: &json)
            if part >= Self.compactAfterParts {
                try compact(buckets[index], adding: json)
                cache.buckets.values[slot].nextPart = 1
                continue
            }
            cache.buckets.values[slot].nextPart += 1
            let from = pendingSamples.bytes.count
            pendingSamples.append(json.bytes[...])
            pending.append((index, part, from ..< pendingSamples.bytes.count))
            if pending.count == Self.insertChunk { try insertPending() }
        }
        try insertPending()
        return buckets.count
    }

    /// Parts a bucket may gather before they are merged into one. A host that is busy all
    /// hour, followed live, gets a part per context flush (every few seconds); readers sum
    /// a bucket's parts, so they are kept few.
    static let compactAfterParts = 8

    /// Replaces the stored parts of `bucket` by one part 0: their counts summed with the
    /// batch's, their examples in part order followed by the batch's new ones (`samples`,
    /// a JSON array).
    private func compact(_ bucket: PreparedIngestBatch.Bucket, adding samples: JSONBytes) throws {
        let key = bucket.key
        let arguments: StatementArguments = [key.start, key.customerID, bucket.endpointText]
        var counts = bucket.counts
        var arrays: [String] = []
        let rows = try Row.fetchCursor(db, sql: """
            SELECT samples, \(ContextColumns.names) FROM context_parts
            WHERE bucket_start = ? AND customer_id = ? AND endpoint = ? ORDER BY part
            """, arguments: arguments)
        while let row = try rows.next() {
            for i in counts.indices { counts[i] += row[i + 1] as Int }
            arrays.append(row[0])
        }
        arrays.append(String(decoding: samples.bytes, as: UTF8.self))
        // Each is `[…]` or `[]`: the union is their insides joined by commas.
        let inside = arrays.compactMap { $0.count > 2 ? $0.dropFirst().dropLast() : nil }
        try db.execute(sql: "DELETE FROM context_parts WHERE bucket_start = ? AND customer_id = ? AND endpoint = ?", arguments: arguments)
        try db.execute(sql: """
            INSERT INTO context_parts (customer_id, endpoint, bucket_start, part, \(ContextColumns.names), samples)
            VALUES (?, ?, ?, 0\(String(repeating: ", ?", count: ContextColumns.kinds.count)), ?)
            """, arguments: [key.customerID, bucket.endpointText, key.start] + StatementArguments(counts)
                + [("[" + inside.joined(separator: ",") + "]")])
    }
}

extension IngestWriteCache.BucketState {
    /// Writes the batch's examples the bucket has room for and has not seen into `json`
    /// as one JSON array (`[]` when none), and remembers them.
    mutating func takeSamples(of bucket: PreparedIngestBatch.Bucket, into json: inout JSONBytes) {
        let limit = ContextBucket.sampleLimit
        json.reset()
        json.append(byte: 0x5B)
        defer { json.append(byte: 0x5D) }
        guard sampleKeys.count < limit, !bucket.sampleKeys.isEmpty else { return }
        var start = bucket.encodedStart
        for (k, end) in zip(bucket.sampleKeys, bucket.ends) {
            defer { start = end }
            if sampleKeys.count >= limit { break }
            if sampleKeys.contains(k) { continue }
            sampleKeys.append(k)
            if json.bytes.count > 1 { json.append(byte: 0x2C) }
            json.append(bucket.encoded[start ..< end])
        }
        compact()
    }
}
