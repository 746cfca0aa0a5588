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
        index += 1
        var text = value
        text.withUTF8 { bytes in
            // An empty buffer may have no address; SQLite reads a NULL pointer as NULL.
            if let base = bytes.baseAddress {
                _ = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    sqlite3_bind_text(handle, index, $0, Int32(bytes.count), rawTransient)
                }
            } else {
                _ = sqlite3_bind_text(handle, index, "", 0, rawTransient)
            }
        }
    }

    mutating func bind(_ json: JSONBytes) {
        index += 1
        json.bytes.withUnsafeBytes { buffer in
            if let base = buffer.baseAddress, !buffer.isEmpty {
                _ = sqlite3_bind_text(handle, index, base.assumingMemoryBound(to: CChar.self), Int32(buffer.count), rawTransient)
            } else {
                _ = sqlite3_bind_text(handle, index, "", 0, rawTransient)
            }
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
