import Foundation
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

/// Reading stored samples' identities without decoding must give exactly the decoder's
/// keys, and must decline (not misread) anything it does not recognise.
@Suite struct StoredSampleScanTests {
    func chunk(_ samples: [ContextSample]) -> String {
        var out = JSONBytes()
        out.append(byte: 0x5B)
        for (i, s) in samples.enumerated() {
            if i > 0 { out.append(byte: 0x2C) }
            ContextMerge.encode(s, into: &out)
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
