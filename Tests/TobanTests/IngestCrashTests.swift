import Foundation
import GRDB
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

/// Exactly once, proved the hard way: a real `toban ingest` process is killed with SIGKILL
/// at random moments, restarted each time, and the store it ends with must equal the
/// store of one clean run — no detection lost, none duplicated, every repeat counted once.
@Suite(.serialized) struct IngestCrashTests {
    static func writeEVE(lines: Int, to url: URL) throws {
        var text = ""
        text.reserveCapacity(lines * 300)
        for i in 0..<lines {
            let sec = i / 20
            let ts = "2026-11-20T\(String(format: "%02d:%02d:%02d", 10 + sec / 3600, (sec / 60) % 60, sec % 60)).\(String(format: "%06d", i % 1_000_000))+0900"
            if i % 4 == 0 {
                text += #"{"timestamp":"\#(ts)","event_type":"alert","host":"sensor-acme-\#(i % 2)","src_ip":"10.0.\#(i % 3).\#(i % 50 + 2)","src_port":\#(1024 + i % 60000),"dest_ip":"203.0.113.\#(i % 9)","dest_port":443,"proto":"TCP","alert":{"signature_id":\#(2030000 + i % 13),"signature":"SIG \#(i % 13)","category":"A Network Trojan was detected","severity":\#(i % 3 + 1)}}"#
            } else {
                text += #"{"timestamp":"\#(ts)","event_type":"dns","host":"sensor-acme-\#(i % 2)","src_ip":"10.0.\#(i % 3).\#(i % 50 + 2)","src_port":5353,"dest_ip":"10.0.0.1","dest_port":53,"proto":"UDP","dns":{"type":"query","rrname":"h\#(i % 500).example"}}"#
            }
            text += "\n"
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// The store's detections without their row ids, as a sorted list of comparable lines.
    static func snapshot(store: String, in dir: URL) throws -> [String] {
        let r = try TobanBinary.run(["query", "detections", "--store", store, "--json", "--limit", "1000000"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        return try r.lines.map { line -> String in
            var object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            object["id"] = nil
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            return String(decoding: data, as: UTF8.self)
        }.sorted()
    }

    /// Every context bucket as the console reads it (counts and examples), one line each.
    static func contextSnapshot(store path: String) throws -> [String] {
        let store = try TobanStore(path: path)
        defer { try? store.close() }
        let endpoints = try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT DISTINCT customer_id, endpoint FROM context_parts").map { ($0[0] as String, $0[1] as String) }
        }
        let around = Date(timeIntervalSince1970: 1_795_140_000) // 2026-11-20 11:00 JST, within the test's hour
        var lines: [String] = []
        for (customer, endpoint) in endpoints {
            guard let address = IPAddress(endpoint) else { continue }
            for case .context(let bucket) in try store.endpointTimeline(customer: customer, address: address, around: around, window: 12 * 3600) {
                let counts = bucket.counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }
                lines.append("\(customer)|\(endpoint)|\(bucket.bucketStart.timeIntervalSince1970)|\(counts)|\(bucket.samples.map(\.summary))")
            }
        }
        return lines.sorted()
    }

    @Test func killNineAtAnyMomentLosesAndDuplicatesNothing() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        let log = dir.appendingPathComponent("eve.json")
        try Self.writeEVE(lines: 60_000, to: log)
        let clean = dir.appendingPathComponent("clean.sqlite").path
        let killed = dir.appendingPathComponent("killed.sqlite").path
        let args = ["ingest", "--once", "--batch-lines", "700", log.path]

        let cleanRun = try TobanBinary.run(args + ["--store", clean], in: dir)
        #expect(cleanRun.status == 0, "\(cleanRun.stderr)")

        var generator = SystemRandomNumberGenerator()
        var killedMidStream = 0
        for _ in 0..<12 {
            let pid = try TobanBinary.start(args + ["--store", killed], in: dir)
            // The kill falls at a random moment of the run: that is the point of the test.
            usleep(UInt32.random(in: 30_000...400_000, using: &generator))
            kill(pid, SIGKILL) // a run that already ended exits 0 below and is not counted
            if Spawn.wait(pid) == 128 + SIGKILL { killedMidStream += 1 }
        }
        let finish = try TobanBinary.run(args + ["--store", killed], in: dir)
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(killedMidStream >= 3, "the ingest finished before most kills; the test proved little")

        let expected = try Self.snapshot(store: clean, in: dir)
        let actual = try Self.snapshot(store: killed, in: dir)
        #expect(!expected.isEmpty)
        #expect(actual.count == expected.count)
        #expect(actual == expected)
        let total = try expected.map { line in
            try #require((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["count"] as? Int, "no count: \(line)")
        }.reduce(0, +)
        #expect(total == 15_000) // every alert line counted exactly once
        // Context too: every DNS line counted once, the same examples kept.
        let expectedContext = try Self.contextSnapshot(store: clean)
        #expect(!expectedContext.isEmpty)
        #expect(try Self.contextSnapshot(store: killed) == expectedContext)
    }

    @Test func restartResumesAndFollowModeStopsCleanlyOnSIGTERM() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        let log = dir.appendingPathComponent("eve.json")
        try Self.writeEVE(lines: 400, to: log)
        let store = dir.appendingPathComponent("s.sqlite").path
        let stderrPath = scratch.file("ingest.stderr")
        let pid = try TobanBinary.start(["ingest", "--store", store, log.path], in: dir, stderrPath: stderrPath)
        // A line appended while following becomes a queryable detection within two seconds.
        let appended = #"{"timestamp":"2026-11-20T23:59:59.000000+0900","event_type":"alert","host":"sensor-acme-0","src_ip":"10.9.9.9","src_port":1,"dest_ip":"203.0.113.200","dest_port":80,"proto":"TCP","alert":{"signature_id":9999999,"signature":"APPENDED","category":"x","severity":1}}"#
        // Following: the file's lines are in the store.
        let followed = try eventually(timeout: 30, every: 0.05) {
            try TobanBinary.run(["query", "detections", "--store", store, "--json", "--limit", "100000"], in: dir).status == 0
        }
        try #require(followed, "ingest never committed the file")
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((appended + "\n").utf8))
        try handle.close()
        let found = try eventually(timeout: 2, every: 0.05) {
            try TobanBinary.run(["query", "detections", "--store", store, "--json", "--limit", "100000"], in: dir).stdout.contains("APPENDED")
        }
        #expect(found, "the appended line did not become queryable within 2 s")
        kill(pid, SIGTERM)
        #expect(Spawn.wait(pid) == 0, "SIGTERM is a clean stop")
        let stderr = String(decoding: FileManager.default.contents(atPath: stderrPath) ?? Data(), as: UTF8.self)
        #expect(stderr.contains("ingested"))
        // Restarting reads nothing twice.
        let again = try TobanBinary.run(["ingest", "--once", "--store", store, log.path], in: dir)
        #expect(again.stdout.hasPrefix("ingested 0 lines"), "\(again.stdout)")
    }
}

