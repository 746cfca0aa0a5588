import Foundation
import GRDB
import TobanCore

/// Merging context buckets: counts add up, samples are the distinct union (by kind and
/// summary), bounded to `ContextBucket.sampleLimit`.
///
/// In the store a bucket is a few parts in `context_parts`, one per batch that touched it:
/// that batch's counts (integer columns, `ContextColumns`) and the examples it added. The
/// first `sampleLimit` distinct examples a bucket was given are kept (a batch's own
/// examples earliest first), and readers sort them by time. So a batch only appends, and
/// never decodes or rewrites what is stored.
enum ContextMerge {
    static func merge(_ a: ContextBucket, _ b: ContextBucket) -> ContextBucket {
        var out = a
        out.addCounts(of: b)
        var samples = a.samples
        for s in b.samples where !samples.contains(where: { $0.isSameExample(as: s) }) { samples.append(s) }
        samples.sort { $0.time < $1.time }
        out.samples = Array(samples.prefix(ContextBucket.sampleLimit))
        return out
    }

    /// One sample's JSON object in `ContextSample`'s own Codable form (`t`, `k`, `p`, `s`),
    /// appended to `out` (a chunk is `[` these `]`, joined by commas, built by the writer).
    static func encode(_ s: borrowing ContextSample, into out: inout JSONBytes) {
        out.append("{\"k\":\"")
        out.append(kindName(s.kind))
        out.append("\",\"p\":")
        if let peer = s.peer { out.appendQuoted(peer) } else { out.append("null") }
        out.append(",\"s\":")
        out.appendQuoted(s.summary)
        out.append(",\"t\":")
        out.appendSeconds(milliseconds: s.time.storeMilliseconds)
        out.append(byte: 0x7D)
    }

    /// A `ContextKind`'s raw value as static text (no string built per sample).
    private static func kindName(_ kind: ContextKind) -> StaticString {
        switch kind {
        case .dns: "dns"
        case .http: "http"
        case .tls: "tls"
        case .fileinfo: "fileinfo"
        case .flow: "flow"
        case .smtp: "smtp"
        case .ssh: "ssh"
        case .conn: "conn"
        case .other: "other"
        }
    }

    /// Decodes stored sample chunks (each a JSON array), in chunk order.
    static func samples(chunks: [String]) -> [ContextSample] {
        chunks.flatMap { JSONText.decode([ContextSample].self, from: $0) ?? [] }
    }

    /// A stored bucket as the console reads it: samples sorted by time (the store appends
    /// them in the order they arrived).
    static func bucket(customer: String, endpoint: IPAddress, start: Int64, counts: [Int], chunks: [String]) -> ContextBucket {
        var parsed: [ContextKind: Int] = [:]
        for (i, n) in counts.enumerated() where n != 0 { parsed[ContextColumns.kinds[i], default: 0] += n }
        let sorted = samples(chunks: chunks).enumerated().sorted { a, b in
            a.element.time != b.element.time ? a.element.time < b.element.time : a.offset < b.offset
        }.map(\.element)
        return ContextBucket(customerID: customer, endpoint: endpoint, bucketStart: Date(storeMilliseconds: start),
                             counts: parsed, samples: sorted)
    }

    /// Reads the buckets of one endpoint whose start lies in `starts`, in start order: one
    /// point lookup per possible bucket start (the tables are keyed by start first).
    static func buckets(_ db: Database, customer: String, endpoint: IPAddress, starts: ClosedRange<Int64>, limit: Int) throws -> [ContextBucket] {
        let address = endpoint.description
        let step = Int64(ContextBucket.bucketSeconds * 1000)
        let first = (starts.lowerBound + step - 1) / step * step
        guard first <= starts.upperBound else { return [] }
        var candidates: [Int64] = []
        var start = first
        while start <= starts.upperBound && candidates.count < limit {
            candidates.append(start)
            start += step
        }
        guard !candidates.isEmpty else { return [] }
        let marks = [Int64].marks(candidates.count)
        var args = StatementArguments(candidates)
        args += [customer, address]
        // A bucket is the sum of its parts (counts) and the union of their examples, in
        // part order.
        var starts: [Int64] = []
        var counts: [Int64: [Int]] = [:]
        var chunks: [Int64: [String]] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT bucket_start, samples, \(ContextColumns.names) FROM context_parts
            WHERE bucket_start IN (\(marks)) AND customer_id = ? AND endpoint = ?
            ORDER BY bucket_start, part
            """, arguments: args)
        while let row = try rows.next() {
            let start: Int64 = row[0]
            if counts[start] == nil {
                starts.append(start)
                counts[start] = [Int](repeating: 0, count: ContextColumns.kinds.count)
            }
            for i in ContextColumns.kinds.indices { counts[start]![i] += row[i + 2] as Int }
            let chunk: String = row[1]
            if chunk != "[]" { chunks[start, default: []].append(chunk) }
        }
        return starts.map { start in
            bucket(customer: customer, endpoint: endpoint, start: start, counts: counts[start]!, chunks: chunks[start] ?? [])
        }
    }

    /// Deletes the parts matching `condition` (SQL over `context_parts`) and returns how
    /// many buckets they made up: pruning and erasure report buckets, not parts.
    static func deleteBuckets(_ db: Database, where condition: String, arguments: StatementArguments) throws -> Int {
        let buckets = try Int.fetchOne(db, sql: """
            SELECT count(*) FROM (SELECT DISTINCT bucket_start, customer_id, endpoint FROM context_parts WHERE \(condition))
            """, arguments: arguments) ?? 0
        try db.execute(sql: "DELETE FROM context_parts WHERE \(condition)", arguments: arguments)
        return buckets
    }

    /// The keys of stored samples, in order. Chunks in the writer's own layout are scanned
    /// in place (`StoredSampleScan`); anything else is decoded. A writer that restarts,
    /// or meets an hour again (a backfill, files of the same day read one after another),
    /// reads back every bucket it touches: decoding them all was most of that work.
    static func sampleKeys(chunks: [String]) -> [Int] {
        var keys: [Int] = []
        for chunk in chunks {
            if let scanned = StoredSampleScan.keys(chunk) {
                keys += scanned
            } else {
                keys += samples(chunks: [chunk]).map(\.identity)
            }
        }
        return keys
    }
}
