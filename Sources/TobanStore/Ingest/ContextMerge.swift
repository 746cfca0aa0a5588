import Foundation
import TobanCore

/// Merging context buckets: counts add up, samples are the distinct union (by kind and
/// summary), bounded to `ContextBucket.sampleLimit`.
///
/// In the store a bucket's samples are append-only: the first `sampleLimit` distinct
/// examples it was given are kept (a batch's own examples earliest first), and readers
/// sort them by time. So a batch appends to the stored text and never has to decode it.
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
        "[" + samplesFragment(samples[...]) + "]"
    }

    /// The samples' JSON objects separated by commas, without the brackets (appended to a
    /// stored array as is).
    static func samplesFragment(_ samples: ArraySlice<ContextSample>) -> String {
        var out = ""
        out.reserveCapacity(samples.count * 96)
        var first = true
        for s in samples {
            if !first { out += "," }
            first = false
            out += "{\"k\":\""
            out += s.kind.rawValue
            out += "\",\"p\":"
            if let peer = s.peer { JSONText.appendQuoted(peer.description, to: &out) } else { out += "null" }
            out += ",\"s\":"
            JSONText.appendQuoted(s.summary, to: &out)
            out += ",\"t\":"
            out += "\(s.time.timeIntervalSince1970)"
            out += "}"
        }
        return out
    }

    /// A stored bucket as the console reads it: samples sorted by time (the store appends
    /// them in the order they arrived).
    static func bucket(customer: String, endpoint: IPAddress, start: Int64, counts: String?, samples: String?) -> ContextBucket {
        let raw = JSONText.decode([String: Int].self, from: counts) ?? [:]
        var parsed: [ContextKind: Int] = [:]
        for (k, v) in raw { parsed[ContextKind(rawValue: k) ?? .other, default: 0] += v }
        let decoded = JSONText.decode([ContextSample].self, from: samples) ?? []
        let sorted = decoded.enumerated().sorted { a, b in
            a.element.time != b.element.time ? a.element.time < b.element.time : a.offset < b.offset
        }.map(\.element)
        return ContextBucket(customerID: customer, endpoint: endpoint, bucketStart: Date(storeMilliseconds: start),
                             counts: parsed, samples: sorted)
    }

    /// Counts in a fixed order (`ContextKind.allCases`), for the writer's cache.
    static let kinds = ContextKind.allCases
    static let kindIndex: [ContextKind: Int] = Dictionary(uniqueKeysWithValues: ContextKind.allCases.enumerated().map { ($1, $0) })
    /// Kind indexes in the order of their raw names (the JSON keys are sorted).
    static let sortedKindIndexes: [Int] = ContextKind.allCases.enumerated().sorted { $0.element.rawValue < $1.element.rawValue }.map(\.offset)

    static func countsJSON(fixed counts: [Int]) -> String {
        var out = "{"
        var first = true
        for i in sortedKindIndexes where counts[i] != 0 {
            if !first { out += "," }
            first = false
            out += "\""
            out += kinds[i].rawValue
            out += "\":"
            out += String(counts[i])
        }
        return out + "}"
    }

    static func fixedCounts(json: String?) -> [Int] {
        var out = [Int](repeating: 0, count: kinds.count)
        guard let json, let raw = JSONText.decode(json) as? [String: Any] else { return out }
        for (k, v) in raw {
            let n = (v as? NSNumber)?.intValue ?? 0
            out[kindIndex[ContextKind(rawValue: k) ?? .other]!] += n
        }
        return out
    }

    /// Identity of a sample for distinctness (kind and summary).
    static func sampleKey(kind: ContextKind, summary: String) -> Int {
        var h = Hasher()
        h.combine(kind)
        h.combine(summary)
        return h.finalize()
    }

    static func sampleKeys(json: String?) -> [Int] {
        guard let json, let raw = JSONText.decode(json) as? [[String: Any]] else { return [] }
        return raw.compactMap { object in
            guard let k = object["k"] as? String, let s = object["s"] as? String else { return nil }
            return sampleKey(kind: ContextKind(rawValue: k) ?? .other, summary: s)
        }
    }
}
