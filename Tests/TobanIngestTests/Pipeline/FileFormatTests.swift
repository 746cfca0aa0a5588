import Foundation
import Testing
import TobanCore
@testable import TobanIngest
import TobanTestSupport

/// A file's format belongs to the file: found from its first lines, kept with its
/// checkpoint, and not thrown off by a byte order mark, padding or a bad first line.
@Suite struct FileFormatTests {
    static let zeekHeader = zeekNoticeHeader

    static func zeekNotice(_ i: Int) -> String {
        "\(1_795_176_700 + i).000000\tC\(i)x\t192.0.2.\(i % 200 + 1)\t\(40000 + i)\t10.0.0.20\t22\ttcp\tSSH::Password_Guessing\tguess \(i)\n"
    }

    func pipeline(_ path: String, sink: MemorySink, quarantine: String? = nil) throws -> IngestPipeline {
        let acme = Customer(id: "acme", displayName: "Acme", networks: [try CIDR(parsing: "10.0.0.0/16")], sensors: ["sensor-acme-0"])
        return try IngestPipeline(sources: [SourceSettings(path: path)], directory: CustomerDirectory(customers: [acme]),
                                  rules: .default, options: IngestOptions(batchLines: 50, quarantinePath: quarantine),
                                  sink: sink, clock: ManualClock())
    }

    func append(_ text: String, to url: URL) throws {
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// A Zeek TSV log resumed after a clean restart is still Zeek TSV: its headers are read
    /// again, so every new notice is a detection, and the checkpoint names the format.
    @Test func zeekTSVResumedAfterARestartKeepsItsFormatAndHeaders() throws {
        let scratch = TemporaryDirectory(prefix: "toban-format")
        let log = scratch.url.appendingPathComponent("notice.log")
        try (Self.zeekHeader + (0..<10).map(Self.zeekNotice).joined()).write(to: log, atomically: false, encoding: .utf8)
        let sink = MemorySink()
        let first = try pipeline(log.path, sink: sink).runOnce()
        #expect(first.detections == 10)
        #expect(sink.saved.values.first?.format == .zeekTSV)

        try append((10..<25).map(Self.zeekNotice).joined(), to: log)
        let second = try pipeline(log.path, sink: sink).runOnce()
        #expect(second.lines == 15)
        #expect(second.detections == 15)
        #expect(second.quarantined == 0)
    }

    /// A checkpoint stored before formats were kept (none named) still resumes in the
    /// format of the file's start, not of the line it resumes at.
    @Test func aCheckpointWithoutFormatIsResumedInTheFormatOfTheFileStart() throws {
        let scratch = TemporaryDirectory(prefix: "toban-format")
        let log = scratch.url.appendingPathComponent("notice.log")
        try (Self.zeekHeader + (0..<5).map(Self.zeekNotice).joined()).write(to: log, atomically: false, encoding: .utf8)
        let sink = MemorySink()
        _ = try pipeline(log.path, sink: sink).runOnce()
        var batch = IngestBatch(checkpoints: sink.saved.values.map { c in
            var old = c
            old.format = nil
            return old
        })
        batch.counters = IngestCounters()
        try sink.commit(batch)
        #expect(sink.saved.values.first?.format == nil)

        try append((5..<12).map(Self.zeekNotice).joined(), to: log)
        let second = try pipeline(log.path, sink: sink).runOnce()
        #expect(second.detections == 7)
        #expect(second.quarantined == 0)
    }

    /// A byte order mark is skipped: the first record parses like the others.
    @Test func aByteOrderMarkIsSkipped() throws {
        let scratch = TemporaryDirectory(prefix: "toban-format")
        let log = scratch.url.appendingPathComponent("eve.json")
        let text = (0..<8).map { IngestPipelineTests.eveLine($0, alert: true) + "\n" }.joined()
        try (Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)).write(to: log)
        let summary = try pipeline(log.path, sink: MemorySink()).runOnce()
        #expect(summary.detections == 8)
        #expect(summary.quarantined == 0)
    }

