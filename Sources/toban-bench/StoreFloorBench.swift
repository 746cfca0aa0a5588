// toban-bench store-floor: what storing detections costs SQLite alone on this machine, and
// so the fastest any ingest into this store could be.
//
//   toban-bench store-floor [--rows 100000] [--runs 3] [--per-commit 20000] [--per-statement 1] [FILE…]
//
// Creates a fresh store with the real migrations and inserts `--rows` detection rows through
// one prepared statement and SQLite's C API, `--per-commit` rows per transaction and
// `--per-statement` rows per INSERT (a multi-row VALUES list): no parsing, no aggregation lookup, no endpoint, tally or context write, none of
// Toban's own code on the path. It does so twice: with the detections table as the console
// needs it (its secondary indexes), and with those indexes dropped (the bare row). The rows
// have the shape ingest gives them: internal source, random external destination, a
// ten-signature mix, a 500-byte raw line.
//
// For each FILE it then counts the detections the real parser finds per line and prints the
// ceiling that follows: lines/s ≤ 1 / (cost of a row × detections per line), even if the
// commit thread did nothing else and nothing waited for it.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GRDB
import GRDBSQLite
import TobanCore
import TobanIngest
import TobanStore

enum StoreFloorBench {
    static func main(_ arguments: [String]) -> Int32 {
        var rows = 100_000
        var runs = 3
        var shape = InsertShape()
        var files: [String] = []
        var i = 0
        while i < arguments.count {
            switch arguments[i] {
            case "--rows" where i + 1 < arguments.count:
                rows = max(1000, Int(arguments[i + 1]) ?? rows); i += 2
            case "--runs" where i + 1 < arguments.count:
                runs = max(1, Int(arguments[i + 1]) ?? runs); i += 2
            case "--per-commit" where i + 1 < arguments.count:
                shape.rowsPerCommit = max(1, Int(arguments[i + 1]) ?? shape.rowsPerCommit); i += 2
            case "--per-statement" where i + 1 < arguments.count:
                shape.rowsPerStatement = min(1000, max(1, Int(arguments[i + 1]) ?? shape.rowsPerStatement)); i += 2
            default:
                files.append(arguments[i]); i += 1
            }
        }
        do {
            var indexed: [Double] = []
            var bare: [Double] = []
            for _ in 0..<runs {
                indexed.append(try secondsToInsert(rows: rows, dropIndexes: false, shape: shape))
                bare.append(try secondsToInsert(rows: rows, dropIndexes: true, shape: shape))
            }
            let perIndexed = median(indexed) / Double(rows)
            let perBare = median(bare) / Double(rows)
            print("""
            store floor: \(rows) detection rows, \(shape.rowsPerCommit) per commit, \(shape.rowsPerStatement) per INSERT, \(runs) runs (medians; every run listed)
              with the console's indexes  \(micro(perIndexed)) µs/row   (\(indexed.map { String(format: "%.2f s", $0) }.joined(separator: ", ")))
              bare row, no index          \(micro(perBare)) µs/row   (\(bare.map { String(format: "%.2f s", $0) }.joined(separator: ", ")))
            """)
            for file in files {
                guard let counts = countEvents(path: file, format: nil) else { return 1 }
                let share = Double(counts.detections) / Double(max(1, counts.lines))
                func ceiling(_ perRow: Double) -> String {
                    share > 0 ? String(format: "%.0f", 1 / (perRow * share)) : "unbounded"
                }
                print("""
                \(file): \(counts.detections) detections in \(counts.lines) lines (\(String(format: "%.1f", share * 100)) %)
                  ceiling with the console's indexes  \(ceiling(perIndexed)) lines/s
                  ceiling with bare rows              \(ceiling(perBare)) lines/s
                """)
            }
        } catch {
            FileHandle.standardError.write(Data("toban-bench store-floor: \(error)\n".utf8))
            return 1
        }
        return 0
    }

    private static func micro(_ seconds: Double) -> String { String(format: "%.2f", seconds * 1e6) }

    /// How the rows are handed to SQLite.
    struct InsertShape {
        var rowsPerCommit = 20_000
        var rowsPerStatement = 1
    }

