#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TobanCore

/// Commits batches on a thread of its own, strictly in the order they were submitted,
/// while the caller reads and parses the next ones (two cores instead of one).
///
/// Exactly-once is unchanged: each batch is still one `sink.commit` with the checkpoints
/// it reaches. After a failed commit nothing later is committed (a later checkpoint must
/// never land without the rows before it); the failure is rethrown to the caller by the
/// next `submit` or `drain`. At most `capacity` batches are queued or committing, so memory
/// stays bounded.
final class BatchCommitter: @unchecked Sendable {
    // Sendable by hand: every mutable field is only touched with `condition` locked, and
    // the sink is only used by the commit thread (or by the caller after `drain`).
    private let sink: IngestSink
    private let capacity: Int
    private let condition = NSCondition()
    private var queue: [IngestBatch] = []
    /// Committed batches, handed back to be freed by the thread that allocated them.
    private var spent: [IngestBatch] = []
    private var busy = false
    private var failure: (any Error)?
    private var closing = false
    private var started = false
    private var running = false

    init(sink: IngestSink, capacity: Int) {
        self.sink = sink
        self.capacity = max(1, capacity)
    }

    deinit { close() }

    /// Queues `batch`, waiting while `capacity` batches already wait.
    func submit(_ batch: IngestBatch) throws {
        var batch = batch
        sink.prepare(&batch) // on the caller's thread, while the previous batch commits
        reclaim()
        condition.lock()
        defer { condition.unlock() }
        if !started {
            started = true
            running = true
            let thread = Thread { [self] in self.loop() }
            thread.name = "toban-commit"
            thread.start()
        }
        // A batch waits only while fewer than `capacity` are queued or being committed, so
        // with capacity 1 at most two batches exist: one committing, one being read.
        while queue.count + (busy ? 1 : 0) >= capacity && failure == nil { condition.wait() }
        if let failure { throw failure }
        queue.append(batch)
        condition.broadcast()
    }

    /// Returns once everything submitted is committed; rethrows a commit failure.
    func drain() throws {
        defer { reclaim() }
        condition.lock()
        defer { condition.unlock() }
        while (!queue.isEmpty || busy) && failure == nil { condition.wait() }
        if let failure { throw failure }
    }

    /// Frees what the commit thread has finished with, on the caller's (reading) thread:
    /// the one that allocated it, not the busier commit thread. The reader calls this after
    /// every poll, so a committed batch does not live on beside the next two.
    func reclaim() {
        condition.lock()
        var done = spent
        spent = []
        condition.unlock()
        guard !done.isEmpty else { return }
        done = []
        // Hands freed pages back to the system, so that peak RSS does not keep the
        // high-water mark of every batch size the input happens to produce.
        #if canImport(Glibc)
        if let trim = Self.mallocTrim { _ = trim(0) }
        #endif
    }

    #if canImport(Glibc)
    private typealias MallocTrim = @convention(c) (Int) -> Int32
    private static let mallocTrim: MallocTrim? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim")
        .map { unsafeBitCast($0, to: MallocTrim.self) }
    #endif

    /// Lets the thread finish what is queued and end.
    func close() {
        condition.lock()
        closing = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func loop() {
        condition.lock()
        while true {
            while queue.isEmpty && !closing { condition.wait() }
            if queue.isEmpty || failure != nil { break }
            let batch = queue.removeFirst()
            busy = true
            condition.broadcast()
            condition.unlock()
            var thrown: (any Error)?
            do { try sink.commit(batch) } catch { thrown = error }
            condition.lock()
            spent.append(batch)
            busy = false
            if let thrown {
                failure = thrown
                queue.removeAll()
            }
            condition.broadcast()
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }
}
