import Foundation
import Testing

/// The README's demo command, without a terminal: the sample logs are replayed into a
/// scratch store and the top of the queue is printed, with log text neutralised.
@Suite struct DemoCommandTests {
    @Test func demoIngestsTheSampleStoryAndPrintsTheQueueSafely() throws {
        let dir = try TobanBinary.temporaryDirectory()
        let scratch = dir.appendingPathComponent("demo")
        let r = try TobanBinary.run(["demo", "--no-console", "--dir", scratch.path], in: TobanBinary.packageRoot)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.lines
        #expect(lines.first?.hasPrefix("demo: ") == true)
        #expect(lines.first?.contains("(1 quarantined)") == true)
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
