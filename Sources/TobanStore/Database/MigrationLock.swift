#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Serialises schema migration between processes opening the same new store (an ingest
/// and a console started together, or a second ingest by mistake). GRDB reads which
/// migrations are applied outside the transactions that apply them, so two processes
/// could both decide to create the tables, and the second failed with "table … already
/// exists".
///
/// The lock is flock(2) on the store's directory: it needs no file of its own, and flock
/// locks are independent of the fcntl locks SQLite holds on the database file (closing a
/// descriptor of the database itself would drop those).
enum MigrationLock {
    static func holding<T>(directoryOf path: String, _ body: () throws -> T) throws -> T {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return try body() } // no lock to be had: migrate as before
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { return try body() }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