    /// Wall seconds to insert `rows` rows into a fresh store (schema creation not counted).
    static func secondsToInsert(rows: Int, dropIndexes: Bool, shape: InsertShape = InsertShape()) throws -> Double {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("toban-floor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("floor.sqlite").path
        try TobanStore(path: path).close() // the real schema, every migration

        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        let pool = try DatabasePool(path: path, configuration: config)
        defer { try? pool.close() }
        if dropIndexes {
            try pool.write { db in
                let names = try String.fetchAll(db, sql: """
                    SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'detections' AND sql IS NOT NULL
                    """)
                for name in names { try db.execute(sql: "DROP INDEX \(name)") }
            }
        }
        // Every value is made before the clock starts: only binding and stepping are timed.
        let prepared = makeRows(rows)
        let fullSQL = insertSQL(rows: shape.rowsPerStatement)
        let started = DispatchTime.now().uptimeNanoseconds
        var done = 0
        while done < rows {
            let n = min(shape.rowsPerCommit, rows - done)
            try pool.writeWithoutTransaction { db in
                try db.inTransaction {
                    // Looked up once per commit: only a last, shorter INSERT needs text of its own.
                    let full = try db.cachedStatement(sql: fullSQL)
                    var next = done
                    while next < done + n {
                        let k = min(shape.rowsPerStatement, done + n - next)
                        let statement = k == shape.rowsPerStatement ? full : try db.cachedStatement(sql: insertSQL(rows: k))
                        let handle = statement.sqliteStatement
                        var column: Int32 = 0
                        func text(_ s: String) {
                            column += 1
                            var s = s
                            s.withUTF8 { sqlite3_bind_text(handle, column, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT_FLOOR) }
                        }
                        func int(_ v: Int64) { column += 1; sqlite3_bind_int64(handle, column, v) }
                        for row in prepared[next..<(next + k)] {
                            text(row.customer); text(row.sensor); text("eve"); text("/var/log/suricata/eve.json")
                            int(row.offset); int(row.time); int(row.time)
                            text(row.signatureID); text(row.signatureName); text("A Network Trojan was detected"); text("1")
                            int(row.urgency); int(row.urgency); text(row.reason)
                            text(row.source); int(row.sourcePort); text(row.destination); int(443)
                            text("TCP"); text(row.source); text(#"{"app_proto":"tls"}"#); int(1); int(row.time); int(row.time)
                            text("new"); text(row.raw); text(row.key); int(row.hash); int(row.endpointHash)
                        }
                        guard sqlite3_step(handle) == SQLITE_DONE else {
                            throw DatabaseError(message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                        }
                        sqlite3_reset(handle)
                        next += k
                    }
                    return .commit
                }
            }
            done += n
        }
        return Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    }

    struct Row {
        var customer, sensor, signatureID, signatureName, reason, source, destination, raw, key: String
        var offset, time, urgency, sourcePort, hash, endpointHash: Int64
    }

    /// The same rows on every run: internal sources of five customers, random external
    /// destinations, ten signatures, a 500-byte raw line each.
    static func makeRows(_ count: Int) -> [Row] {
        var generator = FloorRandom(seed: 7)
        let filler = String(repeating: "x", count: 430)
        return (0..<count).map { k in
            let customer = Int(generator.next() % 5)
            let source = "10.\(customer).\(generator.next() % 4).\(2 + generator.next() % 249)"
            let destination = "\(11 + generator.next() % 213).\(generator.next() % 256).\(generator.next() % 256).\(1 + generator.next() % 254)"
            let signature = 2_000_000 + Int(generator.next() % 10)
            let urgency = Int64(1 + generator.next() % 5)
            let time = Int64(1_795_000_000_000) + Int64(k) * 37
            return Row(customer: "c\(customer)", sensor: "sensor-\(customer)-1", signatureID: "1:\(signature)",
                       signatureName: "ET BENCH signature \(signature) observed", reason: "severity P\(urgency)",
                       source: source, destination: destination,
                       raw: #"{"timestamp":"2026-11-20T00:00:00.\#(k)+0900","event_type":"alert","x":"\#(filler)"}"#,
                       key: "c\(customer)|sensor-\(customer)-1|1:\(signature)|\(source)|\(destination)",
                       offset: Int64(k) * 450, time: time, urgency: urgency,
                       sourcePort: Int64(1024 + generator.next() % 60000), hash: Int64(bitPattern: generator.next()),
                       endpointHash: EndpointHash.of(customerID: "c\(customer)", endpoint: source))
        }
    }

    private static func insertSQL(rows: Int) -> String {
        """
        INSERT INTO detections (customer_id, sensor, source_format, source_name, source_offset, event_time, ingest_time,
            signature_id, signature_name, category, vendor_severity, severity, urgency, urgency_reason,
            src_ip, src_port, dest_ip, dest_port, transport, endpoint, evidence, count, first_seen, last_seen,
            status, raw, aggregation_key, aggregation_hash, endpoint_hash)
        VALUES \(Array(repeating: "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", count: rows).joined(separator: ","))
        """
    }
}

/// SQLite copies the bound text (the Swift string's storage is not kept alive past the call).
private let SQLITE_TRANSIENT_FLOOR = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// Knuth's MMIX linear congruential generator (high bits): every run inserts the same rows.
struct FloorRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 24
    }
}
