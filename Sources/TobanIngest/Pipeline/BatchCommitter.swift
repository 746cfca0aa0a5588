#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TobanCore

/// Commits batches on a thread of its own, strictly in the order they were submitted,
/// while the caller reads and parses the next ones (two cores instead of one).
///
/// While a backlog is read (a batch that does not settle, `IngestBatch.settles`), the
/// batches that follow join its transaction (`IngestSink.commit(_:then:)`) for up to
/// `maxGroupAge`: every commit writes out each index page it touched, and a backlog's
/// batches touch much the same pages, so one commit a second instead of several writes
/// them once. A batch that settles (the reader caught up: its lines should be visible
/// at once), `drain` and `close` end the group. Other writers wait for the store at most
/// about that long while a backlog is read.
///
/// Exactly-once is unchanged: a transaction holds its batches' rows with the checkpoints
/// they reach. After a failed commit nothing later is committed (a later checkpoint must
/// never land without the rows before it); the failure is rethrown to the caller by the
/// next `submit` or `drain`. At most `capacity` batches are queued or being written, so
/// memory stays bounded: a batch written into a still-open transaction is handed back to
/// be freed at once.
///
/// The sink's `prepare` runs on whichever thread would otherwise wait: on the reading
/// thread while the commit thread has work, and on the commit thread when it is already
/// waiting for the batch submitted. While the store is small or the file has few
/// detections, the reader is the slower of the two, and the commit thread idled while
/// the reader prepared.
final class BatchCommitter: @unchecked Sendable {
    // Sendable by hand: every mutable field is only touched with `condition` locked, and
    // the sink is only used by the commit thread (or by the caller after `drain`).
    private let sink: IngestSink
    private let capacity: Int
    private let clock: any TobanClock
    private let maxGroupAge: Duration
    private let condition = NSCondition()
    private var queue: [Queued] = []
    /// Committed batches, handed back to be freed by the thread that allocated them.
    private var spent: [IngestBatch] = []
    /// A batch is being written (counts against `capacity`).
    private var busy = false
    /// A transaction is open (`drain` waits for it to commit).
    private var inTransaction = false
    /// Callers waiting in `drain`: the open transaction ends with the batch being written.
    private var draining = 0
    private var failure: (any Error)?
    private var closing = false
    private var started = false
    private var running = false
    /// When freed pages were last handed back (`reclaim`); only the reading thread uses it.
    private var lastTrim: Duration?
    /// Freed pages are handed back at most this often: each time walks every arena, and
    /// the pages handed back are faulted in again by the batches that follow.
    static let trimInterval: Duration = .seconds(1)

    /// A submitted batch, and whether the sink has prepared it yet.
    private struct Queued {
        var batch: IngestBatch
        var prepared: Bool
    }

    init(sink: IngestSink, capacity: Int, clock: any TobanClock, maxGroupAge: Duration = .seconds(1)) {
        self.sink = sink
        self.capacity = max(1, capacity)
        self.clock = clock
        self.maxGroupAge = maxGroupAge
    }

    deinit { close() }

    /// Queues `batch`, waiting while `capacity` batches already wait.
    func submit(_ batch: IngestBatch) throws {
        var batch = batch
        condition.lock()
        // Nothing queued or being written: the commit thread waits for this batch (or has
        // not started), so it prepares the batch itself, and this thread reads on.
        let commitThreadWaits = queue.isEmpty && !busy
        condition.unlock()
        if !commitThreadWaits { sink.prepare(&batch) }
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
        // A batch waits while `capacity` are queued or being written, so at most
        // `capacity + 1` exist: those, and the one being read.
        while queue.count + (busy ? 1 : 0) >= capacity && failure == nil { condition.wait() }
        if let failure { throw failure }
        queue.append(Queued(batch: batch, prepared: !commitThreadWaits))
        condition.broadcast()
    }

    /// Returns once everything submitted is committed; rethrows a commit failure.
    func drain() throws {
        defer { reclaim() }
        condition.lock()
        defer { condition.unlock() }
        draining += 1
        defer { draining -= 1 }
        condition.broadcast()
        while (!queue.isEmpty || busy || inTransaction) && failure == nil { condition.wait() }
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
        // Hands freed pages back to the system, so that RSS does not keep the high-water
        // mark of every batch size the input happens to produce.
        #if canImport(Glibc)
        let now = clock.uptime
        if let trim = Self.mallocTrim, lastTrim.map({ now - $0 >= Self.trimInterval }) ?? true {
            lastTrim = now
            _ = trim(0)
        }
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
            // The batch being written is held here only, and goes to `spent` once written:
            // the reading thread that allocated it frees it (see `reclaim`).
            let first = queue.removeFirst()
            var current: IngestBatch? = first.batch
            var handedOut = false
            busy = true
            inTransaction = true
            condition.broadcast()
            condition.unlock()
            if !first.prepared { sink.prepare(&current!) } // outside the lock: the reader goes on
            let opened = clock.uptime
            var thrown: (any Error)?
            do {
                try sink.commitGroup {
                    guard handedOut else {
                        handedOut = true
                        return current
                    }
                    return self.nextInGroup(after: &current, openedAt: opened)
                }
            } catch { thrown = error }
            condition.lock()
            if let written = current {
                spent.append(written)
                current = nil
            }
            busy = false
            inTransaction = false
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

    /// The batch that joins the open transaction after `written` (which it hands back to
    /// be freed, and replaces), waiting for the reader to submit it; nil ends the
    /// transaction (see the type's comment for when).
    private func nextInGroup(after written: inout IngestBatch?, openedAt: Duration) -> IngestBatch? {
        guard written.map({ !$0.settles }) ?? false, clock.uptime - openedAt < maxGroupAge else { return nil }
        condition.lock()
        busy = false
        condition.broadcast()
        // Once draining or closing, what is queued still joins, but nothing is waited for.
        while queue.isEmpty && !closing && draining == 0 && failure == nil { condition.wait() }
        guard !queue.isEmpty, failure == nil else {
            condition.unlock()
            return nil
        }
        spent.append(written!)
        let next = queue.removeFirst()
        written = next.batch
        busy = true
        condition.broadcast()
        condition.unlock()
        if !next.prepared { sink.prepare(&written!) } // outside the lock: the reader goes on
        return written
    }
}
