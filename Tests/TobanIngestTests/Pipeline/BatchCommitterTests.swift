import Foundation
import Testing
import TobanCore
@testable import TobanIngest
import TobanTestSupport

/// Where the sink's `prepare` runs: on the reading thread while the commit thread has
/// work, on the commit thread when it is waiting for the batch; once per batch either way.
@Suite struct BatchCommitterTests {
    /// Records, per batch (its `counters.lines` as its number), the thread that prepared
    /// it and whether it came to `commit` prepared. `commit` of a batch numbered `holdAt`
    /// waits until `release` is signalled.
    final class RecordingSink: IngestSink, @unchecked Sendable {
        // @unchecked: the fields are touched with `lock` held.
        private let lock = NSLock()
        private var preparedOn: [Int: [Thread]] = [:]
        private var committed: [(batch: Int, prepared: Bool)] = []
        let holdAt: Int?
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)

        init(holdAt: Int? = nil) { self.holdAt = holdAt }

        func prepare(_ batch: inout IngestBatch) {
            let number = batch.counters.lines
            lock.withLock { preparedOn[number, default: []].append(Thread.current) }
            batch.prepared = number
        }

        func commit(_ batch: IngestBatch) throws {
            let number = batch.counters.lines
            lock.withLock { committed.append((number, (batch.prepared as? Int) == number)) }
            if number == holdAt {
                holding.signal()
                release.wait()
            }
        }

        func checkpoints() throws -> [SourceCheckpoint] { [] }
        func sensorLastSeen() throws -> [String: Date] { [:] }
        func pruneContext(olderThan date: Date) throws {}

        func threads(_ batch: Int) -> [Thread] { lock.withLock { preparedOn[batch] ?? [] } }
        var commits: [(batch: Int, prepared: Bool)] { lock.withLock { committed } }
    }

    static func batch(_ number: Int) -> IngestBatch {
        IngestBatch(counters: IngestCounters(lines: number))
    }

    @Test func theWaitingCommitThreadPreparesTheBatchItself() throws {
        let sink = RecordingSink()
        let committer = BatchCommitter(sink: sink, capacity: 4, clock: ManualClock())
        defer { committer.close() }
        try committer.submit(Self.batch(1))
        try committer.drain()
        let threads = sink.threads(1)
        #expect(threads.count == 1)
        #expect(threads.first.map { $0 !== Thread.current } == true)
        #expect(sink.commits.map(\.batch) == [1])
        #expect(sink.commits.allSatisfy { $0.prepared })
    }

    @Test func theReaderPreparesWhileTheCommitThreadIsBusy() throws {
        let sink = RecordingSink(holdAt: 1)
        let committer = BatchCommitter(sink: sink, capacity: 4, clock: ManualClock())
        defer { committer.close() }
        try committer.submit(Self.batch(1))
        sink.holding.wait() // batch 1 is being written
        try committer.submit(Self.batch(2))
        try committer.submit(Self.batch(3))
        #expect(sink.threads(2).count == 1 && sink.threads(2).first === Thread.current)
        #expect(sink.threads(3).count == 1 && sink.threads(3).first === Thread.current)
        sink.release.signal()
        try committer.drain()
        // Batch 1 only was prepared by the commit thread, which was waiting for it.
        #expect(sink.threads(1).count == 1 && sink.threads(1).first !== Thread.current)
        #expect(sink.commits.map(\.batch) == [1, 2, 3])
        #expect(sink.commits.allSatisfy { $0.prepared })
        for n in 1...3 { #expect(sink.threads(n).count == 1, "batch \(n) prepared once") }
    }
}
