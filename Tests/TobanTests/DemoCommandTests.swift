import Foundation
import Testing
import TobanTestSupport

/// The README's demo command, without a terminal: the sample logs are replayed into a
/// scratch store and the top of the queue is printed, with log text neutralised.
@Suite struct DemoCommandTests {
    @Test func demoIngestsTheSampleStoryAndPrintsTheQueueSafely() throws {
        let temporary = TemporaryDirectory()
        let scratch = temporary.url.appendingPathComponent("demo")
        let r = try TobanBinary.run(["demo", "--no-console", "--dir", scratch.path], in: TobanBinary.packageRoot)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.lines
        #expect(lines.first?.hasPrefix("demo: ") == true)
        #expect(lines.first?.contains("(1 quarantined)") == true)
        // Events and the rows they fold into are both named, and the rows are fewer.
        let counts = (lines.first ?? "").split(separator: " ").compactMap { Int($0) }
        #expect(counts.count >= 3 && counts[2] < counts[1], "\(lines.first ?? "")")
        #expect(lines.first?.contains("detection events in") == true && lines.first?.contains("queue rows") == true)
        // Cobalt Strike on acme's AD server is the top of the queue, ★★★, in the customer's own name.
        #expect(lines.dropFirst().first?.hasPrefix("P1 ★★★ 株式会社アクメ  10.0.0.10  ET TROJAN Cobalt Strike Beacon Observed") == true)
        // The hostile signature is shown with visible placeholders, never as escapes.
        #expect(!r.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || (0x80..<0xA0).contains($0.value) })
        #expect(r.stdout.contains("␛[2J"))
        // The replayed logs carry times of today, not of the sample's day.
        let eve = try String(contentsOf: scratch.appendingPathComponent("eve.json"), encoding: .utf8)
        #expect(!eve.contains("2026-11-20T21:"))
    }
}

/// `toban query`'s table prints log text to a terminal: nothing in it may act as a control.
@Suite struct QueryTableSafetyTests {
    @Test func tableOutputNeutralisesC1AndBidiFromLogs() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        let log = dir.appendingPathComponent("eve.json")
        // \u009b is a one-byte CSI on some terminals; \u202e reverses the text that follows.
        let line = #"{"timestamp":"2026-11-20T21:00:00.000000+0900","event_type":"alert","host":"sensor-acme-0","src_ip":"10.0.0.5","src_port":1,"dest_ip":"203.0.113.9","dest_port":80,"proto":"TCP","alert":{"signature_id":1,"signature":"bad \u009b2J \u202etxt.exe \u001b]0;x\u0007","category":"x","severity":1}}"#
        try (line + "\n").write(to: log, atomically: true, encoding: .utf8)
        let store = dir.appendingPathComponent("s.sqlite").path
        #expect(try TobanBinary.run(["ingest", "--once", "--store", store, log.path], in: dir).status == 0)
        let table = try TobanBinary.run(["query", "detections", "--store", store], in: dir)
        #expect(table.status == 0)
        #expect(table.stdout.contains("bad "))
        #expect(!table.stdout.unicodeScalars.contains { $0.value < 0x0A || (0x0B..<0x20).contains($0.value) || (0x7F..<0xA0).contains($0.value) || $0.value == 0x202E })
    }
}