/// One ingest per store: a second one started by mistake says so and exits, and nothing
/// is counted twice.
@Suite struct OneWriterTests {
    @Test func aSecondIngestOnTheSameStoreIsRefused() throws {
        let scratch = TemporaryDirectory()
        let log = scratch.file("eve.json")
        try IngestCrashTests.writeEVE(lines: 400, to: URL(fileURLWithPath: log))
        let store = scratch.file("s.sqlite")
        let stderr = scratch.file("first.stderr")
        let first = try TobanBinary.start(["ingest", "--store", store, log], in: scratch.url, stderrPath: stderr)
        var running = true
        defer { if running { kill(first, SIGTERM); Spawn.wait(first) } }
        let following = try eventually(timeout: 30) {
            try TobanBinary.run(["query", "detections", "--store", store, "--json", "--limit", "100000"], in: scratch.url).lines.count > 0
        }
        try #require(following)
        let before = try TobanBinary.run(["query", "detections", "--store", store, "--json", "--limit", "100000"], in: scratch.url).stdout
        let second = try TobanBinary.run(["ingest", "--once", "--store", store, log], in: scratch.url)
        #expect(second.status != 0)
        #expect(second.stderr.contains("already writing to \(store)") && second.stderr.contains("pid \(first)"), "\(second.stderr)")
        let after = try TobanBinary.run(["query", "detections", "--store", store, "--json", "--limit", "100000"], in: scratch.url).stdout
        #expect(after == before, "the second ingest changed the store")
        // Once the first has stopped, the store takes a writer again.
        kill(first, SIGTERM)
        running = false
        #expect(Spawn.wait(first) == 0)
        #expect(try TobanBinary.run(["ingest", "--once", "--store", store, log], in: scratch.url).status == 0)
    }
}

/// `ingest --once` on a path that does not exist fails and names it, instead of reporting
/// success with 0 lines.
@Suite struct MissingInputTests {
    @Test func aMissingFileIsAnErrorThatNamesIt() throws {
        let scratch = TemporaryDirectory()
        let present = scratch.file("eve.json")
        try IngestCrashTests.writeEVE(lines: 10, to: URL(fileURLWithPath: present))
        let missing = scratch.file("notice.log")
        let r = try TobanBinary.run(["ingest", "--once", "--store", scratch.storePath, present, missing], in: scratch.url)
        #expect(r.status != 0)
        #expect(r.stderr.contains("no such file: \(missing)"), "\(r.stderr)")
        #expect(try TobanBinary.run(["ingest", "--once", "--store", scratch.storePath, present], in: scratch.url).status == 0)
    }
}

/// A store with a corrupted page is refused at the start, with a clear message, instead of
/// an ingest that "succeeds" reading and writing nothing.
@Suite struct DamagedStoreTests {
    @Test func aDamagedStoreIsRefused() throws {
        let scratch = TemporaryDirectory()
        let log = scratch.file("eve.json")
        try IngestCrashTests.writeEVE(lines: 3000, to: URL(fileURLWithPath: log))
        let store = scratch.file("s.sqlite")
        try #require(try TobanBinary.run(["ingest", "--once", "--store", store, log], in: scratch.url).status == 0)
        // Damage every page but the header page (16 KiB each) as a failing disk would: no
        // layout of the tables can leave the damage unread.
        // Everything into the database file first (an ingest that exits leaves its WAL).
        let queue = try DatabaseQueue(path: store)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: store)[.size] as? Int)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: store))
        for page in 1..<(size / 16384) {
            try handle.seek(toOffset: UInt64(16384 * page))
            try handle.write(contentsOf: Data([0x0D, 0, 0, 0, 0x50] + [UInt8](repeating: 0xAB, count: 64)))
        }
        try handle.close()
        let r = try TobanBinary.run(["ingest", "--once", "--store", store, log], in: scratch.url)
        #expect(r.status != 0)
        #expect(r.stderr.contains("is damaged") && r.stderr.contains("restore it from a backup"), "\(r.stderr)")
    }
}
