import Foundation
import Testing
import TobanCore
@testable import TobanIngest
import TobanTestSupport

/// The quarantine file keeps every unusable line's bytes until it reaches its bound; past
/// it, records name the lines (source, offset, length, count) without their bytes, and a
/// run of consecutive bad lines of one source becomes one record, so a sensor writing
/// garbage cannot fill the disk.
@Suite struct QuarantineWriterTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    /// A quarantine file's path in a directory that lives as long as the test.
    let directory = TemporaryDirectory(prefix: "toban-quarantine")
    func scratch() throws -> String { directory.file("quarantine.jsonl") }

    func records(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    /// Records `count` consecutive 100-byte garbage lines of `source` from `offset` on.
    func garbage(_ writer: QuarantineWriter, source: String, from offset: Int64, count: Int, reason: String = "invalid JSON") {
        let line = [UInt8](repeating: 0xFF, count: 100)
        line.withUnsafeBufferPointer { bytes in
            for k in 0..<count {
                writer.record(path: source, offset: offset + Int64(k) * 101, length: 100, reason: reason, line: bytes, at: t0)
            }
        }
    }

    @Test func underTheBoundEveryLineKeepsItsBytes() throws {
        let path = try scratch()
        let writer = try QuarantineWriter(path: path, maxBytes: 1 << 20)
        garbage(writer, source: "/logs/eve.json", from: 0, count: 50)
        try writer.flush()
        let all = try records(path)
        #expect(all.count == 50)
        #expect(all.allSatisfy { Data(base64Encoded: $0["line_base64"] as? String ?? "")?.count == 100 })
        #expect(all.map { $0["offset"] as? Int } == (0..<50).map { $0 * 101 })
    }

    @Test func pastTheBoundConsecutiveLinesBecomeOneRecordWithoutBytes() throws {
        let path = try scratch()
        let bound: Int64 = 8 * 1024
        let writer = try QuarantineWriter(path: path, maxBytes: bound)
        // 100,000 bad lines (10 MB) in three runs: two sources, then a different reason.
        garbage(writer, source: "/logs/a.json", from: 0, count: 60_000)
        try writer.flush() // a batch boundary inside a run
        garbage(writer, source: "/logs/a.json", from: 60_000 * 101, count: 20_000)
        garbage(writer, source: "/logs/b.json", from: 0, count: 10_000)
        garbage(writer, source: "/logs/b.json", from: 10_000 * 101, count: 10_000, reason: "line over the limit")
        try writer.flush()

        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        #expect(size < Int(bound) + 2048, "the file stopped growing with the lines: \(size) bytes")
        let all = try records(path)
        let full = all.filter { $0["line_base64"] != nil }
        let runs = all.filter { $0["bytes_omitted"] as? Bool == true }
        #expect(!full.isEmpty && full.count + runs.count == all.count)
        // Every line is accounted for, once: those kept whole, and those the runs count.
        let counted = full.count + runs.reduce(0) { $0 + ($1["lines"] as? Int ?? 0) }
        #expect(counted == 100_000)
        // The runs: the rest of a.json (split where a batch was flushed), b.json's invalid
        // lines, b.json's oversized ones; each spans its lines and their newlines.
        #expect(runs.count == 4)
        let b = runs.filter { $0["source"] as? String == "/logs/b.json" }
        #expect(b.map { $0["reason"] as? String } == ["invalid JSON", "line over the limit"])
        #expect(b.map { $0["offset"] as? Int } == [0, 10_000 * 101])
        #expect(b.map { $0["length"] as? Int } == [10_000 * 101 - 1, 10_000 * 101 - 1])
        let a = runs.filter { $0["source"] as? String == "/logs/a.json" }
        let firstOmitted = full.count * 101
        #expect(a.first?["offset"] as? Int == firstOmitted)
        #expect(a.last.map { ($0["offset"] as! Int) + ($0["length"] as! Int) } == 80_000 * 101 - 1)
    }

    @Test func aGapOrAnotherSourceStartsANewRecord() throws {
        let path = try scratch()
        let writer = try QuarantineWriter(path: path, maxBytes: 0)
        garbage(writer, source: "/logs/a.json", from: 0, count: 2, reason: "invalid JSON: expected an object at byte 0")
        garbage(writer, source: "/logs/a.json", from: 202, count: 1, reason: "invalid JSON: unterminated string")
        garbage(writer, source: "/logs/a.json", from: 10_000, count: 2) // good lines between
        garbage(writer, source: "/logs/c.json", from: 10_202, count: 1)
        try writer.flush()
        let all = try records(path)
        #expect(all.map { $0["lines"] as? Int } == [3, 2, 1])
        #expect(all.map { $0["source"] as? String } == ["/logs/a.json", "/logs/a.json", "/logs/c.json"])
        // Reasons of one kind share a record, which keeps the first one's detail.
        #expect(all.first?["reason"] as? String == "invalid JSON: expected an object at byte 0")
        #expect(all.allSatisfy { $0["line_base64"] == nil })
    }

    @Test func recordsStayValidJSONWhateverTheNames() throws {
        let path = try scratch()
        let writer = try QuarantineWriter(path: path, maxBytes: 1100) // room for the first record only
        let source = "/logs/we\"ird\\ \u{1}\u{7F}\n\t名前.json"
        let reason = "invalid UTF-8: \u{1B}[31m"
        [UInt8]([0x00, 0x1B, 0x0A, 0xFF]).withUnsafeBufferPointer {
            writer.record(path: source, offset: 7, length: 4, reason: reason, line: $0, at: t0)
        }
        garbage(writer, source: source, from: 12, count: 40, reason: reason) // past the bound: a run
        try writer.flush()
        let all = try records(path)
        #expect(all.count == 2)
        #expect(all.allSatisfy { $0["source"] as? String == source && $0["reason"] as? String == reason })
        #expect(Data(base64Encoded: all[0]["line_base64"] as? String ?? "") == Data([0x00, 0x1B, 0x0A, 0xFF]))
        #expect(all[0]["at"] as? Double == t0.timeIntervalSince1970)
        #expect(all[1]["lines"] as? Int == 40)
    }

    @Test func theBoundCountsWhatTheFileAlreadyHolds() throws {
        let path = try scratch()
        try (Data(repeating: 0x20, count: 4095) + [0x0A]).write(to: URL(fileURLWithPath: path)) // whole lines
        let writer = try QuarantineWriter(path: path, maxBytes: 4096)
        garbage(writer, source: "/logs/a.json", from: 0, count: 5)
        try writer.flush()
        let tail = try String(contentsOfFile: path, encoding: .utf8).dropFirst(4096)
        let all = try tail.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(all.count == 1)
        #expect(all.first?["lines"] as? Int == 5)
    }
}

