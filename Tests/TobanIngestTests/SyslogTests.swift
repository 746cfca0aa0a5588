import Foundation
import Testing
import TobanCore
@testable import TobanIngest
import TobanTestSupport

@Suite("Syslog")
struct SyslogTests {
    @Test("darwin sample: message starts, hosts, programs, year supplied", .enabled(if: corpusAvailable))
    func darwin() throws {
        var p = SyslogParser(options: testOptions) // year 2018, UTC, like the peer
        let results = parseAll(&p, try corpusData("syslog/elastic-beats-system/darwin-syslog-sample.log"))
        let docs = try expectedDocs("syslog/elastic-beats-system/darwin-syslog-sample.log-expected.json")
        let events = results.filter { $0.1.event != nil }
        // Continuation lines (tab-indented) are skipped; every message start is an event.
        #expect(results.allSatisfy { $0.1.event != nil || $0.1 == .skip })
        #expect(events.map(\.0.offset) == docs.compactMap { int($0, "offset") })
        for (doc, (line, result)) in zip(docs, events) {
            let e = try #require(result.event)
            let what = "darwin@\(line.offset)"
            #expect(e.kind == .context(.other))
            #expect(e.timestamp == epoch(iso: string(doc, "@timestamp") ?? ""), "\(what): time")
            #expect(e.sensor == string(doc, "system.syslog.hostname"), "\(what): host")
            #expect(e.program == string(doc, "system.syslog.program"), "\(what): program")
            #expect(e.processID == string(doc, "system.syslog.pid"), "\(what): pid")
            let firstLine = string(doc, "system.syslog.message")?.split(separator: "\n").first.map(String.init)
            #expect(e.message == firstLine, "\(what): message")
        }
    }

    @Test("suse rsyslog ISO lines", .enabled(if: corpusAvailable))
    func suse() throws {
        var p = SyslogParser(options: testOptions)
        let results = parseAll(&p, try corpusData("syslog/elastic-beats-system/suse-syslog.log"))
        let docs = try expectedDocs("syslog/elastic-beats-system/suse-syslog.log-expected.json")
        #expect(results.count == docs.count)
        for (doc, (line, result)) in zip(docs, results) {
            let e = try #require(result.event)
            #expect(int(doc, "log.offset") == line.offset)
            #expect(e.sensor == string(doc, "host.hostname"))
            #expect(e.program == string(doc, "process.name"))
            #expect(e.processID == string(doc, "process.pid"))
            #expect(e.message == string(doc, "message"))
        }
        let first = try #require(results.first?.1.event)
        #expect(abs((first.timestamp ?? 0) - 1_534_249_802.203151) < 1e-6)
    }

    @Test("PAN-OS 3164 header interpreted in a configured zone", .enabled(if: corpusAvailable))
    func panw() throws {
        let opts = ParserOptions(syslogYear: 2018, localUTCOffsetSeconds: 9 * 3600 + 1800)
        var p = SyslogParser(options: opts)
        let results = parseAll(&p, try corpusData("syslog/elastic-integrations-panw/test-panw-panos-threat-url-no-xff-sample.log"))
        let doc = try #require(try expectedDocs("syslog/elastic-integrations-panw/test-panw-panos-threat-url-no-xff-sample.log-expected.json").first)
        let e = try #require(results.first?.1.event)
        #expect(e.timestamp == epoch(iso: try #require(string(doc, "@timestamp"))))
        #expect(e.sensor == string(doc, "observer.hostname"))
        #expect(e.program == nil && e.message?.hasPrefix("1,2018/11/30 16:44:36,012801096514,THREAT,url") == true)
    }

    @Test("Check Point RFC 5424 with vendor pseudo structured data", .enabled(if: corpusAvailable))
    func checkpoint() throws {
        var p = SyslogParser(options: testOptions)
        let results = parseAll(&p, try corpusData("syslog/elastic-integrations-checkpoint/test-checkpoint-cme.log"))
        let docs = try expectedDocs("syslog/elastic-integrations-checkpoint/test-checkpoint-cme.log-expected.json")
        #expect(results.count == 3 && docs.count == 3)
        for (doc, (line, result)) in zip(docs, results) {
            #expect(string(doc, "event.original") == line.text)
            let e = try #require(result.event)
            #expect(e.timestamp == epoch(iso: string(doc, "@timestamp") ?? ""))
            #expect(e.sensor == "firewall-host" && e.program == "CheckPoint")
            #expect(e.customFields.first { $0.label == "origin" }?.value == string(doc, "observer.name"))
            #expect(e.customFields.first { $0.label == "loguid" }?.value == string(doc, "event.id"))
            #expect(e.severity == .informational) // PRI 134 = local0.info
        }
    }

