import Foundation
import Testing
import TobanCore
@testable import TobanIngest
import TobanTestSupport

@Suite("CEF")
struct CEFTests {
    func compareCEF(_ doc: [String: Any], _ e: ParsedEvent, _ what: String, timestamps: Bool) {
        var d = doc
        if !timestamps { d["@timestamp"] = nil }
        if string(doc, "network.transport") == "6" || string(doc, "cef.extensions.transportProtocol") == "6" {
            // The peer keeps the IANA number; we name it.
            d["network.transport"] = nil
            #expect(e.transport == "tcp", "\(what): transport")
        }
        expectCommon(d, e, what)
        #expect(e.kind == .detection)
        #expect(e.signatureID == string(doc, "cef.device.event_class_id"), "\(what): sid")
        #expect(e.signature == string(doc, "cef.name"), "\(what): name")
        #expect(e.vendorSeverity == string(doc, "cef.severity"), "\(what): vendor severity")
        if let score = int(doc, "event.severity"), let text = e.vendorSeverity, Int(text) != nil || Severity(name: text) != .informational {
            // Numeric and named severities map like the peer; "Unknown" is informational here (the peer says 5).
            #expect(e.severity == Severity.fromCEF(score: score), "\(what): severity")
        }
        #expect(e.message == string(doc, "cef.extensions.message"), "\(what): msg")
        #expect(e.action == string(doc, "cef.extensions.deviceAction"), "\(what): act")
        #expect(e.url == string(doc, "cef.extensions.requestUrl"), "\(what): request")
        #expect(e.sensor == string(doc, "cef.extensions.deviceHostName"), "\(what): dvchost")
        #expect(normalisedMAC(e.sourceMAC) == normalisedMAC(string(doc, "cef.extensions.sourceMacAddress")), "\(what): smac")
        #expect(e.fileHash == string(doc, "cef.extensions.fileHash"), "\(what): fileHash")
        for n in 1...6 {
            if let label = string(doc, "cef.extensions.deviceCustomString\(n)Label"),
               let value = string(doc, "cef.extensions.deviceCustomString\(n)") {
                #expect(e.customFields.contains(CustomField(label: label, value: value)), "\(what): cs\(n)")
            }
        }
    }

    @Test("samples.log matches the golden file line by line", .enabled(if: corpusAvailable))
    func samplesGolden() throws {
        var p = CEFParser(options: testOptions)
        let results = parseAll(&p, try corpusData("cef/elastic-beats/samples.log"))
        let docs = try expectedDocs("cef/elastic-beats/samples.log.golden.json")
        #expect(results.count == 15 && docs.count == 15)
        for (i, (line, result)) in results.enumerated() {
            let doc = docs[i]
            #expect(string(doc, "event.original") == line.text, "pairing \(i)")
            let e = try #require(result.event, "line \(i + 1): \(result)")
            compareCEF(doc, e, "samples.log#\(i + 1)", timestamps: false)
        }
    }

    @Test("checkpoint.log matches expected incl. offsets and rt", .enabled(if: corpusAvailable))
    func checkpoint() throws {
        var p = CEFParser(options: testOptions)
        let results = parseAll(&p, try corpusData("cef/elastic-beats/checkpoint.log"))
        let docs = try expectedDocs("cef/elastic-beats/checkpoint.log-expected.json")
        #expect(results.count == docs.count)
        for (doc, (line, result)) in zip(docs, results) {
            #expect(int(doc, "log.offset") == line.offset)
            let e = try #require(result.event)
            compareCEF(doc, e, "checkpoint@\(line.offset)", timestamps: true)
            #expect(e.severity == .informational) // "Unknown"
        }
    }

    @Test("other CEF corpus files parse completely", .enabled(if: corpusAvailable))
    func otherFiles() throws {
        var p = CEFParser(options: testOptions)
        let fp = parseAll(&p, try corpusData("cef/elastic-integrations/test-fp-ngfw-smc.log")).map(\.1)
        #expect(fp.count == 13 && fp.compactMap(\.event).count == 10 && fp.filter { $0 == .skip }.count == 3)
        let first = try #require(fp.first?.event)
        // rt=Jan 17 2020 08:52:10 (no zone → configured offset, here UTC)
        #expect(first.timestamp == 1_579_251_130)
        #expect(first.sensor == "10.1.1.40" && first.message == "log server connection established")
        let third = try #require(fp[2].event)
        #expect(third.message?.contains("frag=0x4000") == true && third.transport == "icmp")
        #expect(third.customFields == [CustomField(label: "RuleID", value: "2097157.1")])
        let cef = parseAll(&p, try corpusData("cef/elastic-integrations/test-cef.log")).map(\.1)
        #expect(cef.count == 4 && cef.allSatisfy { $0.event?.severity == .low })
    }

    @Test("ArcSight event from test-syslog.json: empty device version, leading space, \\= escapes", .enabled(if: corpusAvailable))
    func arcsight() throws {
        let json = try JSONSerialization.jsonObject(with: corpusData("cef/elastic-integrations/test-syslog.json"))
        let doc = try #require(((json as? [String: Any])?["events"] as? [[String: Any]])?.first)
        let original = try #require(string(doc, "event.original") ?? string(doc, "message"))
        let e = try event(.cef, original)
        #expect(e.signatureID == string(doc, "cef.device.event_class_id"))
        #expect(e.signature == string(doc, "cef.name"))
        #expect(e.severity == .low && e.vendorSeverity == "Low")
        #expect(e.sensor == string(doc, "cef.extensions.deviceHostName"))
        #expect(e.message == string(doc, "cef.extensions.message") && e.action == "Started")
        #expect(e.destinationHostname == "centos7")
        #expect(e.customFields == [CustomField(label: "Module", value: "systemd"), CustomField(label: "Facility", value: "daemon")])
        #expect(abs((e.timestamp ?? 0) - (epoch(iso: string(doc, "cef.extensions.deviceReceiptTime") ?? "") ?? -1)) < 0.001)
    }

