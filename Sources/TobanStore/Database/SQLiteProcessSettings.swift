import CSQLite

/// SQLite settings that hold for the whole process, and can be made only before SQLite's
/// first use (before any connection opens). Each executable applies them first thing,
/// while it has one thread.
public enum SQLiteProcessSettings {
    /// Turns SQLite's memory statistics off. Debian builds SQLite with them on and without
    /// its per-connection allocator (lookaside), so every allocation and free SQLite makes
    /// takes a process-wide mutex to count it: about 30 of each per detection the ingest
    /// writer stores. Off, the commit thread runs 3.7 % fewer instructions on the
    /// alert-heavy benchmark file and 5.1 % fewer on the mix. Toban reads none of those
    /// statistics.
    ///
    /// Returns false, changing nothing, when SQLite is already in use in this process.
    @discardableResult
    public static func apply() -> Bool {
        toban_sqlite3_disable_memory_statistics() == SQLITE_OK
    }
}