    @Test("tenzir RFC 5424 variants", .enabled(if: corpusAvailable))
    func tenzir() throws {
        var p = SyslogParser(options: testOptions)
        let events = parseAll(&p, try corpusData("syslog/tenzir/syslog.log")).compactMap(\.1.event)
        #expect(events.count == 13)
        #expect(events[0].customFields.contains(CustomField(label: "exampleSDID@32473.eventSource", value: "App]lication")))
        #expect(events[0].message == "BOM'su root' failed for lonvick on /dev/pts/8")
        #expect(events[0].sensor == "mymachineexamplecom" && events[0].program == "su" && events[0].processID == "asd")
        #expect(events[2].timestamp == nil && events[2].sensor == "192.0.2.1" && events[2].processID == "8710")
        #expect(events[3].customFields.contains(CustomField(label: "exampleSDID@32473.eventSource", value: "Applic\"ation")))
        #expect(events[4].customFields.contains(CustomField(label: "exampleSDID@32473.eventSource", value: "Applic\\ation")))
        #expect(events[4].customFields.contains(CustomField(label: "examplePriority@32473.class", value: "high")))
        #expect(events[4].message == nil)
        #expect(events[6].program == "rsyslogd" && events[6].message == "  [origin software=\"rsyslogd\" swVersion=\"8.32.0\" x-pid=\"20134\" x-info=\"http://www.rsyslog.com\"] start")
        #expect(events[7].program == "polkitd(authority=local)")
    }

    @Test("dynatrace framing samples", .enabled(if: corpusAvailable))
    func framing() throws {
        func one(_ f: String) throws -> ParsedEvent {
            var p = SyslogParser(options: ParserOptions(syslogYear: 2026))
            let r = parseAll(&p, try corpusData("syslog/dynatrace-otel-collector/" + f))
            #expect(r.count == 1)
            return try #require(r.first?.1.event, "\(f): \(String(describing: r.first?.1))")
        }
        let octet = try one("rfc6587-octet-counting")
        #expect(octet.sensor == "192.168.2.132" && octet.program == "SecureAuth0" && octet.processID == "23108")
        #expect(octet.message == "Found the user for retrieving user's profile")
        #expect(octet.timestamp == 1_438_811_939.693)
        #expect(octet.customFields.contains(CustomField(label: "SecureAuth@27389.UserID", value: "Tester2")))
        let space = try one("rfc6587-octet-counting-preserve-space")
        #expect(space.message == " partition is p2 ")
        let nul = try one("rfc6587-non-transparent-framing")
        #expect(nul.message == "Found the user for retrieving user's profile")
        let bsd = try one("RFC3164")
        #expect(bsd.sensor == "1.2.3.4" && bsd.program == "apache_server" && bsd.message == "test message")
        #expect(bsd.severity == .critical) // PRI 34 = auth.crit
        #expect(bsd.timestamp == epoch(iso: "2026-02-04T11:14:27Z"))
        let nopri = try one("rfc3164-skip-pri-absent")
        #expect(nopri.sensor != nil && nopri.message != nil)
        #expect(try one("RFC5424").program == "SecureAuth0")
        #expect(try one("rfc5424-skip-pri-present").sensor == "192.168.2.132")
    }

    @Test("tz-offset spellings", .enabled(if: corpusAvailable))
    func tzOffset() throws {
        var p = SyslogParser(options: testOptions)
        let e = parseAll(&p, try corpusData("syslog/elastic-beats-system/tz-offset.log")).compactMap(\.1.event)
        #expect(e.count == 3)
        #expect(e[0].timestamp == epoch(iso: "1986-04-26T01:23:45.101+04:00"))
        #expect(abs((e[1].timestamp ?? 0) - 514_848_225.388424) < 1e-6)
        #expect(abs((e[2].timestamp ?? 0) - (epoch(iso: "2019-06-14T10:40:20Z") ?? 0) - 0.912134) < 1e-6) // no zone → configured UTC
        #expect(e.map(\.program) == ["shutdown", "thermald", "sudo"])
    }

