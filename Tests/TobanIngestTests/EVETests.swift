import Foundation
import Testing
import TobanCore
@testable import TobanIngest
import TobanTestSupport

@Suite("Suricata EVE")
struct EVETests {
    static let expectedFiles = [
        "suricata-eve/elastic-integrations/test-eve-small.log",
        "suricata-eve/elastic-integrations/test-eve-6-0.log",
        "suricata-eve/elastic-integrations/test-eve-metadata.log",
        "suricata-eve/elastic-integrations/test-eve-tls-empty-issuerdn.log",
        "suricata-eve/elastic-integrations/test-eve-tls-empty-subject.log",
    ]

    @Test("corpus lines match the peer's expected documents", .enabled(if: corpusAvailable),
          arguments: expectedFiles)
    func corpusExpected(file: String) throws {
        var parser = EVEParser(options: testOptions)
        let results = parseAll(&parser, try corpusData(file))
        let docs = try expectedDocs(file + "-expected.json")
        var compared = 0
        for (line, result) in results {
            // Pair by event.original (the expected file may hold docs for lines we do not have).
            guard let doc = docs.first(where: { string($0, "event.original") == line.text }) else { continue }
            let e = try #require(result.event, "\(file)@\(line.offset): \(result)")
            let what = "\(file)@\(line.offset)"
            expectCommon(doc, e, what)
            let kind = string(doc, "event.kind")
            switch e.kind {
            case .detection: #expect(kind == "alert", "\(what): kind")
            case .health: #expect(kind == "metric", "\(what): kind")
            case .context: #expect(kind == "event", "\(what): kind")
            }
            #expect(e.signatureID == string(doc, "rule.id"), "\(what): rule.id")
            #expect(e.signature == string(doc, "rule.name"), "\(what): rule.name")
            #expect(e.category == string(doc, "rule.category"), "\(what): rule.category")
            #expect(e.vendorSeverity == string(doc, "event.severity"), "\(what): severity")
            if let sev = int(doc, "event.severity") {
                #expect(e.severity == Severity.fromSuricata(priority: sev))
            }
            if let sni = string(doc, "tls.client.server_name") {
                // The peer strips a trailing root dot; we keep the SNI exactly as sent.
                var got = e.tlsSNI ?? ""
                if got.hasSuffix(".") { got.removeLast() }
                #expect(got == sni, "\(what): sni")
            }
            if let url = string(doc, "url.original") { #expect(e.url == url, "\(what): url") }
            if let ua = string(doc, "user_agent.original") { #expect(e.userAgent == ua, "\(what): ua") }
            if let mac = string(doc, "source.mac") { #expect(normalisedMAC(e.sourceMAC) == normalisedMAC(mac), "\(what): mac") }
            compared += 1
        }
        #expect(compared == results.count, "every input line of \(file) has an expected document")
        #expect(compared > 0)
    }

    @Test("eve-small event kinds, stats health and evidence", .enabled(if: corpusAvailable))
    func eveSmallDetails() throws {
        var parser = EVEParser(options: testOptions)
        let events = parseAll(&parser, try corpusData("suricata-eve/elastic-integrations/test-eve-small.log")).compactMap { $0.1.event }
        #expect(events.count == 12)
        #expect(events.map(\.kind) == [
            .context(.ssh), .detection, .context(.http), .context(.fileinfo), .context(.dns), .health(.stats),
            .context(.tls), .context(.flow), .context(.http), .context(.tls), .context(.http), .context(.tls),
        ])
        let stats = events[5]
        #expect(stats.sourceIP == nil && stats.packets != nil && stats.drops != nil)
        #expect(events[4].dnsQuery == "clients.l.google.com" || events[4].dnsQuery?.hasSuffix("google.com") == true)
        #expect(events[3].fileName == "/ssdp/device-desc.xml")
        // Escaped slashes decode.
        #expect(events.allSatisfy { !($0.url ?? "").contains("\\/") })
        #expect(events[7].sourceIP == IPAddress("fe80::fada:cff:fedc:87f1"))
    }

    @Test("beats alerts and DNS v1/v2 samples all parse", .enabled(if: corpusAvailable))
    func otherCorpusFiles() throws {
        var parser = EVEParser(options: testOptions)
        let alerts = parseAll(&parser, try corpusData("suricata-eve/elastic-beats/eve-alerts.log")).map(\.1)
        #expect(alerts.count == 20)
        let events = alerts.compactMap(\.event)
        #expect(events.count == 20 && events.allSatisfy { $0.kind == .detection })
        #expect(events.filter { $0.signatureID == "2013028" }.count == 6)
        #expect(events.filter { $0.signatureID == "2013504" }.count == 14)
        #expect(events.filter { $0.signatureID == "2013504" }.allSatisfy { $0.severity == .low && $0.vendorSeverity == "3" })
        #expect(events.allSatisfy { $0.flowID != nil && $0.userAgent != nil })

        let dns = parseAll(&parser, try corpusData("suricata-eve/elastic-integrations/test-eve-dns-4-1-4.log")).map(\.1)
        #expect(dns.count == 24)
        #expect(dns.allSatisfy { $0.event?.kind == .context(.dns) && $0.event?.dnsQuery?.isEmpty == false })

        let beats = parseAll(&parser, try corpusData("suricata-eve/elastic-beats/eve.json")).map(\.1)
        #expect(beats.count == 8 && beats.allSatisfy { $0.event != nil })
    }

    @Test func alertFields() throws {
        let line = #"{"timestamp":"2026-11-20T09:00:00.250000+0900","flow_id":18446744073709551615,"in_iface":"eth0","event_type":"alert","src_ip":"10.0.0.5","src_port":51000,"dest_ip":"2001:db8::1","dest_port":443,"proto":"TCP","ether":{"src_mac":"00:11:22:33:44:55"},"alert":{"action":"allowed","gid":1,"signature_id":2030358,"rev":2,"signature":"ET TROJAN Cobalt Strike Beacon Observed","category":"A Network Trojan was detected","severity":1,"metadata":{"signature_severity":["Critical"],"other":[]}},"http":{"hostname":"evil.example","url":"\/a?b=c","http_user_agent":"x\"y"},"host":"sensor-1"}"#
        let e = try event(.suricataEVE, line)
        #expect(e.kind == .detection)
        #expect(e.timestamp == 1_795_132_800.25)
        #expect(e.sensor == "sensor-1")
        #expect(e.flowID == "18446744073709551615")
        #expect(e.sourceIP == IPAddress("10.0.0.5") && e.destinationIP == IPAddress("2001:db8::1"))
        #expect(e.sourcePort == 51000 && e.destinationPort == 443 && e.transport == "tcp")
        #expect(e.signatureID == "2030358" && e.signature == "ET TROJAN Cobalt Strike Beacon Observed")
        #expect(e.category == "A Network Trojan was detected")
        #expect(e.vendorSeverity == "1" && e.severity == .high && e.signatureSeverity == "Critical")
        #expect(e.action == "allowed" && e.sourceMAC == "00:11:22:33:44:55")
        #expect(e.httpHost == "evil.example" && e.url == "/a?b=c" && e.userAgent == "x\"y")
    }

    /// Alert after alert of one signature, the parser hands back one string for its name
    /// and category (the same storage), yet every name reads exactly as its line gave it:
    /// many distinct names sharing the interner's few slots, escapes, short names.
    @Test func repeatedSignatureNamesShareOneString() throws {
        func alert(_ signature: String, category: String = "A Network Trojan was detected") -> [UInt8] {
            Array(#"{"event_type":"alert","src_ip":"10.0.0.5","dest_ip":"10.0.0.6","alert":{"signature_id":1,"signature":"\#(signature)","category":"\#(category)","severity":2}}"#.utf8)
        }
        func parsed(_ parser: inout EVEParser, _ line: [UInt8]) throws -> ParsedEvent {
            try #require(line.withUnsafeBufferPointer { parser.parse($0) }.event)
        }
        func storage(_ s: String?) -> UnsafePointer<UInt8>? { s?.withUTF8Bytes { $0.baseAddress } }

        var parser = EVEParser(options: testOptions)
        let first = try parsed(&parser, alert("ET TROJAN Cobalt Strike Beacon Observed"))
        let second = try parsed(&parser, alert("ET TROJAN Cobalt Strike Beacon Observed"))
        #expect(second.signature == "ET TROJAN Cobalt Strike Beacon Observed")
        #expect(storage(first.signature) == storage(second.signature))
        #expect(storage(first.category) == storage(second.category))

        // More distinct names than slots, twice over: each reads as its own line's.
        let names = (0 ..< 3 * StringInterner.slotCount).map { "ET POLICY signature number \($0) seen" }
        for round in 0 ..< 2 {
            for name in names {
                let e = try parsed(&parser, alert(name, category: "category for \(name)"))
                #expect(e.signature == name && e.category == "category for \(name)", "round \(round)")
            }
        }
        #expect(try parsed(&parser, alert(#"ET \"quoted\" \u00e9 name, long enough"#)).signature == "ET \"quoted\" é name, long enough")
        #expect(try parsed(&parser, alert("short")).signature == "short")
        #expect(try parsed(&parser, alert("")).signature == nil)
    }

    @Test func ipv6FormsAndZones() throws {
        let e = try event(.suricataEVE, #"{"event_type":"flow","src_ip":"fe80:0000:0000:0000:fada:0cff:fedc:87f1","dest_ip":"fe80::1%eth0","proto":"IPv6-ICMP"}"#)
        #expect(e.sourceIP == IPAddress("fe80::fada:cff:fedc:87f1"))
        #expect(e.destinationIP == IPAddress("fe80::1"))
        #expect(e.transport == "ipv6-icmp")
        let bad = try event(.suricataEVE, #"{"event_type":"flow","src_ip":"10.0.0.1%x","dest_ip":"::ffff:10.0.0.300"}"#)
        #expect(bad.sourceIP == IPAddress("10.0.0.1") && bad.destinationIP == nil)
    }

    @Test func anomalyIsLowDetection() throws {
        let e = try event(.suricataEVE, #"{"timestamp":"2026-01-01T00:00:00Z","event_type":"anomaly","src_ip":"10.0.0.1","src_port":1,"dest_ip":"10.0.0.2","dest_port":2,"proto":"UDP","anomaly":{"type":"stream","event":"stream.pkt_invalid_timestamp"}}"#)
        #expect(e.kind == .detection && e.severity == .low)
        #expect(e.signature == "stream.pkt_invalid_timestamp")
        #expect(e.category == "anomaly: stream")
        let typeOnly = try event(.suricataEVE, #"{"timestamp":"2026-01-01T00:00:00Z","event_type":"anomaly","anomaly":{"type":"decode"}}"#)
        #expect(typeOnly.signature == "decode")
    }

    @Test func dnsVersion2AndContextKinds() throws {
        let v2 = try event(.suricataEVE, #"{"timestamp":"2026-01-01T00:00:00Z","event_type":"dns","dns":{"version":2,"type":"request","queries":[{"rrname":"a.example","rrtype":"A"},{"rrname":"b.example"}]}}"#)
        #expect(v2.kind == .context(.dns) && v2.dnsQuery == "a.example")
        let smtp = try event(.suricataEVE, #"{"timestamp":"2026-01-01T00:00:00Z","event_type":"smtp","smtp":{"helo":"x","mail_from":"<a@b.c>","rcpt_to":["<d@e.f>","<g@h.i>"]},"email":{"status":"PARSE_DONE","subject":"hello"}}"#)
        #expect(smtp.kind == .context(.smtp) && smtp.mailFrom == "<a@b.c>" && smtp.mailTo == "<d@e.f>, <g@h.i>" && smtp.mailSubject == "hello")
        let other = try event(.suricataEVE, #"{"timestamp":"2026-01-01T00:00:00Z","event_type":"quic","quic":{"version":1}}"#)
        #expect(other.kind == .context(.other))
        let file = try event(.suricataEVE, #"{"timestamp":"2026-01-01T00:00:00Z","event_type":"fileinfo","fileinfo":{"filename":"a.exe","md5":"m","sha256":"s"}}"#)
        #expect(file.fileName == "a.exe" && file.fileHash == "s")
        let stats = try event(.suricataEVE, #"{"timestamp":"2026-01-01T00:00:00Z","event_type":"stats","stats":{"uptime":5,"capture":{"kernel_packets":1000,"kernel_drops":7}}}"#)
        #expect(stats.kind == .health(.stats) && stats.packets == 1000 && stats.drops == 7)
    }

    @Test func recordsWithoutEventTypeOrWithBadValues() {
        #expect(parseOne(.suricataEVE, #"{"timestamp":"2026-01-01T00:00:00Z"}"#).invalidReason?.contains("event_type") == true)
        let badTime = parseOne(.suricataEVE, #"{"timestamp":"yesterday","event_type":"alert","alert":{"signature_id":1}}"#).event
        #expect(badTime != nil && badTime?.timestamp == nil && badTime?.signatureID == "1")
        // Out-of-range and non-integer ports are dropped, the event is kept.
        let e = parseOne(.suricataEVE, #"{"event_type":"flow","src_port":70000,"dest_port":99999999999999999999999,"src_ip":"999.1.1.1"}"#).event
        #expect(e != nil && e?.sourcePort == nil && e?.destinationPort == nil && e?.sourceIP == nil)
    }

    @Test("gen_eve style lines parse", arguments: [
        #"{"timestamp":"2026-11-20T00:00:00.037000+0900","flow_id":251345555427421,"in_iface":"eth0","host":"sensor-nagoya-0","event_type":"dns","src_ip":"10.3.0.63","src_port":38081,"dest_ip":"10.3.0.1","dest_port":53,"proto":"UDP","dns":{"type":"query","id":8108,"rrname":"host9456.example.org","rrtype":"A","tx_id":0}}"#,
    ])
    func generated(line: String) throws {
        let e = try event(.suricataEVE, line)
        #expect(e.dnsQuery == "host9456.example.org" && e.sensor == "sensor-nagoya-0" && e.transport == "udp")
        #expect(abs((e.timestamp ?? 0) - 1_795_100_400.037) < 1e-6)
    }
}
