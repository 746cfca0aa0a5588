import Foundation
import GRDB
import GRDBSQLite

/// Copies the write-ahead log back into the database on a thread of its own, for the
/// ingest writer's connection (`install(on:)`).
///
/// SQLite's automatic checkpoint runs in the thread that commits: a followed file's writer
/// stopped every few seconds for a copy and its fsync, and the lines behind waited. Here a
/// commit that added `backgroundFrames` since the last request only signals, and a separate
/// connection copies on the other core while the writer goes on.
///
/// The log starts over from its beginning only when everything in it was copied before the
/// writer's next transaction began, and a writer with a backlog begins the next one at once.
/// So once the log holds `inlineFrames`, the writer copies what is left itself, as SQLite
/// would (after waiting for a background copy under way), and the log starts over. That
/// copy stops the writer, and the reading thread with it once its queue is full: a copy of
/// one backlog transaction (a second each, `BatchCommitter`, about 6,000 frames: 96 MB) and
/// its two fsyncs took 165 and 175 ms of the writer's thread in a 5.6 s alert-heavy run.
/// The log is let grow to about five of them, so that the background copies four while
/// the writer goes on, and the writer copies only every fifth. Copying every one itself,
/// the writer stopped for a quarter of a second each time (measured on the mix: three
/// stops of ~250 ms in a 3.8 s run); copying every other one (a 128 MB limit), the
/// alert-heavy benchmark took 6 % longer (14 alternated pairs: median 6.02 against 5.64 s,
/// 512 MB faster in 10). Consoles reading beside the writer look through the part of the
/// log not copied yet only, which background copies keep short: queue reads beside a
/// backlog took as long with a 128 MB limit as with 64 MB. The log file keeps the largest
/// size it reached, so a store's disk needs room for it.
///
/// The copying thread runs at the lowest priority: on a backlog the other core is busy
/// reading, and a copy should take only the time that thread leaves idle, not slow it.
///
/// Owned by its `TobanStore`, whose writer connection calls it: it lives as long as that,
/// and is stopped before the store's connections close (the last one to close removes the
/// log).
final class WALCheckpointer: @unchecked Sendable {
    // @unchecked: the mutable fields are touched with `condition` locked (the frame limits
    // are set before the hook is installed, by tests only).
    private let path: String
    /// Frames (16 KiB pages) committed since the last request past which a commit asks
    /// for a background copy: 8 MB, so that a followed file's small commits do not each
    /// cost a copy and its fsync.
    var backgroundFrames: Int32 = 512
    /// Frames in the log past which the writer copies the rest itself, so the log can
    /// start over: 512 MB, about five of a backlog's transactions.
    var inlineFrames: Int32 = 32_768
    /// The log's frames when the last background copy was asked for.
    private var requestedAt: Int32 = 0
    private let condition = NSCondition()
    private var wanted = false
    private var stopping = false
    private var running = false
    /// The thread could not open its connection: the writer copies itself from then on.
    private var unavailable = false
    private var copies = 0
    /// A background copy is under way (the writer's own copy would find it busy).
    private var copying = false
    /// The copying thread's nice value as the system reports it, once the thread runs.
    private var copyingNice: Int32?

    init(path: String) {
        self.path = path
    }

    deinit { stop() }

    /// Makes `db` (the writer connection) hand its checkpoints to this checkpointer instead
    /// of running SQLite's automatic one.
    func install(on db: Database) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_wal_hook(db.sqliteConnection, { context, connection, name, frames in
            Unmanaged<WALCheckpointer>.fromOpaque(context!).takeUnretainedValue()
                .committed(frames: frames, connection: connection, name: name)
            return SQLITE_OK
        }, context)
    }

    /// The copying thread's priority (its nice value, read back from the system), once
    /// it has started.
    var backgroundNice: Int32? {
        condition.lock()
        defer { condition.unlock() }
        return copyingNice
    }

    /// Background copies made so far.
    var backgroundCopies: Int {
        condition.lock()
        defer { condition.unlock() }
        return copies
    }

    /// Ends the thread (after the copy under way, if any).
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    /// After each commit of the writer connection, with the frames now in the log.
    private func committed(frames: Int32, connection: OpaquePointer?, name: UnsafePointer<CChar>?) {
        condition.lock()
        if frames < requestedAt { requestedAt = 0 } // the log started over
        if frames >= inlineFrames {
            // A copy under way holds SQLite's checkpoint lock, and the writer's own would
            // copy nothing: wait for it, then copy what it left (the last commit or so).
            while copying { condition.wait() }
            condition.unlock()
            sqlite3_wal_checkpoint_v2(connection, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            return
        }
        defer { condition.unlock() }
        guard frames - requestedAt >= backgroundFrames, !stopping, !unavailable else { return }
        requestedAt = frames
        wanted = true
        if !running {
            running = true
            let thread = Thread { [self] in loop() }
            thread.name = "toban-checkpoint"
            thread.start()
        }
        condition.broadcast()
    }

    private func loop() {
        var connection: OpaquePointer?
        // A connection of its own: a passive copy takes no lock that the writer waits for.
        // It copies nothing until it has read the database once (and so found its log).
        let opened = sqlite3_open_v2(path, &connection, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK
            && sqlite3_exec(connection, "PRAGMA cache_size = 16; SELECT 1 FROM sqlite_schema LIMIT 1", nil, nil, nil) == SQLITE_OK
        defer {
            sqlite3_close_v2(connection)
            condition.lock()
            running = false
            unavailable = unavailable || !opened
            condition.broadcast()
            condition.unlock()
        }
        // Without a connection the writer copies itself once the log reaches `inlineFrames`.
        guard opened else { return }
        let nice = Self.lowerThisThreadsPriority()
        condition.lock()
        copyingNice = nice
        while true {
            while !wanted && !stopping { condition.wait() }
            if stopping { break }
            wanted = false
            copying = true
            condition.unlock()
            sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            condition.lock()
            copying = false
            copies += 1
            condition.broadcast()
        }
        condition.unlock()
    }

    /// Nice 19 for the calling thread only (on Linux a priority set for process 0 applies
    /// to the calling thread, not to the others of the process); returns the thread's nice
    /// value as read back.
    private static func lowerThisThreadsPriority() -> Int32? {
        #if os(Linux)
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        _ = setpriority(which, 0, 19)
        return getpriority(which, 0)
        #else
        return nil
        #endif
    }
}