    @Test func rfc3164Synthetic() throws {
        let opts = ParserOptions(syslogYear: 2024, localUTCOffsetSeconds: -5 * 3600)
        var p = SyslogParser(options: opts)
        let leap = try #require(parse(&p, "<13>Feb 29 23:59:59 host-1 sshd[77]: Accepted key").event)
        #expect(leap.timestamp == epoch(iso: "2024-03-01T04:59:59Z"))
        #expect(leap.sensor == "host-1" && leap.program == "sshd" && leap.processID == "77" && leap.message == "Accepted key")
        #expect(leap.severity == .low) // PRI 13 = user.notice
        let repeated = try #require(parse(&p, "Apr 4 03:39:57 --- last message repeated 1 time ---").event)
        #expect(repeated.sensor == nil && repeated.program == nil && repeated.message == "--- last message repeated 1 time ---")
        let noHeader = try #require(parse(&p, "just some text").event)
        #expect(noHeader.timestamp == nil && noHeader.message == "just some text")
        #expect(parse(&p, "\tcontinuation") == .skip)
        #expect(parse(&p, "<999>Jan  1 00:00:00 h x: y").invalidReason?.contains("PRI") == true)
        #expect(parse(&p, "20 <13>1 - h a - - - too short").invalidReason?.contains("octet count") == true)
        #expect(parse(&p, "<13>1 - h a - - [unterminated x=\"y\"").invalidReason?.contains("structured data") == true)
    }
}

/// RFC 3164 and CEF dates carry no zone: a source's `timezone` says which, with the offset
/// in force on that date (so New York is −5 h in January and −4 h in July).
@Suite("Zone-less dates")
struct ZonelessDateTests {
    /// The time `parser` gives `line` (nil when it is no event).
    func time(_ line: String, by parser: inout some LineParser) -> Double? {
        guard case .event(let e) = Array(line.utf8).withUnsafeBufferPointer({ parser.parse($0) }) else { return nil }
        return e.timestamp
    }

    func syslogTime(_ line: String, zone: String?) -> Double? {
        var options = ParserOptions(syslogYear: 2026, localUTCOffsetSeconds: 0)
        options.localTimeZone = zone.flatMap(TimeZone.init(identifier:))
        var parser = SyslogParser(options: options)
        return time(line, by: &parser)
    }

    func utc(_ iso: String) -> Double { ISO8601DateFormatter().date(from: iso)!.timeIntervalSince1970 }

    @Test func syslogDatesFollowTheSourceZone() {
        let line = "<13>Jan 15 09:00:00 fw01 kernel: drop"
        #expect(syslogTime(line, zone: nil) == utc("2026-01-15T09:00:00Z"))
        #expect(syslogTime(line, zone: "Asia/Tokyo") == utc("2026-01-15T00:00:00Z"))
        #expect(syslogTime(line, zone: "America/New_York") == utc("2026-01-15T14:00:00Z"))
        #expect(syslogTime("<13>Jul 15 09:00:00 fw01 kernel: drop", zone: "America/New_York") == utc("2026-07-15T13:00:00Z"))
        #expect(syslogTime("<13>Jul 15 09:00:00 fw01 kernel: drop", zone: "Asia/Kathmandu") == utc("2026-07-15T03:15:00Z"))
    }

    /// RFC 5424 / ISO dates without a zone follow the source zone per date too; with a
    /// zone, the zone written wins.
    @Test func zonelessISODatesFollowTheSourceZone() {
        let winter = "<13>1 2026-01-15T09:00:00.250 fw01 app - - - drop"
        let summer = "<13>1 2026-07-15T09:00:00 fw01 app - - - drop"
        #expect(syslogTime(winter, zone: "America/New_York") == utc("2026-01-15T14:00:00Z") + 0.25)
        #expect(syslogTime(summer, zone: "America/New_York") == utc("2026-07-15T13:00:00Z"))
        #expect(syslogTime(summer, zone: nil) == utc("2026-07-15T09:00:00Z"))
        #expect(syslogTime("<13>1 2026-07-15T09:00:00+09:00 fw01 app - - - drop", zone: "America/New_York") == utc("2026-07-15T00:00:00Z"))
        #expect(syslogTime("<13>2026-07-15T09:00:00 fw01 kernel: drop", zone: "America/New_York") == utc("2026-07-15T13:00:00Z"))
    }

    /// EVE writes a zone; one without it follows the source zone like the other formats.
    @Test func zonelessEVEDatesFollowTheSourceZone() {
        func eveTime(_ ts: String, zone: String?) -> Double? {
            var options = ParserOptions(syslogYear: 2026, localUTCOffsetSeconds: 0)
            options.localTimeZone = zone.flatMap(TimeZone.init(identifier:))
            var parser = EVEParser(options: options)
            return time(#"{"timestamp":"\#(ts)","event_type":"alert","src_ip":"10.0.0.5","dest_ip":"203.0.113.9","alert":{"signature_id":1,"signature":"x","severity":2}}"#,
                        by: &parser)
        }
        #expect(eveTime("2026-07-15T09:00:00.000000", zone: "America/New_York") == utc("2026-07-15T13:00:00Z"))
        #expect(eveTime("2026-01-15T09:00:00.000000", zone: "America/New_York") == utc("2026-01-15T14:00:00Z"))
        #expect(eveTime("2026-07-15T09:00:00.000000+0900", zone: "America/New_York") == utc("2026-07-15T00:00:00Z"))
        #expect(eveTime("2026-07-15T09:00:00.000000", zone: nil) == utc("2026-07-15T09:00:00Z"))
    }

