import Foundation
import Testing
import TobanCore
@testable import TobanIngest
import TobanTestSupport

/// The pipeline against `MemorySink`, which can be told to fail a commit (the in-process
/// stand-in for a crash between two transactions).
@Suite struct IngestPipelineTests {
    /// When the pipeline reads the logs: after their lines were written (their times are
    /// not in its future).
    static let readAt = Date(timeIntervalSince1970: 1_795_190_400) // 2026-11-20T16:00:00Z

    static func eveLine(_ i: Int, alert: Bool, sensor: String = "sensor-acme-0") -> String {
        let ts = String(format: "2026-11-20T21:%02d:%02d.000000+0900", (i / 60) % 60, i % 60)
        if alert {
            return #"{"timestamp":"\#(ts)","event_type":"alert","host":"\#(sensor)","src_ip":"10.0.0.\#(i % 7 + 2)","src_port":\#(40000 + i),"dest_ip":"203.0.113.5","dest_port":443,"proto":"TCP","alert":{"signature_id":\#(2000000 + i % 5),"signature":"SIG \#(i % 5)","category":"A Network Trojan was detected","severity":1}}"#
        }
        return #"{"timestamp":"\#(ts)","event_type":"dns","host":"\#(sensor)","src_ip":"10.0.0.\#(i % 7 + 2)","src_port":5353,"dest_ip":"10.0.0.1","dest_port":53,"proto":"UDP","dns":{"type":"query","rrname":"h\#(i).example"}}"#
    }

