import Foundation
import GRDB
import TobanCore
@testable import TobanStore

/// A fresh store in its own temporary directory (removed when the fixture is released).
final class StoreFixture: @unchecked Sendable {
    let directory: URL
    let store: TobanStore
    var path: String { directory.appendingPathComponent("toban.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("toban-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try TobanStore(path: directory.appendingPathComponent("toban.sqlite").path)
    }

    /// Opens an existing store file (its directory is left alone when released).
    init(path: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("toban-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try TobanStore(path: path)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try store.pool.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    func execute(_ sql: String) throws {
        try store.pool.write { db in try db.execute(sql: sql) }
    }
}

let t0 = Date(timeIntervalSince1970: 1_790_000_000)

func ip(_ text: String) -> IPAddress { IPAddress(text)! }

func makeDetection(customer: String = "acme", sensor: String = "s1", signature: String = "2010001", name: String = "ET POLICY test",
                   category: String = "", severity: Severity = .medium, src: String? = "10.0.0.5", dst: String? = "203.0.113.9",
                   endpoint: String? = "10.0.0.5", at: Date = t0, count: Int = 1, offset: Int64 = 0,
                   evidence: Evidence = Evidence()) -> Detection {
    Detection(customerID: customer, sensor: sensor, sourceFormat: .suricataEVE, sourcePosition: SourcePosition(source: "eve", offset: offset),
              eventTime: at, ingestTime: at, signature: Signature(id: signature, name: name, category: category),
              vendorSeverity: "2", severity: severity, sourceIP: src.map(ip), sourcePort: 49152, destinationIP: dst.map(ip),
              destinationPort: 443, transport: "TCP", endpoint: endpoint.map(ip), evidence: evidence, count: count,
              raw: "{\"alert\":\"\(name)\"}")
}

func checkpoint(_ source: String = "eve", offset: Int64) -> SourceCheckpoint {
    SourceCheckpoint(sourceID: source, path: "/var/log/suricata/eve.json", device: 2049, inode: 1234, fingerprint: 0xFEED_FACE_CAFE_BEEF, offset: offset)
}

let acme = Customer(id: "acme", displayName: "株式会社アクメ", networks: [try! CIDR(parsing: "10.0.0.0/8")], sensors: ["s1"])
let beta = Customer(id: "beta", displayName: "Beta Corp", networks: [try! CIDR(parsing: "192.168.0.0/16")], sensors: ["b1"])

/// Runs blocking work on its own thread (not on the few cooperative-pool threads), so that
/// concurrent writers and readers really run at the same time.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
        thread.start()
    }
}
