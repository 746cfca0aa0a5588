import Foundation
import Testing
import TobanCore
@testable import TobanIngest
import TobanTestSupport

// Deterministic pseudo-random bytes come from the fuzzer's SplitMix64, so failures reproduce.

let allFormats = SourceFormat.allCases

let validEVE = #"{"timestamp":"2026-11-20T00:00:00.000000+0900","flow_id":656160904301048,"in_iface":"eth0","host":"s1","event_type":"alert","src_ip":"10.2.1.103","src_port":36143,"dest_ip":"177.24.37.211","dest_port":80,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":2013028,"rev":1,"signature":"ET POLICY curl User-Agent Outbound","category":"Attempted Information Leak","severity":3},"http":{"hostname":"h","url":"\/x","http_user_agent":"curl\/7"}}"#

@Suite("Hostile input")
struct HostileInputTests {
    @Test("every parser rejects an over-long line (50 MB) quickly", arguments: allFormats)
    func fiftyMegabyteLine(format: SourceFormat) {
        var line = [UInt8](repeating: UInt8(ascii: "a"), count: 50 << 20)
        line[0] = UInt8(ascii: "{")
        let start = Date()
        var p = makeParser(for: format, fileName: "conn.log", options: testOptions)
        let result = line.withUnsafeBufferPointer { p.parse($0) }
        #expect(result.invalidReason?.contains("too long") == true)
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test("a valid line larger than the default limit parses when the limit is raised")
    func bigButAllowed() {
        let big = String(repeating: "x", count: 8 << 20)
        let line = #"{"timestamp":"2026-01-01T00:00:00Z","event_type":"http","http":{"url":""# + big + #""}}"#
        var p = EVEParser(options: ParserOptions(syslogYear: 2026, maxLineLength: 16 << 20))
        #expect(parse(&p, line).event?.url?.count == 8 << 20)
    }

    @Test("10,000-deep nesting is an error, not a stack overflow", arguments: [SourceFormat.suricataEVE, .zeekJSON])
    func deepNesting(format: SourceFormat) {
        let deep = #"{"event_type":"alert","ts":1,"x":"# + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        #expect(parseOne(format, deep).invalidReason?.contains("nesting") == true)
        let deepObjects = String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        #expect(parseOne(format, deepObjects).invalidReason?.contains("nesting") == true)
    }

    @Test("invalid JSON lines", arguments: [SourceFormat.suricataEVE, .zeekJSON], [
        #"{"event_type":"alert","ts":1"#,                 // truncated
        #"{"event_type":"alert","ts":1}}"#,               // unbalanced
        #"{"event_type":"alert",,"ts":1}"#,
        #"[{"event_type":"alert"}]"#,                     // not an object
        "not json at all",
        #"{"event_type":"alert","ts":1} trailing"#,
        #"{"event_type":"al"# ,
    ])
    func invalidJSON(format: SourceFormat, line: String) {
        #expect(parseOne(format, line).invalidReason?.isEmpty == false)
    }

    @Test("truncations of a valid EVE line are all invalid")
    func truncations() {
        let bytes = Array(validEVE.utf8)
        var p = EVEParser(options: testOptions)
        #expect(parse(&p, bytes).event != nil)
        for cut in 1..<bytes.count {
            let r = parse(&p, Array(bytes[0..<cut]))
            if cut > 0, bytes[0..<cut].allSatisfy({ $0 == 0x20 }) { continue }
            #expect(r.invalidReason != nil, "cut at \(cut)")
        }
    }

    @Test("NUL bytes and invalid UTF-8 are invalid in every format", arguments: allFormats)
    func nulAndUTF8(format: SourceFormat) {
        let samples: [SourceFormat: String] = [
            .suricataEVE: #"{"event_type":"flow","host":"AB"}"#,
            .zeekJSON: #"{"ts":1,"uid":"AB"}"#,
            .zeekTSV: "1\tAB",
            .cef: "CEF:0|V|P|1|1|N|1|msg=AB",
            .syslog: "<13>Jan  1 00:00:00 host prog: AB",
        ]
        let text = samples[format]!
        var withNUL = Array(text.utf8)
        let at = withNUL.lastIndex(of: UInt8(ascii: "A"))!
        withNUL[at] = 0
        var badUTF8 = Array(text.utf8)
        badUTF8[at] = 0xC3 // lead byte followed by ASCII
        for bad in [withNUL, badUTF8] {
            var p = makeParser(for: format, fileName: "conn.log", options: testOptions)
            if format == .zeekTSV {
                for h in ["#separator \\x09", "#fields\tts\tuid"] { _ = parse(&p, h) }
            }
            #expect(parse(&p, Array(text.utf8)).event != nil, "\(format): the clean sample parses")
            #expect(parse(&p, bad).invalidReason != nil, "\(format): \(bad)")
        }
    }

    @Test("random binary garbage never crashes and JSON formats reject it", arguments: allFormats)
    func garbage(format: SourceFormat) {
        var rng = SplitMix(state: 0xC0FFEE &+ UInt64(format.rawValue.count))
        var p = makeParser(for: format, fileName: "conn.log", options: testOptions)
        for i in 0..<3000 {
            let n = Int(rng.next() % 300)
            var bytes = rng.bytes(n)
            if i % 3 == 0, !bytes.isEmpty { bytes[0] = UInt8(ascii: "{") }
            let r = parse(&p, bytes)
            if format == .suricataEVE || format == .zeekJSON, bytes.contains(where: { $0 > 0x20 }) {
                #expect(r.event == nil, "garbage accepted: \(bytes)")
            }
        }
    }

    @Test("mutated valid lines never crash", arguments: allFormats)
    func mutations(format: SourceFormat) {
        let seeds: [SourceFormat: String] = [
            .suricataEVE: validEVE,
            .zeekJSON: #"{"ts":1543877999.99354,"uid":"C1","id.orig_h":"192.168.1.1","id.orig_p":64521,"id.resp_h":"192.168.1.2","id.resp_p":53,"name":"dns_unmatched_reply","notice":false,"tags":["a","b"]}"#,
            .zeekTSV: "1521911721.255387\tC8Tful1TvM3Zf5x8fl\t10.164.94.120\t39681\t10.47.3.155\t3389\ttcp\t-\t(empty)\ta\\x2cb",
            .cef: #"<134>Feb 14 19:04:54 fw CEF:0|V\|x|P|1|100|N|5|src=10.0.0.1 spt=80 msg=a\=b cs1=x cs1Label=y rt=Jan 17 2020 08:52:10"#,
            .syslog: { let body = #"<86>1 2015-08-05T21:58:59.693Z 192.168.2.132 SecureAuth0 23108 ID52020 [SecureAuth@27389 UserHostAddress="192.168.2.132" Realm="SecureAuth0\]"] Found"#
                       return "\(body.utf8.count) " + body }(),
        ]
        var rng = SplitMix(state: 42)
        let seed = Array(seeds[format]!.utf8)
        var p = makeParser(for: format, fileName: "conn.log", options: testOptions)
        if format == .zeekTSV {
            _ = parse(&p, "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\ttags\tuser_agent")
        }
        #expect(parse(&p, seed).event != nil)
        let interesting: [UInt8] = Array(#"{}[]",:\|=<>- 0123456789"#.utf8) + [0, 0x80, 0xFF, 0x09, 0x0A]
        for _ in 0..<4000 {
            var m = seed
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let i = Int(rng.next() % UInt64(m.count))
                switch rng.next() % 3 {
                case 0: m[i] = interesting[Int(rng.next() % UInt64(interesting.count))]
                case 1: m.remove(at: i)
                default: m.insert(interesting[Int(rng.next() % UInt64(interesting.count))], at: i)
                }
                if m.isEmpty { break }
            }
            _ = parse(&p, m) // must return, whatever it returns
        }
    }

    @Test func numericOverflowDoesNotTrap() throws {
        let e = try event(.suricataEVE, #"{"event_type":"stats","stats":{"capture":{"kernel_packets":99999999999999999999999999,"kernel_drops":-5}},"src_port":-1,"dest_port":1e999,"flow_id":1e999}"#)
        #expect(e.packets == nil && e.drops == nil && e.sourcePort == nil && e.destinationPort == nil && e.flowID == nil)
        let z = try event(.zeekJSON, #"{"ts":1e999,"id.orig_p":4294967296,"id.resp_p":65535}"#, fileName: "conn.log")
        #expect(z.sourcePort == nil && z.destinationPort == 65535)
        #expect(z.timestamp == nil || z.timestamp!.isFinite)
        var tsv = ZeekTSVParser(fileName: "stats.log", options: testOptions)
        _ = parse(&tsv, "#fields\tts\tpkts_proc\tpkts_dropped")
        let s = try #require(parse(&tsv, "1\t184467440737095516160\t-1").event)
        #expect(s.packets == nil && s.drops == nil)
        #expect(parseOne(.syslog, "99999999999999999999 <13>1 - - - - - - x").event != nil
                || parseOne(.syslog, "99999999999999999999 <13>1 - - - - - - x").invalidReason != nil)
    }

    @Test func headerBombs() {
        var p = ZeekTSVParser(fileName: "x.log", options: testOptions)
        let many = "#fields" + String(repeating: "\tf", count: 5000)
        #expect(parse(&p, many).invalidReason?.contains("fields") == true)
        #expect(parse(&p, "#separator ").invalidReason != nil || parse(&p, "#separator ") == .skip)
        let cef = "CEF:0|V|P|1|1|N|1|" + String(repeating: "a=b ", count: 5000)
        #expect(parseOne(.cef, cef).invalidReason?.contains("too many") == true)
        let sd = "<13>1 - h a - - " + String(repeating: "[x a=\"b\"]", count: 2000)
        #expect(parseOne(.syslog, sd).invalidReason?.contains("too many") == true)
    }
}

/// A time no one can represent makes its line unusable, never the process trap: in follow
/// mode every restart would crash on the same line and monitoring would stop for everyone.
@Suite("Out-of-range times")
struct OutOfRangeTimeTests {
    static let lines: [(String, String)] = [
        ("notice.log", #"{"ts":1e300,"uid":"C1","id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"10.0.0.2","id.resp_p":80,"note":"Scan::Port_Scan","msg":"x"}"#),
        ("notice.log", #"{"ts":-1e19,"uid":"C1","id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"10.0.0.2","id.resp_p":80,"note":"Scan::Port_Scan","msg":"x"}"#),
        ("notice.log", #"{"ts":"9999999999999999999999","uid":"C1","id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"10.0.0.2","id.resp_p":80,"note":"Scan::Port_Scan","msg":"x"}"#),
        ("cef.log", "CEF:0|V|P|1|100|sig|5|rt=9223372036854775807 src=10.0.0.1 dst=10.0.0.2"),
    ]

    @Test("quarantined with a reason, the next line still stored", arguments: lines.indices)
    func quarantinedNotTrapped(_ index: Int) throws {
        let (name, bad) = Self.lines[index]
        let dir = TemporaryDirectory(prefix: "toban-time")
        let path = dir.file(name)
        let good: String
        switch name {
        case "cef.log": good = "CEF:0|V|P|1|101|good|5|rt=1700000000000 src=10.0.0.1 dst=10.0.0.2"
        default: good = #"{"ts":1700000000.5,"uid":"C2","id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"10.0.0.2","id.resp_p":80,"note":"Scan::Port_Scan","msg":"good"}"#
        }
        writeFile(path, bad + "\n" + good + "\n")
        let sink = MemorySink()
        let quarantine = dir.file("q.jsonl")
        let pipeline = try IngestPipeline(sources: [SourceSettings(path: path)], directory: CustomerDirectory(customers: []),
                                          rules: .default, options: IngestOptions(batchLines: 10, quarantinePath: quarantine), sink: sink,
                                          clock: ManualClock())
        let summary = try pipeline.runOnce()
        #expect(summary.lines == 2)
        #expect(summary.quarantined == 1, "not quarantined: \(bad)")
        let records = try String(contentsOfFile: quarantine, encoding: .utf8)
        #expect(records.contains("time") || records.contains("date"), "reason: \(records)")
        #expect(summary.detections + summary.contextEvents == 1, "the good line after it was lost")
    }
}
