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

    static func countsJSON(_ counts: [ContextKind: Int]) -> String {
        JSONText.encode(Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }))
    }

    static func samplesJSON(_ samples: [ContextSample]) -> String {
        JSONText.encode(codable: samples)
    }

    static func bucket(customer: String, endpoint: IPAddress, start: Int64, counts: String?, samples: String?) -> ContextBucket {
        let raw = JSONText.decode([String: Int].self, from: counts) ?? [:]
        var parsed: [ContextKind: Int] = [:]
        for (k, v) in raw { parsed[ContextKind(rawValue: k) ?? .other, default: 0] += v }
        return ContextBucket(customerID: customer, endpoint: endpoint, bucketStart: Date(storeMilliseconds: start),
                             counts: parsed, samples: JSONText.decode([ContextSample].self, from: samples) ?? [])
    }
}
