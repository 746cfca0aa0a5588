import Foundation
import Testing
import TobanCore
@testable import TobanIngest
import TobanTestSupport

@Suite("Zeek JSON")
struct ZeekJSONTests {
    static let expectedFiles = [
        "zeek/elastic-integrations/test-notice.log",
        "zeek/elastic-integrations/test-weird.log",
        "zeek/elastic-integrations/test-conn.log",
        "zeek/elastic-integrations/test-dns.log",
    ]

    /// The inner record of a Splunk export wrapper line, if it is one.
    static func splunkRaw(_ line: String) -> String? {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let result = obj["result"] as? [String: Any] else { return nil }
        return result["_raw"] as? String
    }

    @Test("corpus lines match the peer's expected documents", .enabled(if: corpusAvailable), arguments: expectedFiles)
    func corpusExpected(file: String) throws {
        let name = (file as NSString).lastPathComponent
        var parser = ZeekJSONParser(fileName: name, options: testOptions)
        let results = parseAll(&parser, try corpusData(file))
        let docs = try expectedDocs(file + "-expected.json")
        #expect(docs.count == results.count, "one expected doc per input line")
        for (index, (line, result)) in results.enumerated() where index < docs.count {
            let doc = docs[index]
            let what = "\(file)#\(index + 1)"
            let original = string(doc, "event.original")
            let raw = Self.splunkRaw(line.text)
            // Pairing is positional; check it where the peer kept the original (dns doc 6 is from an older line).
            if !(file.hasSuffix("test-dns.log") && index == 5) {
                #expect(original == line.text || original == raw, "\(what): pairing")
            }
            let e = try #require(result.event, "\(what): \(result)")
            expectCommon(doc, e, what)
            #expect(e.flowID == string(doc, "zeek.session_id"), "\(what): uid")
            if raw != nil { #expect(e.sensor == string(doc, "host.name"), "\(what): wrapper host") }
            if let q = string(doc, "dns.question.name") { #expect(e.dnsQuery == q, "\(what): query") }
            if file.hasSuffix("test-notice.log") {
                #expect(e.kind == .detection)
                #expect(e.signature == string(doc, "rule.name"), "\(what): note")
                #expect(e.message == string(doc, "rule.description"), "\(what): msg")
            } else if file.hasSuffix("test-weird.log") {
                #expect(e.kind == .detection && e.category == "weird")
                #expect(e.signature == string(doc, "zeek.weird.name"), "\(what): weird name")
                #expect(e.severity == .informational) // notice=false
            } else if file.hasSuffix("test-conn.log") {
                #expect(e.kind == .context(.conn))
            } else {
                #expect(e.kind == .context(.dns))
            }
        }
    }

    @Test("maccdc notices, weirds, stats, capture loss and others", .enabled(if: corpusAvailable))
    func maccdc() throws {
        func events(_ f: String) throws -> [ParsedEvent] {
            var p = ZeekJSONParser(fileName: f, options: testOptions)
            let r = parseAll(&p, try corpusData("zeek/maccdc2012-00016-zeek/" + f)).map(\.1)
            #expect(r.allSatisfy { $0.event != nil }, "\(f): \(r.first { $0.event == nil } as Any)")
            return r.compactMap(\.event)
        }
        let notices = try events("notice.log")
        #expect(notices.count == 22 && notices.allSatisfy { $0.kind == .detection && $0.timestamp != nil })
        #expect(notices.filter { $0.signature == "SSL::Invalid_Server_Cert" }.count == 16)
        #expect(notices.allSatisfy { $0.timestamp == $0.timestamp?.rounded() }) // integer ts
        let weird = try events("weird.log")
        #expect(weird.count == 224 && weird.filter { $0.signature == "bad_HTTP_request" }.count == 66)
        let ssl = try events("ssl.log")
        #expect(ssl.count == 399 && ssl.allSatisfy { $0.kind == .context(.tls) })
        let loss = try events("capture_loss.log")
        #expect(loss.count == 12 && loss.allSatisfy { $0.kind == .health(.captureLoss) && $0.captureLossPercent != nil })
        let stats = try events("stats.log")
        #expect(stats.count == 32 && stats.allSatisfy { $0.kind == .health(.stats) })
        #expect(try events("x509.log").allSatisfy { $0.kind == .context(.tls) })
        #expect(try events("dpd.log").count == 103)
        #expect(try events("tunnel.log").allSatisfy { $0.kind == .context(.other) })
    }

    @Test("http and files samples incl. Splunk wrappers", .enabled(if: corpusAvailable))
    func httpFiles() throws {
        var http = ZeekJSONParser(fileName: "test-http.log", options: testOptions)
        let h = parseAll(&http, try corpusData("zeek/elastic-integrations/test-http.log")).compactMap(\.1.event)
        #expect(h.count == 8 && h.allSatisfy { $0.kind == .context(.http) && $0.flowID != nil })
        var files = ZeekJSONParser(fileName: "test-files.log", options: testOptions)
        let f = parseAll(&files, try corpusData("zeek/elastic-integrations/test-files.log")).compactMap(\.1.event)
        #expect(f.count == 4 && f.allSatisfy { $0.kind == .context(.fileinfo) && $0.fileHash != nil })
    }

    @Test func pathFromFieldFileNameOrContent() throws {
        let line = #"{"ts":1.5,"uid":"C1","id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"10.0.0.2","id.resp_p":53,"proto":"udp","query":"a.example"}"#
        #expect(try event(.zeekJSON, line, fileName: "dns.log").kind == .context(.dns))
        #expect(try event(.zeekJSON, line, fileName: "conn.2026-01-01-00-00-00.log").kind == .context(.conn))
        #expect(try event(.zeekJSON, line, fileName: "unknown.json").kind == .context(.dns)) // inferred
        let withPath = #"{"_path":"notice","_system_name":"zk1","ts":"2026-01-01T00:00:00Z","note":"X::Y","msg":"m"}"#
        let n = try event(.zeekJSON, withPath, fileName: "conn.log")
        #expect(n.kind == .detection && n.signature == "X::Y" && n.sensor == "zk1" && n.timestamp == 1_767_225_600)
        let icmp = try event(.zeekJSON, #"{"ts":1,"id.orig_h":"10.0.0.1","id.orig_p":8,"id.resp_h":"10.0.0.2","id.resp_p":0,"proto":"icmp"}"#, fileName: "conn.log")
        #expect(icmp.sourcePort == nil && icmp.destinationPort == nil && icmp.transport == "icmp")
        let weird = try event(.zeekJSON, #"{"ts":1,"name":"bad","notice":true}"#, fileName: "weird.log")
        #expect(weird.severity == .low)
    }

    @Test func splunkWrapper() throws {
        let inner = #"{\"ts\":1543877999.99354,\"uid\":\"C1\",\"id.orig_h\":\"192.168.1.1\",\"id.orig_p\":64521,\"id.resp_h\":\"192.168.1.2\",\"id.resp_p\":53,\"name\":\"dns_unmatched_reply\"}"#
        let line = #"{"preview":false,"offset":0,"result":{"_raw":""# + inner + #"","host":"splunk-host"}}"#
        let e = try event(.zeekJSON, line, fileName: "weird.log")
        #expect(e.kind == .detection && e.signature == "dns_unmatched_reply" && e.sensor == "splunk-host")
        #expect(e.sourceIP == IPAddress("192.168.1.1") && e.destinationPort == 53)
        // A wrapper whose _raw is not JSON is invalid, not a crash.
        #expect(parseOne(.zeekJSON, #"{"preview":false,"result":{"_raw":"{oops"}}"#).invalidReason != nil)
    }
}

@Suite("Zeek TSV")
struct ZeekTSVTests {
    static func header(path: String, fields: [String], sep: String = "\t") -> [String] {
        [
            "#separator " + (sep == "\t" ? "\\x09" : "\\x2c"),
            "#set_separator\(sep)|", "#empty_field\(sep)(empty)", "#unset_field\(sep)-",
            "#path\(sep)\(path)", "#open\(sep)2026-01-01-00-00-00",
            "#fields" + fields.map { sep + $0 }.joined(),
            "#types" + fields.map { _ in sep + "string" }.joined(),
        ]
    }

    @Test func customSeparatorSetSeparatorEmptyAndUnset() {
        var p = ZeekTSVParser(fileName: "whatever.log", options: testOptions)
        for h in Self.header(path: "http", fields: ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "host", "uri", "user_agent", "tags"], sep: ",") {
            #expect(parse(&p, h) == .skip)
        }
        #expect(p.separator == [0x2C] && p.setSeparator == Array("|".utf8) && p.path == "http")
        let e = parse(&p, "1700000000.5,Cabc,10.0.0.1,5555,10.0.0.2,80,-,(empty),a\\x2cb\\\\c,x|y").event
        #expect(e?.kind == .context(.http))
        #expect(e?.timestamp == 1_700_000_000.5 && e?.flowID == "Cabc")
        #expect(e?.httpHost == nil)          // unset
        #expect(e?.url == nil)               // empty set/string
        #expect(e?.userAgent == "a,b\\c")   // \x2c and \\ unescaped
        #expect(e?.sourcePort == 5555 && e?.destinationIP == IPAddress("10.0.0.2"))
        #expect(parse(&p, "#close,2026-01-01-00-00-01") == .skip)
    }

    @Test func headerRestartMidFileAndFieldCountMismatch() {
        var p = ZeekTSVParser(fileName: "x.log", options: testOptions)
        #expect(parse(&p, "1\tC\t10.0.0.1").invalidReason?.contains("#fields") == true)
        for h in Self.header(path: "conn", fields: ["ts", "uid", "id.orig_h", "proto"]) { _ = parse(&p, h) }
        #expect(parse(&p, "1\tC1\t10.0.0.1\ttcp").event?.kind == .context(.conn))
        #expect(parse(&p, "1\tC1\t10.0.0.1").invalidReason?.contains("3 fields") == true)
        #expect(parse(&p, "1\tC1\t10.0.0.1\ttcp\textra").invalidReason != nil)
        for h in Self.header(path: "notice", fields: ["ts", "note", "msg", "src"]) { _ = parse(&p, h) }
        let n = parse(&p, "2\tScan::Port_Scan\tscanned\t10.9.9.9").event
        #expect(n?.kind == .detection && n?.signature == "Scan::Port_Scan" && n?.sourceIP == IPAddress("10.9.9.9"))
        #expect(n?.message == "scanned")
    }

    static let baselines: [(String, String, Int, Int)] = [
        // file, path, records, field count
        ("zeek/zeek-btest-baselines/opt.basic/conn.log", "conn", 34, 0),
        ("zeek/zeek-btest-baselines/opt.basic/dns.log", "dns", 34, 0),
        ("zeek/zeek-btest-baselines/opt.basic/http.log", "http", 14, 0),
        ("zeek/zeek-btest-baselines/scripts.policy.protocols.ssl.expiring-certs/notice.log", "notice", 2, 26),
        ("zeek/zeek-btest-baselines/scripts.policy.protocols.ssh.detect-bruteforcing/notice.log", "notice", 1, 0),
        ("zeek/zeek-btest-baselines/scripts.policy.protocols.http.sql-injection-plus-dvwa2/notice.log", "notice", 2, 0),
        ("zeek/zeek-btest-baselines/scripts.base.files.x509.disable-certificate-events-known-certs/ssl.log", "ssl", 8, 0),
        ("zeek/zeek-btest-baselines/scripts.policy.protocols.ssl.certificate-request-info/ssl.log", "ssl", 1, 0),
        ("zeek/zeek-btest-baselines/scripts.base.protocols.http.http-methods/weird.log", "weird", 34, 0),
        ("zeek/zeek-btest-baselines/scripts.base.protocols.sip.junk/weird.log", "weird", 1, 0),
        ("zeek/zeek-btest-baselines/scripts.base.files.x509.files/files.log", "files", 6, 0),
        ("zeek/zeek-btest-baselines/scripts.base.protocols.ssl.tls-1.2/x509.log", "x509", 3, 0),
        ("zeek/zeek-btest-baselines/scripts.base.frameworks.logging.ascii-escape-odd-url/http.log", "http", 1, 0),
        ("zeek/brimdata-zed/conn.log", "conn", 92, 0),
        ("zeek/brimdata-zed/zqd-testdata/conn.log", "conn", 1, 0),
        ("zeek/brimdata-zed/zqd-testdata/http.log", "http", 1, 0),
        ("zeek/brimdata-zed/zqd-testdata/capture_loss.log", "capture_loss", 1, 6),
        ("zeek/brimdata-zed/zqd-testdata/stats.log", "stats", 1, 26),
    ]

    @Test("TSV corpus: record counts, header state, every record parses", .enabled(if: corpusAvailable),
          arguments: baselines.map(\.0))
    func corpusFile(file: String) throws {
        let (_, path, records, fieldCount) = try #require(Self.baselines.first { $0.0 == file })
        var p = ZeekTSVParser(fileName: "input.log", options: testOptions)
        let results = parseAll(&p, try corpusData(file))
        let events = results.compactMap(\.1.event)
        #expect(events.count == records)
        #expect(results.allSatisfy { $0.1 != .invalid(reason: $0.1.invalidReason ?? "") }, "no invalid lines")
        #expect(p.path == path)
        if fieldCount > 0 { #expect(p.fieldNames.count == fieldCount) }
        let expectedKind = ZeekPath(name: path).kind
        #expect(events.allSatisfy { $0.kind == expectedKind })
        // Canonified btest timestamps (XXXXXXXXXX.XXXXXX) give nil; real ones parse.
        if file.contains("brimdata") { #expect(events.allSatisfy { $0.timestamp != nil }) }
    }

    @Test("TSV spot values", .enabled(if: corpusAvailable))
    func spotValues() throws {
        var p = ZeekTSVParser(fileName: "conn.log", options: testOptions)
        let conn = parseAll(&p, try corpusData("zeek/brimdata-zed/conn.log")).compactMap(\.1.event)
        let first = try #require(conn.first)
        #expect(first.timestamp == 1_521_911_721.255387)
        #expect(first.flowID == "C8Tful1TvM3Zf5x8fl")
        #expect(first.sourceIP == IPAddress("10.164.94.120") && first.sourcePort == 39681)
        #expect(first.destinationIP == IPAddress("10.47.3.155") && first.destinationPort == 3389)
        #expect(first.transport == "tcp")

        var n = ZeekTSVParser(fileName: "notice.log", options: testOptions)
        let notices = parseAll(&n, try corpusData("zeek/zeek-btest-baselines/scripts.policy.protocols.ssl.expiring-certs/notice.log")).compactMap(\.1.event)
        #expect(notices.map(\.signature) == ["SSL::Certificate_Expired", "SSL::Certificate_Expires_Soon"])
        // Zeek writes "\\\\," (doubled backslash) for the RFC 2253 escaped comma: one backslash after decoding.
        #expect(notices[1].message?.contains("TOBU RAILWAY Co.\\,Ltd.,L=Sumida-ku") == true)
        #expect(notices[0].message?.contains("\\") == false)

        var w = ZeekTSVParser(fileName: "weird.log", options: testOptions)
        let sip = parseAll(&w, try corpusData("zeek/zeek-btest-baselines/scripts.base.protocols.sip.junk/weird.log")).compactMap(\.1.event)
        #expect(sip.count == 1 && sip[0].kind == .detection && sip[0].severity <= .low)

        var h = ZeekTSVParser(fileName: "http.log", options: testOptions)
        let odd = parseAll(&h, try corpusData("zeek/zeek-btest-baselines/scripts.base.frameworks.logging.ascii-escape-odd-url/http.log")).compactMap(\.1.event)
        // \xfc is not UTF-8 on its own: it becomes U+FFFD, and no escape text remains.
        #expect(odd.count == 1 && odd[0].url?.contains("\u{FFFD}") == true && odd[0].url?.contains("\\x") == false)

        var s = ZeekTSVParser(fileName: "stats.log", options: testOptions)
        let stats = parseAll(&s, try corpusData("zeek/brimdata-zed/zqd-testdata/stats.log")).compactMap(\.1.event)
        #expect(stats.first?.packets == 1 && stats.first?.drops == nil) // pkts_link unset → pkts_proc
        var c = ZeekTSVParser(fileName: "capture_loss.log", options: testOptions)
        let loss = parseAll(&c, try corpusData("zeek/brimdata-zed/zqd-testdata/capture_loss.log")).compactMap(\.1.event)
        #expect(loss.first?.captureLossPercent == 0.0 && loss.first?.kind == .health(.captureLoss))
    }
}
