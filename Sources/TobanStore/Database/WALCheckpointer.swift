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
/// would, and the log starts over: it stays near 64 MB plus one transaction. A backlog's
/// transactions (a second each, `BatchCommitter`) reach that size alone, so there the
/// writer still copies each one; letting the log grow to 256 MB moved most of that copying
/// here (5 % faster on the alert-heavy benchmark), but consoles reading beside the writer
/// look pages up through every 4,096 frames of log, and were slower with a log that long
/// (measured at 128 MB).
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
    /// start over: 64 MB, which consoles reading beside the writer still look through
    /// quickly (they did not at 128 MB).
    var inlineFrames: Int32 = 4096
    /// The log's frames when the last background copy was asked for.
    private var requestedAt: Int32 = 0
    private let condition = NSCondition()
    private var wanted = false
    private var stopping = false
    private var running = false
    /// The thread could not open its connection: the writer copies itself from then on.
    private var unavailable = false
    private var copies = 0

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
        if frames >= inlineFrames {
            sqlite3_wal_checkpoint_v2(connection, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            return
        }
        condition.lock()
        defer { condition.unlock() }
        if frames < requestedAt { requestedAt = 0 } // the log started over
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
        condition.lock()
        while true {
            while !wanted && !stopping { condition.wait() }
            if stopping { break }
            wanted = false
            condition.unlock()
            sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            condition.lock()
            copies += 1
        }
        condition.unlock()
    }
}