    @Test func cefDatesFollowTheSourceZone() {
        var options = ParserOptions(syslogYear: 2026, localUTCOffsetSeconds: 0)
        options.localTimeZone = TimeZone(identifier: "Asia/Tokyo")
        var parser = CEFParser(options: options)
        let line = "CEF:0|Vendor|NDR|1.0|100|Beacon|8|src=10.0.0.5 dst=203.0.113.9 rt=Nov 22 2026 09:30:00"
        let result = Array(line.utf8).withUnsafeBufferPointer { parser.parse($0) }
        guard case .event(let e) = result else { Issue.record("not parsed: \(result)"); return }
        #expect(e.timestamp == utc("2026-11-22T00:30:00Z"))
    }

    /// Dates without a year follow the stream: a followed file crosses New Year into the
    /// next year, and its first date is not read more than a month after it was opened.
    @Test func yearlessDatesCrossNewYear() {
        func times(_ lines: [String], year: Int, openedAt opened: String) -> [Double?] {
            var options = ParserOptions(syslogYear: year, localUTCOffsetSeconds: 0)
            options.yearReference = utc(opened)
            var parser = SyslogParser(options: options)
            return lines.map { time($0, by: &parser) }
        }
        // Followed from New Year's Eve into January.
        let crossing = times(["<13>Dec 31 23:59:58 fw01 kernel: a", "<13>Jan  1 00:00:03 fw01 kernel: b", "<13>Mar  3 10:00:00 fw01 kernel: c"],
                             year: 2026, openedAt: "2026-12-31T23:00:00Z")
        #expect(crossing == [utc("2026-12-31T23:59:58Z"), utc("2027-01-01T00:00:03Z"), utc("2027-03-03T10:00:00Z")])
        // December's file read on 2 January: last year's.
        let late = times(["<13>Dec 30 08:00:00 fw01 kernel: a", "<13>Jan  2 07:00:00 fw01 kernel: b"], year: 2027, openedAt: "2027-01-02T09:00:00Z")
        #expect(late == [utc("2026-12-30T08:00:00Z"), utc("2027-01-02T07:00:00Z")])
        // Without a reference (the parser alone), the configured year.
        #expect(syslogTime("<13>Dec 31 23:59:58 fw01 kernel: a", zone: nil) == utc("2026-12-31T23:59:58Z"))
    }

    /// A date that carries its year (CEF `rt=MMM dd yyyy …`) is read as written and moves
    /// nothing: the yearless dates after it keep the stream's year.
    @Test func aDateWithItsOwnYearMovesNothing() {
        var options = ParserOptions(syslogYear: 2026, localUTCOffsetSeconds: 0)
        options.yearReference = utc("2026-11-22T00:00:00Z")
        var parser = CEFParser(options: options)
        func time(_ line: String) -> Double? { self.time(line, by: &parser) }
        #expect(time("CEF:0|V|NDR|1.0|100|Old|8|src=10.0.0.5 rt=Mar 05 2020 10:00:00") == utc("2020-03-05T10:00:00Z"))
        #expect(time("<13>Nov 22 09:30:00 fw01 CEF:0|V|NDR|1.0|101|New|8|src=10.0.0.5") == utc("2026-11-22T09:30:00Z"))
        #expect(time("CEF:0|V|NDR|1.0|102|Yearless|8|src=10.0.0.5 rt=Nov 22 09:31:00") == utc("2026-11-22T09:31:00Z"))
        // Nor does it stand in for the stream's first yearless date: December read on
        // 2 January is still last year's after an old dated record.
        var january = ParserOptions(syslogYear: 2027, localUTCOffsetSeconds: 0)
        january.yearReference = utc("2027-01-02T09:00:00Z")
        parser = CEFParser(options: january)
        #expect(time("CEF:0|V|NDR|1.0|100|Old|8|src=10.0.0.5 rt=Mar 05 2020 10:00:00") == utc("2020-03-05T10:00:00Z"))
        #expect(time("CEF:0|V|NDR|1.0|103|December|8|src=10.0.0.5 rt=Dec 30 08:00:00") == utc("2026-12-30T08:00:00Z"))
    }
}