    /// A valid CEF record behind a malformed syslog PRI is kept; the header's date and host
    /// are still read when the rest of the envelope parses.
    @Test(arguments: ["<192>", "<99999>", "<>", "<x1>", "<-3>"])
    func aMalformedPRIDoesNotLoseAValidRecord(pri: String) throws {
        let record = "CEF:0|Example|NGFW|9.1|4001|Blocked outbound connection|8|src=10.4.0.9 dst=203.0.113.13 dpt=443"
        for parser in [SyslogParser(options: testOptions) as any LineParser, CEFParser(options: testOptions)] {
            var parser = parser
            let result = parse(&parser, Array((pri + "Nov 20 21:40:00 fw-sendai " + record).utf8))
            let event = try #require(result.event, "\(pri): \(result)")
            #expect(event.kind == .detection)
            #expect(event.signatureID == "4001")
            #expect(event.sensor == "fw-sendai")
            #expect(event.timestamp == Timestamps.epoch(year: 2018, month: 11, day: 20, hour: 21, minute: 40, second: 0).map(Double.init))
            // A broken envelope with a valid record: the record is kept without it.
            let bare = parse(&parser, Array((pri + "garbage " + record).utf8))
            #expect(bare.event?.signatureID == "4001", "\(pri): \(bare)")
        }
        // The record decides: an invalid one behind a malformed PRI is still invalid.
        var cef = CEFParser(options: testOptions)
        #expect(parse(&cef, Array((pri + "Nov 20 21:40:00 fw CEF:0|broken").utf8)).invalidReason != nil)
    }

    @Test func headerAndExtensionEscapes() throws {
        let line = #"CEF:0|Ven\|dor|Pro\\duct|1.0|sig-1|Name with \| pipe|7|src=10.0.0.1 spt=1234 dst=2001:db8::2 dpt=443 proto=TCP msg=a b\=c \\ d\nnext cs1Label=Rule cs1=A | B | C cn2=42 cn2Label=Count fname=C:\\Users\\x.exe act=blocked rt=1543270652000 dvchost=fw1 request=http://h/p?q\=1 requestClientApplication=curl/8 shost=ws1 smac=00-50-56-8E-C0-90 cat=Malware"#
        let e = try event(.cef, line)
        #expect(e.program == "Ven|dor Pro\\duct")
        #expect(e.signatureID == "sig-1" && e.signature == "Name with | pipe")
        #expect(e.vendorSeverity == "7" && e.severity == .high)
        #expect(e.sourceIP == IPAddress("10.0.0.1") && e.sourcePort == 1234)
        #expect(e.destinationIP == IPAddress("2001:db8::2") && e.destinationPort == 443 && e.transport == "tcp")
        #expect(e.message == "a b=c \\ d\nnext")
        #expect(e.customFields == [CustomField(label: "Rule", value: "A | B | C"), CustomField(label: "Count", value: "42")])
        #expect(e.fileName == "C:\\Users\\x.exe" && e.action == "blocked" && e.category == "Malware")
        #expect(e.timestamp == 1_543_270_652 && e.sensor == "fw1")
        #expect(e.url == "http://h/p?q=1" && e.userAgent == "curl/8" && e.sourceHostname == "ws1")
        #expect(e.sourceMAC == "00-50-56-8E-C0-90")
    }

    @Test("severity words and numbers", arguments: [
        ("0", Severity.informational), ("3", .low), ("5", .medium), ("8", .high), ("10", .critical),
        ("Low", .low), ("Medium", .medium), ("High", .high), ("Very-High", .critical), ("very-high", .critical),
        ("Unknown", .informational), ("11", .critical),
    ])
    func severities(text: String, want: Severity) throws {
        let e = try event(.cef, "CEF:0|V|P|1|1|N|\(text)|src=1.2.3.4")
        #expect(e.severity == want && e.vendorSeverity == text)
    }

    @Test func afterSyslogHeaders() throws {
        let bsd = try event(.cef, "<134>Feb 14 19:04:54 fw-a CEF:0|V|P|1|100|Blocked|5|src=10.0.0.1 dst=10.0.0.2")
        #expect(bsd.sensor == "fw-a" && bsd.timestamp == 1_518_635_094 && bsd.signatureID == "100")
        let r5424 = try event(.syslog, "<134>1 2026-03-01T10:00:00.5+01:00 fw-b cef - - - CEF:0|V|P|1|7|X|9|dvchost=inner msg=hi")
        #expect(r5424.kind == .detection && r5424.sensor == "inner" && r5424.timestamp == 1_772_355_600.5)
        #expect(r5424.message == "hi")
        let tagged = try event(.syslog, "Mar  1 10:00:00 fw-c cefd[12]: CEF:0|V|P|1|8|Y|2|")
        #expect(tagged.kind == .detection && tagged.sensor == "fw-c" && tagged.severity == .low)
    }

    @Test func invalidCEF() {
        #expect(parseOne(.cef, "CEF:0|only|three").invalidReason?.contains("7") == true)
        #expect(parseOne(.cef, "hello world").invalidReason?.contains("CEF") == true)
        #expect(parseOne(.cef, "CEF:x|V|P|1|1|N|1|").invalidReason != nil)
        // Ports out of range are dropped, not trapped on.
        let e = parseOne(.cef, "CEF:0|V|P|1|1|N|1|spt=65536 dpt=99999999999999999999999999 src=300.1.1.1").event
        #expect(e != nil && e?.sourcePort == nil && e?.destinationPort == nil && e?.sourceIP == nil)
    }
}
