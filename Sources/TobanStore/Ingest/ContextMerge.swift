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

    /// An example a bucket keeps (`ContextExamples`), its summary's bytes where they are, as
    /// one JSON object in `ContextSample`'s own Codable form (`t`, `k`, `p`, `s`), appended
    /// to `out` (a chunk is `[` these `]`, joined by commas, built by the writer).
    @inline(__always)
    static func encode(_ example: ContextExamples.Entry, summary: UnsafeBufferPointer<UInt8>, into out: inout JSONBytes) {
        encode(kind: example.kind, peer: example.peer, time: example.time, summary: summary, into: &out)
    }

    /// Written into a buffer on the stack and appended in one piece: nearly every context
    /// event becomes an example, and the nine appends it took cost ~2,000 instructions.
    /// The fixed pieces (each at most eight bytes) are stored a word at a time; the buffer
    /// has room past the text for a word's spare bytes.
    private static func encode(kind: ContextKind, peer: IPAddress?, time: Date, summary: UnsafeBufferPointer<UInt8>,
                               into out: inout JSONBytes) {
        let (kindWord, kindLength) = kindText(kind)
        let time = time.storeMilliseconds
        // The summary escaped at worst (`\u00XX` per byte, and its quotes), the fixed
        // pieces (23 bytes), a kind (at most 8), the peer, the time, and room for the
        // spare bytes of the last word stored.
        let capacity = summary.count &* 6 &+ 2 &+ 23 &+ 8 &+ JSONBytes.maxQuotedAddressLength &+ JSONBytes.maxSecondsLength &+ 8
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            let base = buffer.baseAddress!
            var n = 0
            @inline(__always) func store(_ word: UInt64, _ count: Int) {
                UnsafeMutableRawPointer(base + n).storeBytes(of: word.littleEndian, as: UInt64.self)
                n &+= count
            }
            store(0x22_3A_22_6B_22_7B, 6)                        // {"k":"
            store(kindWord, kindLength)
            store(0x3A_22_70_22_2C_22, 6)                        // ","p":
            if let peer {
                n &+= JSONBytes.writeQuoted(peer, to: base + n)
            } else {
                store(0x6C_6C_75_6E, 4)                          // null
            }
            store(0x3A_22_73_22_2C, 5)                           // ,"s":
            n &+= JSONStringLiteral.write(utf8: summary, to: base + n)
            store(0x3A_22_74_22_2C, 5)                           // ,"t":
            n &+= JSONBytes.writeSeconds(milliseconds: time, to: base + n)
            base[n] = 0x7D                                       // }
            out.append(UnsafeBufferPointer(start: base, count: n &+ 1))
        }
    }

    /// A `ContextKind`'s raw value as a little-endian word of its bytes, and their count.
    private static func kindText(_ kind: ContextKind) -> (UInt64, Int) {
        switch kind {
        case .dns: (0x73_6E_64, 3)
        case .http: (0x70_74_74_68, 4)
        case .tls: (0x73_6C_74, 3)
        case .fileinfo: (0x6F_66_6E_69_65_6C_69_66, 8)
        case .flow: (0x77_6F_6C_66, 4)
        case .smtp: (0x70_74_6D_73, 4)
        case .ssh: (0x68_73_73, 3)
        case .conn: (0x6E_6E_6F_63, 4)
        case .other: (0x72_65_68_74_6F, 5)
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