/// The quarantine file on a full disk, and after a crash: whole records only, no record
/// twice on resume, and errors that name the file.
@Suite struct QuarantineFaultTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    let directory = TemporaryDirectory(prefix: "toban-quarantine")

    func lines(_ path: String) throws -> [Substring] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    }

    @Test func aWriteThatFillsTheDiskLeavesWholeRecordsAndNamesTheFile() throws {
        let path = directory.file("quarantine.jsonl")
        let writer = try QuarantineWriter(path: path)
        let bad = [UInt8](repeating: 0x41, count: 300)
        bad.withUnsafeBufferPointer { bytes in
            writer.record(path: "/logs/eve.json", offset: 0, length: 300, reason: "invalid JSON", line: bytes, at: t0)
        }
        try writer.flush()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        bad.withUnsafeBufferPointer { bytes in
            for k in 1...5 {
                writer.record(path: "/logs/eve.json", offset: Int64(k) * 301, length: 300, reason: "invalid JSON", line: bytes, at: t0)
            }
        }
        writer.spaceLeft = 700 // one record and a half
        let error = try #require(throws: QuarantineError.self) { try writer.flush() }
        #expect("\(error)".contains(path))
        #expect("\(error)".contains("No space left on device"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        // Space again: the same records are written whole, once.
        writer.spaceLeft = nil
        try writer.flush()
        let written = try lines(path).dropLast()
        #expect(written.count == 6)
        #expect(written.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
    }

    @Test func aTornRecordLeftByACrashIsCutOffWhenOpened() throws {
        let path = directory.file("quarantine.jsonl")
        let whole = #"{"at":1,"length":3,"offset":0,"reason":"x","source":"/logs/a"}"# + "\n"
        try (whole + #"{"at":1,"length":3,"offs"#).write(toFile: path, atomically: false, encoding: .utf8)
        let writer = try QuarantineWriter(path: path)
        writer.record(path: "/logs/a", offset: 4, length: 3, reason: "y", line: nil, at: t0)
        try writer.flush()
        let records = try lines(path).dropLast()
        #expect(records.count == 2)
        #expect(records.first.map(String.init) == String(whole.dropLast()))
        #expect(records.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
    }

    /// Batches whose quarantine records were written but whose commit failed (a full disk
    /// fails the store too) are read again on resume: each bad line keeps one record.
    @Test func resumingAfterAFailedCommitWritesNoRecordTwice() throws {
        let log = directory.file("eve.json")
        var text = ""
        for i in 0..<300 {
            text += (i % 3 == 0 ? "garbage line \(i)" : IngestPipelineTests.eveLine(i, alert: i % 2 == 0)) + "\n"
        }
        try text.write(toFile: log, atomically: false, encoding: .utf8)
        let quarantine = directory.file("quarantine.jsonl")
        let sink = MemorySink()
        func run() throws {
            let acme = Customer(id: "acme", displayName: "Acme", networks: [try CIDR(parsing: "10.0.0.0/16")], sensors: ["sensor-acme-0"])
            _ = try IngestPipeline(sources: [SourceSettings(path: log, format: .suricataEVE)], directory: CustomerDirectory(customers: [acme]),
                                   rules: .default, options: IngestOptions(batchLines: 20, quarantinePath: quarantine), sink: sink,
                                   clock: ManualClock(IngestPipelineTests.readAt)).runOnce()
        }
        for failAt in [3, 2, 4] {
            sink.commitCount = 0
            sink.failOnCommit = failAt
            #expect(throws: MemorySink.InjectedFailure.self) { try run() }
        }
        sink.failOnCommit = nil
        try run()
        let offsets = try lines(quarantine).dropLast().map { line -> Int in
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try #require(record["offset"] as? Int)
        }
        #expect(offsets.count == 100)
        #expect(Set(offsets).count == offsets.count)
    }
}
