import Foundation
import GRDB
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

/// The writer's hand-rolled texts must be exactly what the readers parse back.
@Suite struct FastTextTests {
    /// What a writer that works on raw memory puts in a buffer of `capacity` bytes.
    func written(_ capacity: Int, _ write: (UnsafeMutablePointer<UInt8>) -> Int) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[..<write(buffer.baseAddress!)]), as: UTF8.self)
        }
    }

    @Test func sampleTimesKeepTheirMilliseconds() {
        for ms: Int64 in [0, 999, 1_790_000_000_123, 1_790_000_000_005, -1_500] {
            let seconds = Double(written(JSONBytes.maxSecondsLength) { JSONBytes.writeSeconds(milliseconds: ms, to: $0) })!
            #expect((seconds * 1000).rounded() == Double(ms))
        }
    }

    @Test func numbersAndAddressesAreWrittenExactly() {
        func text(_ write: (inout JSONBytes) -> Void) -> String {
            var out = JSONBytes()
            write(&out)
            return String(decoding: out.bytes, as: UTF8.self)
        }
        #expect(text { $0.appendDecimal(UInt64(0)) } == "0")
        #expect(text { $0.appendDecimal(UInt64(10)) } == "10")
        #expect(text { $0.appendDecimal(UInt64.max) } == "18446744073709551615")
        #expect(text { $0.appendDecimal(Int64.min) } == "-9223372036854775808")
        func seconds(_ ms: Int64) -> String {
            written(JSONBytes.maxSecondsLength) { JSONBytes.writeSeconds(milliseconds: ms, to: $0) }
        }
        #expect(seconds(1_790_000_000_123) == "1790000000.123")
        #expect(seconds(5) == "0.005")
        #expect(seconds(-1_500) == "-1.500")
        #expect(seconds(Int64.min) == "-9223372036854775.808")
        for address in ["0.0.0.0", "255.255.255.255", "10.2.30.4", "192.168.0.100", "2001:db8::1",
                        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"] {
            #expect(written(JSONBytes.maxQuotedAddressLength) { JSONBytes.writeQuoted(IPAddress(address)!, to: $0) } == "\"\(address)\"")
        }
    }

    @Test func jsonStringsEscapeWhatJSONRequires() throws {
        let text = "a\"b\\c\nd\re\tf\u{1B}[2J\u{7F}\u{85}本"
        #expect(JSONText.quote(text) == "\"a\\\"b\\\\c\\nd\\re\\tf\\u001b[2J\u{7F}\u{85}本\"")
        #expect(JSONText.quote("plain text") == "\"plain text\"")
        let decoded = try JSONSerialization.jsonObject(with: Data(JSONText.quote(text).utf8), options: .fragmentsAllowed) as? String
        #expect(decoded == text)
    }
}

extension FastTextTests {
    /// Stored columns: a store keeps rows written by older builds, so these texts and
    /// hashes may never change (folding finds a row by them).
    @Test func evidenceAndAggregationTextsAreStable() {
        var e = Evidence()
        e.httpHost = "cdn9.example.net"
        e.url = "/download/update.exe"
        e.userAgent = "curl/7.88.1\u{1B}[2J\"q\""
        e.dnsQuery = "a.example"
        e.sourceMAC = "00:11:22:33:44:55"
        e.mailSubject = "件名\n"
        #expect(FastText.evidenceJSON(e) == #"{"dns_query":"a.example","http_host":"cdn9.example.net","mail_subject":"件名\n","#
            + #""src_mac":"00:11:22:33:44:55","url":"/download/update.exe","user_agent":"curl/7.88.1\u001b[2J\"q\""}"#)
        #expect(FastText.evidenceJSON(Evidence()) == "{}")
        #expect(AggregationHash.of("unassigned|sensor-osaka-1|2013028|10.2.1.103|177.24.37.211") == -4_929_221_453_426_015_911)
        #expect(AggregationHash.of("") == -3_750_763_034_362_895_579)
        #expect(AggregationHash.of("本|x") == 7_226_838_774_964_221_493)
    }

    /// The writer builds the key from the address texts it writes anyway: the same text as
    /// the key's own, whichever side the endpoint is. Stored rows give it back from their
    /// columns (`DetectionRow.aggregationKeySQL`), the text itself not being stored.
    @Test func preparedKeyAndEndpointMatchTheDetections() throws {
        let sides = [("10.2.1.103", "177.24.37.211", "10.2.1.103"), ("8.8.8.8", "192.168.1.5", "192.168.1.5"),
                     ("2001:db8::1", "fd00::2", "fd00::2"), ("10.0.0.1", "10.0.0.2", "10.9.9.9")]
        for (source, destination, endpoint) in sides {
            var d = makeDetection(signature: "2013028", src: source, dst: destination, endpoint: endpoint)
            let prepared = TobanStore.prepare(detection: &d)
            #expect(prepared.aggregate == OpenAggregates.Key(text: d.aggregationKey.text))
            #expect(prepared.endpoint?.endpoint == endpoint)
            #expect(prepared.tally.endpoint == endpoint && prepared.tally.signatureID == "2013028")
            #expect(prepared.sourceIP == source && prepared.destinationIP == destination)
        }
        var bare = makeDetection(signature: "x", src: nil, dst: nil, endpoint: nil)
        let prepared = TobanStore.prepare(detection: &bare)
        #expect(bare.aggregationKey.text == "acme|s1|x|-|-")
        #expect(prepared.aggregate == OpenAggregates.Key(text: bare.aggregationKey.text))
        #expect(prepared.endpoint == nil && prepared.sourceIP == nil && prepared.destinationIP == nil)

        let f = try StoreFixture()
        let detections = sides.enumerated().map { i, side in
            makeDetection(signature: "2013028", src: side.0, dst: side.1, endpoint: side.2, offset: Int64(i))
        } + [bare]
        try f.store.commit(IngestBatch(detections: detections), customers: [acme], now: t0)
        let stored = try f.store.pool.read { db in
            try (String.fetchAll(db, sql: "SELECT aggregation_key FROM detections"),
                 String.fetchAll(db, sql: "SELECT \(DetectionRow.aggregationKeySQL()) FROM detections ORDER BY id"))
        }
        let storedEmpty = stored.0.allSatisfy { $0.isEmpty }
        let expected = detections.map { $0.aggregationKey.text }
        #expect(storedEmpty)
        #expect(stored.1 == expected)
    }
}
