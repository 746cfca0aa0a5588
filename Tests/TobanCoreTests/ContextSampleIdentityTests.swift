import Foundation
import Testing
import TobanCore
import TobanTestSupport

/// An example's identity decides which examples a context bucket keeps: the same kind and
/// summary must give the same identity, anything else (almost surely) another one.
@Suite struct ContextSampleIdentityTests {
    @Test func ordinalIsThePositionInAllCases() {
        #expect(ContextKind.allCases.map(\.ordinal) == Array(ContextKind.allCases.indices))
    }

    @Test func sameKindAndSummaryGiveTheSameIdentity() {
        let a = ContextSample(time: Date(timeIntervalSince1970: 1), kind: .dns, peer: nil, summary: "dns host1.example.org")
        let b = ContextSample(time: Date(timeIntervalSince1970: 99), kind: .dns, peer: IPAddress("10.0.0.1"), summary: "dns host1.example.org")
        #expect(a.identity == b.identity)
        #expect(a.isSameExample(as: b))
        #expect(a.identity == ContextSample.identity(kind: .dns, summary: "dns host1.example.org"))
        var c = a
        c.kind = .tls
        #expect(c.identity != a.identity && !c.isSameExample(as: a))
        c.kind = .dns
        #expect(c.identity == a.identity)
        c.summary = "dns host2.example.org"
        #expect(c.identity != a.identity && !c.isSameExample(as: a))
    }

    /// Every length up to three words (the tail is hashed apart from whole words), a
    /// trailing NUL, and 20,000 summaries like the benchmark's: no two alike.
    @Test func differentSummariesGetDifferentIdentities() {
        var seen: [Int: String] = [:]
        func add(_ kind: ContextKind, _ summary: String) {
            let id = ContextSample.identity(kind: kind, summary: summary)
            let key = "\(kind) \(summary)"
            if let other = seen[id] { Issue.record("\(key) and \(other) share an identity") }
            seen[id] = key
        }
        for n in 0...24 { add(.dns, String(repeating: "a", count: n)) }
        add(.dns, "ab\u{0}")
        add(.dns, "ab")
        for i in 0..<10_000 {
            add(.dns, "dns host\(i).example.org")
            add(.http, "http www.example.com/p/\(i) UA=Mozilla/5.0")
        }
        for kind in ContextKind.allCases where kind != .dns { add(kind, "") }
        #expect(seen.count == 25 + 2 + 20_000 + ContextKind.allCases.count - 1)
    }

    /// A bucket counts by `ordinal`, and the store's columns follow `allCases`: the two
    /// orders must be one.
    @Test func bucketCountsFollowTheKindsOrder() throws {
        for (i, kind) in ContextKind.allCases.enumerated() { #expect(kind.ordinal == i) }
        #expect(ContextBucket(customerID: "acme", endpoint: IPAddress("10.0.0.5")!, bucketStart: Date()).countsByKind.count
                == ContextKind.allCases.count)
        var bucket = ContextBucket(customerID: "acme", endpoint: IPAddress("10.0.0.5")!, bucketStart: Date(timeIntervalSince1970: 0),
                                   counts: [.tls: 2])
        bucket.add(kind: .dns, sample: nil)
        bucket.add(kind: .other, sample: nil)
        bucket.add(kind: .tls, sample: nil)
        #expect(bucket.counts == [.dns: 1, .tls: 3, .other: 1])
        #expect(bucket.countsByKind == [1, 0, 3, 0, 0, 0, 0, 0, 1])
        var merged = bucket
        merged.addCounts(of: bucket)
        #expect(merged.counts == [.dns: 2, .tls: 6, .other: 2])
    }
}
