import Foundation
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

/// The ingest writer's log is copied back on another thread (`WALCheckpointer`), and
/// stays bounded either way.
@Suite struct WALCheckpointerTests {
    /// Commits `batches` ingest batches of 40 new detections each.
    func ingest(_ f: StoreFixture, batches: Int) throws {
        let cache = IngestWriteCache()
        for b in 0..<batches {
            let detections = (0..<40).map { i in
                makeDetection(signature: "sig-\(b)-\(i)", src: "10.0.\(b % 200).\(i + 1)", endpoint: "10.0.\(b % 200).\(i + 1)",
                              at: t0 + Double(b), offset: Int64(b * 40 + i))
            }
            try f.store.commit(IngestBatch(detections: detections, checkpoints: [checkpoint(offset: Int64(b + 1) * 4000)]),
                               customers: [acme], now: t0 + Double(b), cache: cache)
        }
    }

    func logBytes(_ f: StoreFixture) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: f.path + "-wal"))?[.size] as? Int) ?? 0
    }

    /// The log's size when nothing copies it back: it grows with every commit.
    func unboundedLogBytes() throws -> Int {
        let f = try StoreFixture()
        f.store.walCheckpointer.backgroundFrames = .max
        f.store.walCheckpointer.inlineFrames = .max
        try ingest(f, batches: 60)
        return logBytes(f)
    }

    @Test func copiesRunOnAnotherThreadAndTheLogStartsOver() throws {
        let unbounded = try unboundedLogBytes()
        let f = try StoreFixture()
        f.store.walCheckpointer.backgroundFrames = 8
        f.store.walCheckpointer.inlineFrames = 96
        try ingest(f, batches: 60)
        #expect(eventually { f.store.walCheckpointer.backgroundCopies > 0 })
        // The log file keeps the largest size it reached: about `inlineFrames` plus one
        // commit's frames, not 60 commits'.
        #expect(logBytes(f) * 3 < unbounded, "\(logBytes(f)) against \(unbounded) bytes")
        #expect(try f.count("SELECT COUNT(*) FROM detections") == 2400)
    }

    #if os(Linux)
    /// The copying thread takes the time the reading thread leaves idle: it runs at the
    /// lowest priority, and the thread that committed keeps its own.
    @Test func copiesRunAtTheLowestPriority() throws {
        let f = try StoreFixture()
        f.store.walCheckpointer.backgroundFrames = 8
        let before = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        try ingest(f, batches: 10)
        #expect(eventually { f.store.walCheckpointer.backgroundCopies > 0 })
        #expect(f.store.walCheckpointer.backgroundNice == 19)
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) == before)
    }
    #endif

    @Test func withoutBackgroundCopiesTheWriterCopiesItself() throws {
        let unbounded = try unboundedLogBytes()
        let f = try StoreFixture()
        f.store.walCheckpointer.backgroundFrames = .max
        f.store.walCheckpointer.inlineFrames = 32
        try ingest(f, batches: 60)
        #expect(f.store.walCheckpointer.backgroundCopies == 0)
        #expect(logBytes(f) * 3 < unbounded, "\(logBytes(f)) against \(unbounded) bytes")
    }

    /// Released after background copies, the store still removes its log (the
    /// checkpointer's connection closes first, so the pool's last one is the store's last).
    @Test func theLogIsRemovedWhenTheStoreIsReleased() throws {
        let directory = TemporaryDirectory(prefix: "toban-wal")
        let path = directory.storePath
        do {
            let f = try StoreFixture(path: path)
            f.store.walCheckpointer.backgroundFrames = 8
            try ingest(f, batches: 20)
            #expect(eventually { f.store.walCheckpointer.backgroundCopies > 0 })
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        }
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(try StoreFixture(path: path).count("SELECT COUNT(*) FROM detections") == 800)
    }
}