    func writeLog(lines: Int, to url: URL) throws -> Int {
        var text = ""
        var alerts = 0
        for i in 0..<lines {
            let alert = i % 4 == 0
            if alert { alerts += 1 }
            text += Self.eveLine(i, alert: alert) + "\n"
            if i == 50 { text += "{\"broken\": \n" }            // invalid JSON
            if i == 60 { text += "\u{1b}[2J\0\u{ff}garbage\n" }  // binary garbage
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
        return alerts
    }

    func pipeline(_ path: String, sink: MemorySink, batchLines: Int, quarantine: String? = nil,
                  maxTransactionAge: Duration = .seconds(1)) throws -> IngestPipeline {
        let acme = Customer(id: "acme", displayName: "アクメ", networks: [try CIDR(parsing: "10.0.0.0/16")], sensors: ["sensor-acme-0"])
        var options = IngestOptions(batchLines: batchLines, quarantinePath: quarantine)
        options.maxTransactionAge = maxTransactionAge
        return try IngestPipeline(sources: [SourceSettings(path: path)], directory: CustomerDirectory(customers: [acme]),
                                  rules: .default, options: options, sink: sink, clock: ManualClock(Self.readAt))
    }

    @Test func onceReadsEverythingAndQuarantinesBadLines() throws {
        let scratch = TemporaryDirectory(prefix: "toban-pipe")
        let dir = scratch.url
        let log = dir.appendingPathComponent("eve.json")
        let alerts = try writeLog(lines: 400, to: log)
        let sink = MemorySink()
        let quarantine = dir.appendingPathComponent("quarantine.jsonl").path
        let summary = try pipeline(log.path, sink: sink, batchLines: 64, quarantine: quarantine).runOnce()
        #expect(summary.lines == 402)
        #expect(summary.detections == alerts)
        #expect(summary.quarantined == 2)
        #expect(sink.occurrences.values.reduce(0, +) == alerts)
        #expect(sink.committed.flatMap(\.detections).allSatisfy { $0.customerID == "acme" && $0.urgency == .p1 })
        // Quarantined lines keep their source and offset, and the bytes as they were.
        let records = try String(contentsOfFile: quarantine, encoding: .utf8).split(separator: "\n")
        #expect(records.count == 2)
        let first = try JSONSerialization.jsonObject(with: Data(records[0].utf8)) as! [String: Any]
        #expect(first["source"] as? String == log.path)
        #expect((first["offset"] as? Int ?? -1) > 0)
        #expect(Data(base64Encoded: first["line_base64"] as! String) == Data("{\"broken\": ".utf8))
        // Context landed in per-endpoint hourly buckets, not per event.
        let buckets = sink.committed.flatMap(\.context)
        #expect(buckets.reduce(0) { $0 + ($1.counts[.dns] ?? 0) } == 300)
    }

    /// A failed transaction of several batches (`groupsTransactions`) loses all of them,
    /// checkpoints included, and they are read again.
    @Test(arguments: [false, true])
    func failedCommitLosesNothingAndDuplicatesNothingOnResume(groupsTransactions: Bool) throws {
        let scratch = TemporaryDirectory(prefix: "toban-pipe")
        let dir = scratch.url
        let log = dir.appendingPathComponent("eve.json")
        let alerts = try writeLog(lines: 1000, to: log)

        let clean = MemorySink()
        _ = try pipeline(log.path, sink: clean, batchLines: 37).runOnce()

        let crashy = MemorySink(groupsTransactions: groupsTransactions)
        // Batch sizes differ between runs, so a run's first batches end inside the lines the
        // previous run committed and that are now read again for their context.
        for (failAt, batchLines) in [(3, 37), (2, 11), (5, 23), (9, 23)] {
            crashy.commitCount = 0
            crashy.failOnCommit = failAt
            #expect(throws: MemorySink.InjectedFailure.self) { try pipeline(log.path, sink: crashy, batchLines: batchLines).runOnce() }
        }
        crashy.failOnCommit = nil
        _ = try pipeline(log.path, sink: crashy, batchLines: 37).runOnce()
        #expect(crashy.occurrences == clean.occurrences)
        #expect(crashy.occurrences.values.reduce(0, +) == alerts)
        #expect(Set(crashy.saved.values.map(\.offset)) == Set(clean.saved.values.map(\.offset)))
        // Context held across batches and lost with a failed one is read again from the
        // stored context position: the same events and examples, each once.
        let dnsLines = 1000 - alerts
        #expect(clean.contextCounts.values.reduce(0, +) == dnsLines)
        #expect(crashy.contextCounts == clean.contextCounts)
        #expect(crashy.contextSamples == clean.contextSamples)
        #expect(crashy.committed.map(\.counters.contextEvents).reduce(0, +) == dnsLines)
        #expect(crashy.saved.values.allSatisfy { $0.contextOffset == nil })
    }

    /// Context is not stored with every batch: the 27 batches of this file store it twice
    /// (the first batch, which finds no context position yet, and the last).
    @Test func contextIsStoredByFewBatches() throws {
        let scratch = TemporaryDirectory(prefix: "toban-pipe")
        let dir = scratch.url
        let log = dir.appendingPathComponent("eve.json")
        _ = try writeLog(lines: 1000, to: log)
        let sink = MemorySink()
        _ = try pipeline(log.path, sink: sink, batchLines: 37).runOnce()
        #expect(sink.committed.count > 20)
        #expect(sink.committed.filter { !$0.context.isEmpty }.count == 2)
        // Batches in between say where stored context ends: behind their rows.
        let middle = sink.committed[sink.committed.count / 2].checkpoints[0]
        #expect(middle.contextOffset != nil && middle.contextOffset! < middle.offset)
    }

    /// Batches read from a backlog share a transaction until one catches up with the file;
    /// what is stored is what one transaction per batch stores.
    @Test func aBacklogSharesTransactionsUntilItCatchesUp() throws {
        let scratch = TemporaryDirectory(prefix: "toban-pipe")
        let log = scratch.url.appendingPathComponent("eve.json")
        _ = try writeLog(lines: 1000, to: log)
        let single = MemorySink(), grouped = MemorySink(groupsTransactions: true)
        _ = try pipeline(log.path, sink: single, batchLines: 37).runOnce()
        _ = try pipeline(log.path, sink: grouped, batchLines: 37).runOnce()
        let batches = grouped.committed.count
        #expect(batches > 20)
        #expect(grouped.transactions.reduce(0, +) == batches)
        // The clock stands still, so only the batch that settles ends the first transaction
        // (and the held context is stored after it).
        #expect(grouped.transactions.count <= 2, "\(grouped.transactions)")
        #expect(grouped.transactions[0] >= batches - 1)
        #expect(grouped.committed.map(\.settles) == single.committed.map(\.settles))
        #expect(grouped.occurrences == single.occurrences)
        #expect(grouped.saved == single.saved)
        #expect(grouped.contextCounts == single.contextCounts)

        // A zero age commits every batch on its own.
        let unGrouped = MemorySink(groupsTransactions: true)
        _ = try pipeline(log.path, sink: unGrouped, batchLines: 37, maxTransactionAge: .zero).runOnce()
        #expect(unGrouped.transactions == Array(repeating: 1, count: batches))
    }

    /// While a file is read batch after batch, its batches need not settle (the sink may
    /// put off what it derives from many batches); the batch that reaches the end does.
    @Test func onlyTheBatchThatCatchesUpSettles() throws {
        let scratch = TemporaryDirectory(prefix: "toban-pipe")
        let log = scratch.url.appendingPathComponent("eve.json")
        _ = try writeLog(lines: 1000, to: log)
        let sink = MemorySink()
        _ = try pipeline(log.path, sink: sink, batchLines: 37).runOnce()
        let settles = sink.committed.map(\.settles)
        #expect(settles.count > 20)
        #expect(settles.last == true)
        // The end of input, and the held context stored after it.
        #expect(settles.firstIndex(of: true)! >= settles.count - 2, "\(settles)")
    }

    /// A file rotated by rename between runs, with lines appended to the rotated file and
    /// a new one at the path, read by runs that fail part-way: context held across their
    /// batches is read again after each failure, and nothing is counted twice.
    @Test func failuresAroundARotationLoseAndDuplicateNothing() throws {
        let scratch = TemporaryDirectory(prefix: "toban-pipe")
        let dir = scratch.url
        let log = dir.appendingPathComponent("eve.json")
        func lines(_ range: Range<Int>) -> String { range.map { Self.eveLine($0, alert: $0 % 4 == 0) + "\n" }.joined() }
        func ingest(into sinks: [MemorySink]) throws {
            try lines(0..<200).write(to: log, atomically: false, encoding: .utf8)
            for sink in sinks { _ = try pipeline(log.path, sink: sink, batchLines: 37).runOnce() }
            // Rotation: the file is renamed, gets a few more lines, and a new file takes its path.
            try FileManager.default.moveItem(at: log, to: dir.appendingPathComponent("eve.json.1"))
            let rotated = try FileHandle(forWritingTo: dir.appendingPathComponent("eve.json.1"))
            try rotated.seekToEnd()
            try rotated.write(contentsOf: Data(lines(200..<260).utf8))
            try rotated.close()
            try lines(260..<500).write(to: log, atomically: false, encoding: .utf8)
        }
        let clean = MemorySink(), crashy = MemorySink()
        try ingest(into: [clean, crashy])
        _ = try pipeline(log.path, sink: clean, batchLines: 37).runOnce()
        for (failAt, batchLines) in [(4, 11), (2, 7), (6, 29)] {
            crashy.commitCount = 0
            crashy.failOnCommit = failAt
            #expect(throws: MemorySink.InjectedFailure.self) { try pipeline(log.path, sink: crashy, batchLines: batchLines).runOnce() }
        }
        crashy.failOnCommit = nil
        _ = try pipeline(log.path, sink: crashy, batchLines: 37).runOnce()
        let alerts = (0..<500).filter { $0 % 4 == 0 }.count
        #expect(clean.occurrences.values.reduce(0, +) == alerts)
        #expect(crashy.occurrences == clean.occurrences)
        #expect(clean.contextCounts.values.reduce(0, +) == 500 - alerts)
        #expect(crashy.contextCounts == clean.contextCounts)
        #expect(crashy.contextSamples == clean.contextSamples)
    }

    /// Runs `pipeline.run()` on a thread of its own; the test touches only the pipeline's
    /// stop signal (thread-safe) while it runs, and `stop()` waits for it to end.
    final class Following: @unchecked Sendable {
        let pipeline: IngestPipeline
        private let done = DispatchSemaphore(value: 0)
        private(set) var error: Error?

        init(_ pipeline: IngestPipeline) {
            self.pipeline = pipeline
            Thread { [self] in
                do { try self.pipeline.run() } catch { self.error = error }
                done.signal()
            }.start()
        }

        func stop() {
            pipeline.stopSignal.stop()
            done.wait()
        }
    }

    /// Lets `duration` pass on `clock` and waits until the follow loop has used it (it is
    /// waiting on the clock again).
    func pass(_ duration: Duration, on clock: ManualClock) -> Bool {
        let waits = clock.waitsBegun
        clock.advance(by: duration)
        return eventually { clock.waitsBegun > waits }
    }

    func linesCommitted(_ sink: MemorySink) -> Int { sink.committed.reduce(0) { $0 + $1.counters.lines } }

    /// Following a file, held context is stored once `contextFlushInterval` has passed,
    /// while the follower keeps running (not only when it stops).
    @Test func followedContextIsStoredWithinTheFlushInterval() throws {
        let scratch = TemporaryDirectory(prefix: "toban-pipe")
        let log = scratch.url.appendingPathComponent("eve.json")
        try "".write(to: log, atomically: true, encoding: .utf8)
        let sink = MemorySink()
        let clock = ManualClock()
        let acme = Customer(id: "acme", displayName: "アクメ", networks: [try CIDR(parsing: "10.0.0.0/16")], sensors: ["sensor-acme-0"])
        let pipeline = try IngestPipeline(sources: [SourceSettings(path: log.path)], directory: CustomerDirectory(customers: [acme]),
                                          rules: .default, options: IngestOptions(pollInterval: .milliseconds(20),
                                                                                  contextFlushInterval: .milliseconds(300)),
                                          sink: sink, clock: clock)
        let following = Following(pipeline)
        defer { following.stop() }
        #expect(eventually { clock.waiters > 0 })
        // Context arrives in a stream of small batches: the first is stored at once (there
        // is no context position yet), the rest once the interval has passed.
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        for i in 0..<10 {
            try handle.write(contentsOf: Data((Self.eveLine(i, alert: false) + "\n").utf8))
            #expect(pass(.milliseconds(50), on: clock))
            #expect(eventually { linesCommitted(sink) == i + 1 }, "line \(i) committed")
        }
        // Stored with every batch, ten lines written 50 ms apart would make ten; in 500 ms
        // with a 300 ms interval it is the first batch and one more.
        #expect(sink.contextBatches <= 3)
        #expect(pass(.seconds(1), on: clock))
        #expect(eventually { sink.contextBatches >= 2 })
        #expect(following.error == nil)
    }

    /// Followed, a file whose garbage first line arrives alone: that line reads as syslog
    /// (what fits nothing else looks like, so it proves nothing), and the EVE lines that
    /// follow are still read as EVE.
    @Test func aLoneGarbageFirstLineDoesNotDecideAFollowedFilesFormat() throws {
        let scratch = TemporaryDirectory(prefix: "toban-pipe")
        let log = scratch.url.appendingPathComponent("eve.json")
        try "".write(to: log, atomically: true, encoding: .utf8)
        let sink = MemorySink()
        let clock = ManualClock(Self.readAt)
        let acme = Customer(id: "acme", displayName: "アクメ", networks: [try CIDR(parsing: "10.0.0.0/16")], sensors: ["sensor-acme-0"])
        let pipeline = try IngestPipeline(sources: [SourceSettings(path: log.path)], directory: CustomerDirectory(customers: [acme]),
                                          rules: .default, options: IngestOptions(pollInterval: .milliseconds(20)), sink: sink, clock: clock)
        let following = Following(pipeline)
        defer { following.stop() }
        #expect(eventually { clock.waiters > 0 })
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        try handle.write(contentsOf: Data("garbage, not a log line\n".utf8))
        #expect(pass(.milliseconds(50), on: clock))
        #expect(eventually { linesCommitted(sink) == 1 })
        try handle.write(contentsOf: Data((0..<5).map { Self.eveLine($0, alert: true) + "\n" }.joined().utf8))
        #expect(pass(.milliseconds(50), on: clock))
        #expect(eventually { linesCommitted(sink) == 6 })
        #expect(sink.occurrences.values.reduce(0, +) == 5)
        #expect(sink.saved.values.first?.format == .suricataEVE)
        #expect(following.error == nil)
    }

    /// A followed file that stays quiet is not committed again and again: its unchanged
    /// checkpoint would be a write transaction per poll, waking every console each time.
    @Test func aQuietFollowedFileCommitsNothing() throws {
        let scratch = TemporaryDirectory(prefix: "toban-pipe")
        let log = scratch.url.appendingPathComponent("eve.json")
        try (Self.eveLine(0, alert: true) + "\n" + Self.eveLine(1, alert: false) + "\n").write(to: log, atomically: true, encoding: .utf8)
        let sink = MemorySink()
        let clock = ManualClock()
        let pipeline = try IngestPipeline(sources: [SourceSettings(path: log.path)], directory: CustomerDirectory(customers: []),
                                          rules: .default, options: IngestOptions(pollInterval: .milliseconds(10)), sink: sink, clock: clock)
        let following = Following(pipeline)
        #expect(eventually { sink.commitCount > 0 && clock.waiters > 0 })
        #expect(pass(.milliseconds(10), on: clock))
        let settled = sink.commitCount
        for _ in 0..<50 { #expect(pass(.milliseconds(10), on: clock)) } // 50 polls of a file that does not change
        #expect(sink.commitCount == settled)
        // A new line is committed as before.
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((Self.eveLine(2, alert: true) + "\n").utf8))
        try handle.close()
        #expect(pass(.milliseconds(10), on: clock))
        #expect(eventually { sink.commitCount > settled })
        following.stop()
        #expect(following.error == nil)
        #expect(sink.occurrences.values.reduce(0, +) == 2)
    }

    @Test func unknownSensorsAreUnassignedNotDropped() throws {
        let scratch = TemporaryDirectory(prefix: "toban-pipe")
        let dir = scratch.url
        let log = dir.appendingPathComponent("eve.json")
        try (Self.eveLine(0, alert: true, sensor: "stranger").replacingOccurrences(of: "10.0.0.2", with: "192.168.9.9") + "\n")
            .write(to: log, atomically: true, encoding: .utf8)
        let sink = MemorySink()
        let summary = try pipeline(log.path, sink: sink, batchLines: 10).runOnce()
        #expect(summary.unassigned == 1)
        let d = try #require(sink.committed.flatMap(\.detections).first)
        #expect(d.customerID == Customer.unassignedID)
        #expect(d.endpoint == IPAddress("192.168.9.9"))
    }
}
