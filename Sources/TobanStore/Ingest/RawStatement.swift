import GRDB
import GRDBSQLite

/// The ingest writer's hot statements, bound and stepped through SQLite's C API.
///
/// GRDB's `execute(arguments:)` boxes every value into a `DatabaseValue` array and checks
/// it; for a 30-column detection row, tens of thousands of times per second, that costs
/// several times the SQLite work itself. The statement stays GRDB's (cached, finalized by
/// GRDB when the connection closes); only binding and stepping bypass it.
struct RawStatement {
    private let statement: Statement
    private let handle: OpaquePointer
    private let db: Database
    private var index: Int32 = 0
    private let arena: BindArena

    /// `cached`: prepared once per connection and kept (the hot statements); otherwise
    /// prepared for this use only (SQL whose text varies, e.g. a last, shorter chunk).
    init(_ db: Database, sql: String, cached: Bool = true) throws {
        self.db = db
        statement = cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
        handle = statement.sqliteStatement
        arena = BindArena(statement: statement)
        sqlite3_reset(handle)
    }

    mutating func bind(_ value: Int64) {
        index += 1
        sqlite3_bind_int64(handle, index, value)
    }

    mutating func bind(_ value: Int) { bind(Int64(value)) }

    mutating func bind(_ value: Int?) {
        if let value { bind(Int64(value)) } else { bindNull() }
    }

    mutating func bind(_ value: Double) {
        index += 1
        sqlite3_bind_double(handle, index, value)
    }

    mutating func bind(_ value: String) {
        value.withUTF8Bytes { bindText(UnsafeRawBufferPointer($0)) }
    }

    mutating func bind(_ json: JSONBytes) {
        json.bytes.withUnsafeBytes { bindText($0) }
    }

    /// UTF-8 bytes as TEXT.
    mutating func bind(_ text: ArraySlice<UInt8>) {
        text.withUnsafeBytes { bindText($0) }
    }

    /// UTF-8 bytes as TEXT. An empty buffer may have no address, and SQLite reads a NULL
    /// pointer as NULL, so empty text is bound from a literal. Text is copied into the
    /// statement's arena and bound without a copy of SQLite's own (which would free and
    /// allocate a buffer per value); text the arena has no room for is copied by SQLite.
    private mutating func bindText(_ bytes: UnsafeRawBufferPointer) {
        index += 1
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            sqlite3_bind_text(handle, index, "", 0, rawTransient)
            return
        }
        if let copy = arena.copy(bytes) {
            sqlite3_bind_text(handle, index, copy, Int32(bytes.count), nil) // nil: SQLITE_STATIC
        } else {
            sqlite3_bind_text(handle, index, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), rawTransient)
        }
    }

    mutating func bind(_ value: String?) {
        if let value { bind(value) } else { bindNull() }
    }

    mutating func bindNull() {
        index += 1
        sqlite3_bind_null(handle, index)
    }

    /// Runs the statement with what was bound, then readies it for the next row.
    mutating func run() throws {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        index = 0
        arena.used = 0 // every value is bound again before the next step
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
        }
    }
}

/// Text bound to one statement for one step. SQLite reads it in place (SQLITE_STATIC)
/// until the step; the next row overwrites it, after binding every parameter anew. When
/// the statement is done with (this arena freed), its bindings are cleared, so the cached
/// statement never holds a pointer into freed memory.
private final class BindArena {
    static let capacity = 64 << 10
    /// Held so that the statement outlives the arena (clearing needs it unfinalized).
    let statement: Statement
    let base = UnsafeMutableRawPointer.allocate(byteCount: BindArena.capacity, alignment: 8)
    var used = 0

    init(statement: Statement) { self.statement = statement }

    deinit {
        sqlite3_clear_bindings(statement.sqliteStatement)
        base.deallocate()
    }

    /// A copy of `bytes` valid until the arena is reused, or nil when it has no room.
    func copy(_ bytes: UnsafeRawBufferPointer) -> UnsafePointer<CChar>? {
        guard used + bytes.count <= Self.capacity, let source = bytes.baseAddress else { return nil }
        let target = base + used
        target.copyMemory(from: source, byteCount: bytes.count)
        used += bytes.count
        return UnsafePointer(target.assumingMemoryBound(to: CChar.self))
    }
}

/// SQLite copies the bytes before `sqlite3_bind_text` returns.
private let rawTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
