import Foundation
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

/// Reading stored samples' identities without decoding must give exactly the decoder's
/// keys, and must decline (not misread) anything it does not recognise.
@Suite struct StoredSampleScanTests {
    /// The samples (distinct) as the writer encodes a bucket's examples.
    func chunk(_ samples: [ContextSample]) -> String {
        let examples = ContextExamples(samples)
        var out = JSONBytes()
        out.append(byte: 0x5B)
        examples.text.withUnsafeBufferPointer { text in
            for i in examples.entries.indices {
                if i > 0 { out.append(byte: 0x2C) }
                let summary = UnsafeBufferPointer(rebasing: text[examples.summaryRange(i)])
                ContextMerge.encode(examples.entries[i], summary: summary, into: &out)
            }
        }
        out.append(byte: 0x5D)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    func decodedKeys(_ text: String) -> [Int] {
        ContextMerge.samples(chunks: [text]).map { ContextSample.identity(kind: $0.kind, summary: $0.summary) }
    }

    @Test func writerChunksScanToTheDecodersKeys() throws {
        let base = Date(timeIntervalSince1970: 1_790_000_000.123)
        let samples = ContextKind.allCases.enumerated().map { i, kind in
            ContextSample(time: base + Double(i) * 0.5, kind: kind, peer: i % 2 == 0 ? IPAddress("203.0.113.\(i)") : nil,
                          summary: "\(kind.rawValue) 例え host\(i).example.org/p?q=1 UA=curl/8")
        }
        let text = chunk(samples)
        let scanned = try #require(StoredSampleScan.keys(text))
        #expect(scanned == decodedKeys(text))
        #expect(scanned.count == samples.count)
        #expect(StoredSampleScan.keys("[]") == [])
        #expect(ContextMerge.sampleKeys(chunks: [text, text]) == scanned + scanned)
    }

    /// The writer's JSON is `ContextSample`'s own Codable form: every kind, an IPv4, IPv6
    /// or no peer, escapes, non-ASCII, times before 1970 and with milliseconds.
    @Test func writerChunksDecodeToTheSamplesWritten() throws {
        let peers: [IPAddress?] = [IPAddress("203.0.113.7"), IPAddress("2001:db8::1"), nil, IPAddress("0.0.0.0"),
                                   IPAddress("255.255.255.255")]
        let times: [Double] = [1_790_000_000.123, -1.5, 0, 1_790_000_000, 4_102_444_800.999]
        let summaries = ["dns host.example.org", "GET /a\"b\\c\u{1B}[2J\u{7F}\t\n\r", "例え 日本語 ホスト", ""]
        var samples: [ContextSample] = []
        for (i, kind) in ContextKind.allCases.enumerated() {
            for (j, summary) in summaries.enumerated() {
                samples.append(ContextSample(time: Date(timeIntervalSince1970: times[(i + j) % times.count]), kind: kind,
                                             peer: peers[(i + j) % peers.count].flatMap { $0 }, summary: summary))
            }
        }
        let text = chunk(samples)
        let decoded = try JSONDecoder().decode([ContextSample].self, from: Data(text.utf8))
        #expect(decoded == samples)
        #expect(chunk([samples[0]]) == #"[{"k":"dns","p":"203.0.113.7","s":"dns host.example.org","t":1790000000.123}]"#)
        #expect(chunk([ContextSample(time: Date(timeIntervalSince1970: -1.5), kind: .fileinfo, peer: nil, summary: "a\"")])
                == #"[{"k":"fileinfo","p":null,"s":"a\"","t":-1.500}]"#)
    }

    @Test func escapesAndOtherLayoutsAreLeftToTheDecoder() throws {
        let t = Date(timeIntervalSince1970: 1_790_000_000)
        let escaped = chunk([ContextSample(time: t, kind: .http, peer: nil, summary: "GET /a\"b\\c\u{1B}[2J")])
        #expect(StoredSampleScan.keys(escaped) == nil)
        #expect(ContextMerge.sampleKeys(chunks: [escaped]) == decodedKeys(escaped))
        #expect(decodedKeys(escaped).count == 1)
        // Key order of another encoder, trailing garbage, truncation, an unknown kind.
        for text in [#"[{"s":"x","k":"dns","p":null,"t":1}]"#, #"[{"k":"dns","p":null,"s":"x","t":1}]x"#,
                     #"[{"k":"dns","p":null,"s":"x","t":1}"#, #"[{"k":"nope","p":null,"s":"x","t":1}]"#, "", "[", "{}"] {
            #expect(StoredSampleScan.keys(text) == nil, "\(text)")
        }
        let reordered = #"[{"s":"x","k":"dns","p":null,"t":1}]"#
        #expect(ContextMerge.sampleKeys(chunks: [reordered]) == [ContextSample.identity(kind: .dns, summary: "x")])
    }
}
