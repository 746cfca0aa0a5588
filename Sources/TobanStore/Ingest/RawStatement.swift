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

    /// `cached`: prepared once per connection and kept (the hot statements); otherwise
    /// prepared for this use only (SQL whose text varies, e.g. a last, shorter chunk).
    init(_ db: Database, sql: String, cached: Bool = true) throws {
        self.db = db
        statement = cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
        handle = statement.sqliteStatement
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
        var text = value
        text.withUTF8 { bindText(UnsafeRawBufferPointer($0)) }
    }

    mutating func bind(_ json: JSONBytes) {
        json.bytes.withUnsafeBytes { bindText($0) }
    }

    /// UTF-8 bytes as TEXT. An empty buffer may have no address, and SQLite reads a NULL
    /// pointer as NULL, so empty text is bound from a literal.
    private mutating func bindText(_ bytes: UnsafeRawBufferPointer) {
        index += 1
        if let base = bytes.baseAddress, !bytes.isEmpty {
            sqlite3_bind_text(handle, index, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), rawTransient)
        } else {
            sqlite3_bind_text(handle, index, "", 0, rawTransient)
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
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
        }
    }
}

/// SQLite copies the bytes before `sqlite3_bind_text` returns.
private let rawTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
