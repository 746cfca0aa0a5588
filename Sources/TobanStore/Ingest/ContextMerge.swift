import Foundation
import TobanCore

/// Merging context buckets: counts add up, samples are the distinct union (by kind and
/// summary), earliest first, bounded to `ContextBucket.sampleLimit`.
enum ContextMerge {
    static func merge(_ a: ContextBucket, _ b: ContextBucket) -> ContextBucket {
        var out = a
        for (kind, n) in b.counts { out.counts[kind, default: 0] += n }
        var seen = Set(a.samples.map { "\($0.kind.rawValue)|\($0.summary)" })
        var samples = a.samples
        for s in b.samples where seen.insert("\(s.kind.rawValue)|\(s.summary)").inserted { samples.append(s) }
        samples.sort { $0.time < $1.time }
        out.samples = Array(samples.prefix(ContextBucket.sampleLimit))
        return out
    }

    /// `{"dns":3,"http":1}`, keys sorted (hand-written: thousands of buckets per batch).
    static func countsJSON(_ counts: [ContextKind: Int]) -> String {
        "{" + counts.map { ($0.key.rawValue, $0.value) }.sorted { $0.0 < $1.0 }.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// The samples in `ContextSample`'s own Codable form (`t`, `k`, `p`, `s`), hand-written.
    static func samplesJSON(_ samples: [ContextSample]) -> String {
        "[" + samples.map { s in
            "{\"k\":\"\(s.kind.rawValue)\",\"p\":\(s.peer.map { JSONText.quote($0.description) } ?? "null"),\"s\":\(JSONText.quote(s.summary)),\"t\":\(s.time.timeIntervalSince1970)}"
        }.joined(separator: ",") + "]"
    }

    static func bucket(customer: String, endpoint: IPAddress, start: Int64, counts: String?, samples: String?) -> ContextBucket {
        let raw = JSONText.decode([String: Int].self, from: counts) ?? [:]
        var parsed: [ContextKind: Int] = [:]
        for (k, v) in raw { parsed[ContextKind(rawValue: k) ?? .other, default: 0] += v }
        return ContextBucket(customerID: customer, endpoint: endpoint, bucketStart: Date(storeMilliseconds: start),
                             counts: parsed, samples: JSONText.decode([ContextSample].self, from: samples) ?? [])
    }
}
