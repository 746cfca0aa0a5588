import Foundation
import Testing
import TobanCore
import TobanTestSupport

/// A bucket keeps its examples' summaries as bytes in one buffer: what it keeps must be
/// what a list of samples would have kept, and each example must read back as it came.
@Suite struct ContextExamplesTests {
    func sample(_ t: Double, _ kind: ContextKind, _ summary: String, peer: String? = nil) -> ContextSample {
        ContextSample(time: Date(timeIntervalSince1970: t), kind: kind, peer: peer.flatMap { IPAddress($0) }, summary: summary)
    }

    @Test func examplesReadBackAsTheyCame() {
        let samples = [sample(3, .dns, "dns a.example", peer: "10.0.0.1"), sample(1, .tls, "tls sni=b.example → 192.0.2.7:443"),
                       sample(2, .other, ""), sample(4, .http, "http c.example/ UA=ユーザー")]
        let examples = ContextExamples(samples)
        #expect(examples.count == 4)
        #expect(examples.samples == samples)
        #expect(examples[1] == samples[1])
        #expect(examples.entries.map(\.identity) == samples.map(\.identity))
        #expect(examples.summaryRange(2).isEmpty)
        #expect(Array(examples.text[examples.summaryRange(0)]) == Array("dns a.example".utf8))
    }

    /// Distinct by kind and summary, whatever the time or peer; an example written and then
    /// refused leaves no bytes behind.
    @Test func aRepeatedExampleIsRefusedAndLeavesNothing() {
        var examples = ContextExamples()
        /// `append` outside the expectation (which may not mutate).
        func add(_ s: ContextSample) -> Bool { examples.append(s) }
        #expect(add(sample(1, .dns, "dns a.example")))
        #expect(add(sample(1, .tls, "dns a.example")))
        let bytes = examples.text.count
        let kept = examples.append(time: Date(timeIntervalSince1970: 9), kind: .dns, peer: IPAddress("10.0.0.9")) { text in
            text.append(contentsOf: Array("dns a.example".utf8))
        }
        #expect(!kept)
        #expect(examples.count == 2 && examples.text.count == bytes)
        #expect(add(sample(2, .dns, "dns a.example.")))
        #expect(add(sample(5, .other, "")))
        #expect(!add(sample(6, .other, "")))
        #expect(examples.count == 4)
    }

    /// Written through `add(kind:time:peer:writeSummary:)` or given as samples, a bucket
    /// ends the same: bounded, distinct, counted.
    @Test func writtenSummariesFillABucketAsSamplesDo() {
        let start = Date(timeIntervalSince1970: 7200)
        var written = ContextBucket(customerID: "acme", endpoint: IPAddress("10.0.0.5")!, bucketStart: start)
        var given = written
        for i in 0..<50 {
            let time = Date(timeIntervalSince1970: 7200 + Double(i))
            let summary = "dns host\(i % 40).example"
            written.add(kind: .dns, time: time, peer: IPAddress("10.0.0.1")) { $0.append(contentsOf: Array(summary.utf8)) }
            given.add(kind: .dns, sample: ContextSample(time: time, kind: .dns, peer: IPAddress("10.0.0.1"), summary: summary))
        }
        #expect(written == given)
        #expect(written.examples.count == ContextBucket.sampleLimit)
        #expect(written.counts == [.dns: 50])
        #expect(written.samples.map(\.summary) == (0..<ContextBucket.sampleLimit).map { "dns host\($0).example" })
    }
}
