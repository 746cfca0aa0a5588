import Foundation
import Testing
import TobanCore
import TobanStore
import TobanTestSupport

@Suite struct QueryCommandTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000.123)

    static func detection(_ customer: String, _ signature: String, _ severity: Severity, src: String, endpoint: String?, at: Date) -> Detection {
        makeDetection(customer: customer, sensor: "sensor-\(customer)", signature: signature, name: "ET TEST \(signature) \"quoted\"",
                      category: "Misc", severity: severity, src: src, srcPort: 51000, dst: "203.0.113.80", dstPort: 80,
                      endpoint: endpoint, at: at, raw: "")
    }

    /// acme: a P2, a P3 (closed), a P5 without endpoint; beta: a P2.
    static func seeded() throws -> (TemporaryDirectory, TobanStore) {
        let dir = TemporaryDirectory()
        let store = try TobanStore(path: dir.storePath)
        let customers = [Customer(id: "acme", displayName: "ACME"), Customer(id: "beta", displayName: "Beta")]
        try store.commit(IngestBatch(detections: [
            detection("acme", "1", .high, src: "10.0.0.1", endpoint: "10.0.0.1", at: t0),
            detection("acme", "2", .medium, src: "10.0.0.2", endpoint: "10.0.0.2", at: t0 + 1),
            detection("acme", "3", .informational, src: "10.0.0.3", endpoint: nil, at: t0 + 2),
            detection("beta", "4", .high, src: "192.168.0.4", endpoint: "192.168.0.4", at: t0 + 3),
        ]), customers: customers, now: t0 + 10)
        let closed = try #require(try store.detections(DetectionFilter(signature: "ET TEST 2")).first)
        try store.dispose([closed.id], disposition: .falsePositive, actor: "yamada", at: t0 + 20)
        let beta = try #require(try store.detections(DetectionFilter(customers: ["beta"])).first)
        _ = try store.escalate([beta.id], comment: "c", actor: "yamada", at: t0 + 30, to: "lead")
        _ = try store.createNotification(CustomerNotification(customerID: "beta", urgency: .p2, recipients: ["soc@beta.example"],
                                                              subject: "s", body: "b", dueAt: t0 + 600, createdAt: t0 + 30),
                                         actor: "yamada", at: t0 + 30)
        return (dir, store)
    }

    static func objects(_ result: TobanBinary.Result) throws -> [[String: Any]] {
        try result.lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    static let detectionFields = ["id", "customer", "sensor", "signature", "signature_id", "category", "severity", "urgency", "src_ip",
                                  "src_port", "dest_ip", "dest_port", "proto", "endpoint", "count", "first_seen", "last_seen", "status",
                                  "disposition", "assignee"]

    /// The first and last millisecond of the calendar print as they were stored (not as
    /// 0001-01-03, nor in the year 10000).
    @Test func datesAtTheEdgesOfTheCalendarPrintAsStored() throws {
        let dir = TemporaryDirectory()
        let store = try TobanStore(path: dir.storePath)
        let edges = [Date(timeIntervalSince1970: -62_135_596_800), Date(timeIntervalSince1970: 253_402_300_799.999)]
        try store.commit(IngestBatch(detections: edges.enumerated().map { i, t in
            Self.detection("acme", "\(i)", .high, src: "10.0.0.\(i + 1)", endpoint: nil, at: t)
        }), customers: [Customer(id: "acme", displayName: "ACME")], now: Self.t0)
        try store.close()
        let result = try TobanBinary.run(["query", "detections", "--store", dir.storePath, "--json"], in: dir.url)
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try Self.objects(result)
        #expect(Set(rows.compactMap { $0["first_seen"] as? String }) == ["0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"])
    }

    @Test func detectionsAsJSONLinesHaveTheStableFields() throws {
        let (dir, store) = try Self.seeded()
        defer { try? store.close() }
        let result = try TobanBinary.run(["query", "detections", "--store", dir.storePath, "--json"], in: dir.url)
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try Self.objects(result)
        #expect(rows.count == 4)
        for (line, row) in zip(result.lines, rows) {
            #expect(Set(row.keys) == Set(Self.detectionFields))
            // Field order is stable too.
            let positions = Self.detectionFields.map { line.range(of: "\"\($0)\":")!.lowerBound }
            #expect(positions == positions.sorted())
        }
        // Queue order: P2s first (newest first), closed P3, then P5.
        #expect(rows.map { $0["urgency"] as? String } == ["P2", "P2", "P3", "P5"])
        #expect(rows.map { $0["signature_id"] as? String } == ["4", "1", "2", "3"])
        let first = rows[0]
        #expect(first["customer"] as? String == "beta")
        #expect(first["signature"] as? String == "ET TEST 4 \"quoted\"")
        #expect(first["severity"] as? String == "high")
        #expect(first["src_ip"] as? String == "192.168.0.4" && first["src_port"] as? Int == 51000)
        #expect(first["dest_ip"] as? String == "203.0.113.80" && first["dest_port"] as? Int == 80 && first["proto"] as? String == "TCP")
        #expect(first["status"] as? String == "escalated" && first["assignee"] as? String == "yamada")
        #expect(first["disposition"] is NSNull)
        #expect(first["count"] as? Int == 1)
        #expect(first["last_seen"] as? String == "2026-09-21T14:13:23.123Z")
        #expect(rows[3]["endpoint"] is NSNull)
        #expect(rows[2]["disposition"] as? String == "false_positive")
    }

    @Test func filtersNarrowTheOutput() throws {
        let (dir, store) = try Self.seeded()
        defer { try? store.close() }
        func ids(_ extra: [String]) throws -> [String] {
            let r = try TobanBinary.run(["query", "detections", "--store", dir.storePath, "--json"] + extra, in: dir.url)
            #expect(r.status == 0, "\(r.stderr)")
            return try Self.objects(r).map { $0["signature_id"] as? String ?? "?" }
        }
        #expect(try ids(["--customer", "acme"]) == ["1", "2", "3"])
        #expect(try ids(["--customer", "acme,beta", "--urgency", "P2"]) == ["4", "1"])
        #expect(try ids(["--urgency", "P3..P5"]) == ["2", "3"])
        #expect(try ids(["--status", "closed"]) == ["2"])
        #expect(try ids(["--status", "new", "--status", "escalated"]) == ["4", "1", "3"])
        #expect(try ids(["--limit", "2"]) == ["4", "1"])
        #expect(try ids(["--customer", "nobody"]).isEmpty)
    }

    @Test func badFilterValuesExitWithUsageError() throws {
        let (dir, store) = try Self.seeded()
        defer { try? store.close() }
        for (args, message) in [(["--urgency", "P9"], "P9"), (["--urgency", "P3..P1"], "range"), (["--status", "bogus"], "bogus"),
                                (["--limit", "0"], "--limit")] {
            let r = try TobanBinary.run(["query", "detections", "--store", dir.storePath] + args, in: dir.url)
            #expect(r.status == 64, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(message), "\(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
        let missing = try TobanBinary.run(["query", "detections", "--store", dir.url.appendingPathComponent("none.sqlite").path], in: dir.url)
        #expect(missing.status != 0 && missing.stderr.contains("no store"))
        #expect(!FileManager.default.fileExists(atPath: dir.url.appendingPathComponent("none.sqlite").path))
        let urgencyOnEndpoints = try TobanBinary.run(["query", "endpoints", "--store", dir.storePath, "--urgency", "P1"], in: dir.url)
        #expect(urgencyOnEndpoints.status == 64)
    }

    @Test func tableOutputIsAligned() throws {
        let (dir, store) = try Self.seeded()
        defer { try? store.close() }
        let r = try TobanBinary.run(["query", "detections", "--store", dir.storePath], in: dir.url)
        #expect(r.status == 0)
        let lines = r.lines
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("ID      URG CUSTOMER    STATUS"))
        let signatureColumn = try #require(lines[0].range(of: "SIGNATURE")).lowerBound.utf16Offset(in: lines[0])
        for line in lines.dropFirst() {
            #expect(line.contains("ET TEST"))
            #expect(line.range(of: "ET TEST")!.lowerBound.utf16Offset(in: line) == signatureColumn)
        }
    }

    @Test func endpointsIncidentsAndNotifications() throws {
        let (dir, store) = try Self.seeded()
        defer { try? store.close() }
        let endpoints = try Self.objects(try TobanBinary.run(["query", "endpoints", "--store", dir.storePath, "--json"], in: dir.url))
        #expect(Set(endpoints.first?.keys.map { $0 } ?? []) == ["customer", "ip", "hostname", "mac", "risk_score", "status", "first_seen",
                                                                 "last_seen", "detections", "distinct_signatures"])
        #expect(endpoints.count == 3)
        let risks = endpoints.compactMap { $0["risk_score"] as? Double }
        #expect(risks == risks.sorted(by: >))
        #expect(try Self.objects(try TobanBinary.run(["query", "endpoints", "--store", dir.storePath, "--json", "--customer", "beta"], in: dir.url))
            .map { $0["ip"] as? String } == ["192.168.0.4"])

        let incidents = try Self.objects(try TobanBinary.run(["query", "incidents", "--store", dir.storePath, "--json", "--status", "open"], in: dir.url))
        #expect(incidents.count == 1)
        #expect(incidents.first?["customer"] as? String == "beta" && incidents.first?["escalated_to"] as? String == "lead")
        #expect(incidents.first?["urgency"] as? String == "P2")
        #expect(try Self.objects(try TobanBinary.run(["query", "incidents", "--store", dir.storePath, "--json", "--status", "closed"], in: dir.url)).isEmpty)

        let notes = try Self.objects(try TobanBinary.run(["query", "notifications", "--store", dir.storePath, "--json"], in: dir.url))
        #expect(notes.count == 1)
        #expect(notes.first?["state"] as? String == "draft" && notes.first?["recipients"] as? [String] == ["soc@beta.example"])
        #expect(notes.first?["body"] == nil)
    }
}