    /// NUL padding before the first record (a crash, a preallocated file) is not content.
    @Test func nulPaddingBeforeTheFirstRecordIsSkipped() throws {
        let scratch = TemporaryDirectory(prefix: "toban-format")
        let log = scratch.url.appendingPathComponent("eve.json")
        let text = (0..<8).map { IngestPipelineTests.eveLine($0, alert: true) + "\n" }.joined()
        try (Data(repeating: 0, count: 4096) + Data(text.utf8)).write(to: log)
        let summary = try pipeline(log.path, sink: MemorySink()).runOnce()
        #expect(summary.detections == 8)
        #expect(summary.lines == 8)
    }

    /// A first line that fits no format, or looks like another one, is quarantined and
    /// counted; the file's other lines decide its format and are all read.
    @Test(arguments: ["garbage \u{1}\u{2} not a log line", "3\"}}", "Nov 20 21:00:00 host prog: a syslog-looking first line",
                      "{\"partial\":"])
    func anUnrepresentativeFirstLineIsQuarantinedAndDetectionGoesOn(first: String) throws {
        let scratch = TemporaryDirectory(prefix: "toban-format")
        let log = scratch.url.appendingPathComponent("eve.json")
        let quarantine = scratch.url.appendingPathComponent("q.jsonl").path
        let text = first + "\n" + (0..<12).map { IngestPipelineTests.eveLine($0, alert: true) + "\n" }.joined()
        try text.write(to: log, atomically: false, encoding: .utf8)
        let sink = MemorySink()
        let summary = try pipeline(log.path, sink: sink, quarantine: quarantine).runOnce()
        #expect(summary.lines == 13)
        #expect(summary.detections == 12)
        #expect(summary.quarantined == 1)
        #expect(sink.saved.values.first?.format == .suricataEVE)
    }

    /// A writer that crashed mid-record and went on: after a restart the first line read is
    /// the torn one. It is quarantined; the lines after it are read in the file's format.
    @Test func aTornTailAfterARestartLosesOnlyTheTornLine() throws {
        let scratch = TemporaryDirectory(prefix: "toban-format")
        let log = scratch.url.appendingPathComponent("eve.json")
        try (0..<5).map { IngestPipelineTests.eveLine($0, alert: true) + "\n" }.joined().write(to: log, atomically: false, encoding: .utf8)
        let sink = MemorySink()
        #expect(try pipeline(log.path, sink: sink).runOnce().detections == 5)

        let whole = IngestPipelineTests.eveLine(5, alert: true)
        let torn = String(whole.suffix(40)) + "\n"
        try append(torn + (6..<16).map { IngestPipelineTests.eveLine($0, alert: true) + "\n" }.joined(), to: log)
        let second = try pipeline(log.path, sink: sink).runOnce()
        #expect(second.lines == 11)
        #expect(second.detections == 10)
        #expect(second.quarantined == 1)
    }

    /// A file that rotates in gets its own format, not the one of the file it replaced.
    @Test func aRotatedPathsSuccessorIsDetectedAfresh() throws {
        let scratch = TemporaryDirectory(prefix: "toban-format")
        let log = scratch.url.appendingPathComponent("notice.log")
        try (Self.zeekHeader + (0..<3).map(Self.zeekNotice).joined()).write(to: log, atomically: false, encoding: .utf8)
        let sink = MemorySink()
        #expect(try pipeline(log.path, sink: sink).runOnce().detections == 3)
        try FileManager.default.removeItem(at: log)
        try (0..<4).map { IngestPipelineTests.eveLine($0, alert: true) + "\n" }.joined().write(to: log, atomically: false, encoding: .utf8)
        let second = try pipeline(log.path, sink: sink).runOnce()
        #expect(second.detections == 4)
        #expect(second.quarantined == 0)
        #expect(sink.saved.values.first?.format == .suricataEVE)
    }
}
