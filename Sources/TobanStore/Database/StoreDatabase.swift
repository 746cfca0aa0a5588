import Foundation
import GRDB
import TobanCore

/// The SQLite store shared by one ingest writer process and several console processes.
///
/// Every method is synchronous and thread-safe: reads run on the pool's reader
/// connections (WAL snapshots, never blocked by the writer), writes are serialised on the
/// single writer connection and wrapped in one transaction each (GRDB opens writes with `BEGIN IMMEDIATE`), so a
/// change and its audit row (or a batch and its checkpoint) commit together or not at all.
public final class TobanStore: Sendable {
    /// Where the store lives on disk.
    public let path: String
    /// A pool of WAL readers and one writer; for a store opened read-only from a place that
    /// cannot hold SQLite's shared-memory file, one immutable connection.
    let pool: any DatabaseWriter
    private let localCommits = LocalCommitCounter()
    /// Copies the log back for the ingest writer's connection (`WALCheckpointer`).
    let walCheckpointer: WALCheckpointer

    /// How long the writer connection waits for another process's write lock before
    /// failing. (Readers keep GRDB's own reader busy timeout, 10 s: in WAL mode they wait
    /// only in rare cases such as WAL recovery after a crash.)
    public static let busyTimeout: TimeInterval = 5

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    /// When the schema is already current, opening takes no write lock of SQLite's (only a
    /// moment's lock on the directory), so consoles open the file while ingest commits.
    public init(path: String) throws {
        self.path = path
        walCheckpointer = WALCheckpointer(path: path)
        var config = Configuration()
        config.label = "TobanStore"
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(TobanStore.busyTimeout)
        config.journalMode = .wal
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA page_size = 16384")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            SQLFunctions.install(in: db)
        }
        // Opening (which turns a new file to WAL, a change needing the file to itself) and
        // migrating happen under one lock: a process opening the store while another
        // creates or migrates it waits for it instead of finding the file busy.
        pool = try MigrationLock.holding(directoryOf: path) {
            let pool: DatabasePool
            do {
                pool = try DatabasePool(path: path, configuration: config)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB {
                throw StoreError.damaged(store: path, findings: [error.message ?? "\(error)"])
            }
            let migrator = StoreMigrations.migrator
            if try !pool.read({ db in try migrator.hasCompletedMigrations(db) }) { try migrator.migrate(pool) }
            return pool
        }
    }

    /// Opens the store at `path` for reading only (`toban query`, reports): no write access
    /// is needed to the file or its directory, no lock is taken beyond a reader's, and the
    /// schema is left as it is. Where SQLite cannot share the writer's WAL index (a
    /// read-only directory without it), the file is read as an immutable snapshot: nothing
    /// can be writing to it there.
    public init(readingAt path: String) throws {
        self.path = path
        walCheckpointer = WALCheckpointer(path: path)
        var config = Configuration()
        config.label = "TobanStore (read-only)"
        config.readonly = true
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(TobanStore.busyTimeout)
        config.prepareDatabase { db in SQLFunctions.install(in: db) }
        do {
            pool = try Self.openReadOnly(path: path, configuration: config)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB {
            throw StoreError.damaged(store: path, findings: [error.message ?? "\(error)"])
        }
        guard try pool.read({ db in try StoreMigrations.migrator.hasCompletedMigrations(db) }) else {
            throw StoreError.invalidArgument("the store at \(path) has an older schema; open it once with write access "
                                             + "(toban ingest or the console) to bring it up to date")
        }
    }

    private static func openReadOnly(path: String, configuration: Configuration) throws -> any DatabaseWriter {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw StoreError.invalidArgument("cannot read the store at \(path)")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            try pool.read { db in try db.execute(sql: "SELECT 1 FROM sqlite_master LIMIT 1") }
            return pool
        } catch let error as DatabaseError where error.resultCode != .SQLITE_CORRUPT && error.resultCode != .SQLITE_NOTADB {
            var allowed = CharacterSet.urlPathAllowed
            allowed.remove(charactersIn: "?#%")
            let escaped = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
            let queue = try DatabaseQueue(path: "file:" + escaped + "?immutable=1", configuration: configuration)
            try queue.read { db in try db.execute(sql: "SELECT 1 FROM sqlite_master LIMIT 1") }
            return queue
        }
    }

    /// Throws `StoreError.damaged` when SQLite's quick_check finds a corrupted page: the
    /// ingest writer checks before writing, so a damaged store is refused with a clear
    /// message instead of being written into (or silently read as empty).
    public func checkIntegrity() throws {
        let findings = try read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(5)") }
        if findings != ["ok"] { throw StoreError.damaged(store: path, findings: findings) }
    }

    /// Identifiers of the migrations applied to this file, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try StoreMigrations.migrator.appliedMigrations(db) }
    }

    /// A number that changes whenever the store's content may have changed, for cheap polling.
    ///
    /// `PRAGMA data_version` only moves when *another* connection commits, and each pool
    /// connection has its own value. So it is always read on this store's single writer
    /// connection (which sees every other process's and store's commits), and the number of
    /// commits this store made itself is added to it. Compare values from the same
    /// `TobanStore` instance only.
    public func dataVersion() throws -> Int64 {
        let pragma = try pool.writeWithoutTransaction { db in
            try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0
        }
        return pragma + localCommits.value
    }

    /// One write transaction; counts the commit for `dataVersion()`.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        let result = try pool.write(body)
        localCommits.increment()
        return result
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    // The checkpointer's connection closes first: the pool's last connection then finds
    // itself the store's last, copies the log back and removes it.
    deinit { walCheckpointer.stop() }

    /// Closes the connections; the store must not be used afterwards.
    public func close() throws {
        walCheckpointer.stop()
        try pool.close()
    }
}

/// Commits made through this instance (they do not move its own `data_version`).
final class LocalCommitCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count: Int64 = 0
    var value: Int64 { lock.lock(); defer { lock.unlock() }; return count }
    func increment() { lock.lock(); count += 1; lock.unlock() }
}
