import Foundation
import GRDB
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

@Suite struct ErasureTests {
    @Test func erasureLeavesNothingOfTheCustomer() throws {
        let f = try StoreFixture()
        try f.store.saveCustomers([acme, beta], at: t0)
        let start = ContextBucket.bucketStart(for: t0)
        let cache = IngestWriteCache()
        try f.store.commit(IngestBatch(
            detections: [makeDetection(customer: "acme", name: "ACME-SECRET-SIGNATURE", endpoint: "10.0.0.5"),
                         makeDetection(customer: "acme", signature: "2", name: "other", endpoint: "10.0.0.6"),
                         makeDetection(customer: "beta", name: "beta sig", src: "192.168.0.5", endpoint: "192.168.0.5")],
            context: [ContextBucket(customerID: "acme", endpoint: ip("10.0.0.5"), bucketStart: start, counts: [.dns: 1],
                                    samples: [ContextSample(time: t0, kind: .dns, peer: nil, summary: "dns ACME-SECRET-HOST.example")]),
                      ContextBucket(customerID: "beta", endpoint: ip("192.168.0.5"), bucketStart: start, counts: [.dns: 1],
                                    samples: [ContextSample(time: t0, kind: .dns, peer: nil, summary: "dns beta.example")])],
            sensorHealth: [SensorHealthSample(sensor: "s1", customerID: "acme", at: t0, isHeartbeat: true),
                           SensorHealthSample(sensor: "b1", customerID: "beta", at: t0, isHeartbeat: true)]),
            customers: [acme, beta], now: t0, cache: cache)
        // A backlog's batch: its new endpoint waits, marked in `endpoint_marks`.
        var backlog = IngestBatch(detections: [makeDetection(customer: "acme", signature: "3", src: "10.0.0.7", endpoint: "10.0.0.7")])
        backlog.settles = false
        try f.store.commit(backlog, customers: [acme, beta], now: t0 + 0.5, cache: cache)
        #expect(try f.count("SELECT COUNT(*) FROM endpoint_marks WHERE customer_id = 'acme'") == 1)
        let acmeIDs = try f.store.detections(DetectionFilter(customers: ["acme"])).map(\.id)
        let (incident, _) = try f.store.escalate(acmeIDs, comment: "ACME-SECRET-COMMENT", actor: "yamada", at: t0)
        _ = try f.store.createNotification(CustomerNotification(customerID: "acme", incidentID: incident.id, urgency: .p2,
                                                                subject: "ACME-SECRET-SUBJECT", body: "ACME-SECRET-BODY", dueAt: t0, createdAt: t0),
                                           actor: "yamada", at: t0)
        try f.store.setEndpointStatus(customer: "acme", address: ip("10.0.0.5"), status: .suspect, note: "ACME-SECRET-NOTE", actor: "yamada", at: t0)
        let betaDetection = try #require(try f.store.detections(DetectionFilter(customers: ["beta"])).first)
        try f.store.acknowledge([betaDetection.id], actor: "sato", at: t0)

        let report = try f.store.eraseCustomer("acme", actor: "admin", at: t0 + 86_400)
        #expect(report.detections == 3 && report.endpoints == 2 && report.contextBuckets == 1 && report.incidents == 1
                && report.notifications == 1 && report.sensors == 1 && report.customerRow)

        for table in ["detections", "endpoints", "endpoint_marks", "context_parts", "incidents", "notifications", "sensors",
                      "queue_aggregates", "queue_group_totals"] {
            #expect(try f.count("SELECT COUNT(*) FROM \(table) WHERE customer_id = 'acme'") == 0, "\(table)")
        }
        #expect(try f.count("SELECT COUNT(*) FROM customers WHERE id = 'acme'") == 0)
        #expect(try f.count("SELECT COUNT(*) FROM incident_detections") == 0)
        // Exactly one audit row mentions the customer: the erasure, with counts only.
        let remaining = try f.store.pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM audit WHERE subject_id LIKE '%acme%' OR customer_id = 'acme'") }
        #expect(remaining.count == 1)
        #expect(remaining.first?["action"] == "erase customer")
        #expect(remaining.first?["actor"] == "admin")
        let dump = try f.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit").map { $0.description }.joined(separator: "\n")
        }
        #expect(!dump.contains("ACME-SECRET"))
        #expect(try f.store.audit(subject: .customer, id: "acme").first?.entry.after?.contains("\"detections\":3") == true)
        // The other customer is untouched.
        #expect(try f.store.detections(DetectionFilter(customers: ["beta"])).count == 1)
        #expect(try f.count("SELECT COUNT(*) FROM context_parts WHERE customer_id = 'beta'") == 1)
        #expect(try f.count("SELECT COUNT(*) FROM context_parts WHERE samples LIKE '%ACME-SECRET%'") == 0)
        #expect(try f.store.audit(subject: .detection, id: "\(betaDetection.id)").count == 1)
    }

    /// `sig~` matches stored signature names: an erased customer's go with it, and a name
    /// another customer still has (on an open or on a closed detection) stays.
    @Test func erasureKeepsTheSignatureNamesOtherCustomersStillHave() throws {
        let f = try StoreFixture()
        try f.store.saveCustomers([acme, beta], at: t0)
        try f.store.commit(IngestBatch(detections: [
            makeDetection(customer: "acme", signature: "1", name: "ACME-ONLY", endpoint: "10.0.0.5"),
            makeDetection(customer: "acme", signature: "2", name: "shared open"),
            makeDetection(customer: "acme", signature: "3", name: "shared closed"),
            makeDetection(customer: "beta", signature: "2", name: "shared open", src: "192.168.0.5", endpoint: "192.168.0.5"),
            makeDetection(customer: "beta", signature: "3", name: "shared closed", src: "192.168.0.6", endpoint: "192.168.0.6"),
        ]), customers: [acme, beta], now: t0)
        let betaClosed = try #require(try f.store.detections(DetectionFilter(customers: ["beta"], signature: "shared closed")).first)
        try f.store.dispose([betaClosed.id], disposition: .falsePositive, actor: "sato", at: t0)
        _ = try f.store.eraseCustomer("acme", actor: "admin", at: t0 + 86_400)
        let names = try f.store.pool.read { db in try String.fetchAll(db, sql: "SELECT signature_name FROM signature_names ORDER BY 1") }
        #expect(names == ["shared closed", "shared open"])
    }

    /// Ingest keeps what it cannot attribute under `unassigned`. Erasing a customer also
    /// removes those rows that were its own: from its sensors, or at addresses only its
    /// networks contain. Rows at an address another customer's networks also cover stay.
    @Test func erasureTakesTheCustomersUnassignedRowsToo() throws {
        let f = try StoreFixture()
        let gamma = Customer(id: "gamma", displayName: "Gamma", networks: [try! CIDR(parsing: "10.9.0.0/16")], sensors: ["g1"])
        try f.store.saveCustomers([acme, beta, gamma], at: t0)
        let unassigned = Customer.unassignedID
        let start = ContextBucket.bucketStart(for: t0)
        func context(_ endpoint: String) -> ContextBucket {
            ContextBucket(customerID: unassigned, endpoint: ip(endpoint), bucketStart: start, counts: [.dns: 1],
                          samples: [ContextSample(time: t0, kind: .dns, peer: nil, summary: "dns \(endpoint).example")])
        }
        try f.store.commit(IngestBatch(
            detections: [makeDetection(customer: unassigned, sensor: "s1", name: "from acme's sensor", src: "172.16.0.1", endpoint: "172.16.0.1"),
                         makeDetection(customer: unassigned, sensor: "x", signature: "2", name: "acme address", endpoint: "10.0.0.7"),
                         makeDetection(customer: unassigned, sensor: "x", signature: "3", name: "shared address", src: "10.9.1.1", endpoint: "10.9.1.1"),
                         makeDetection(customer: unassigned, sensor: "x", signature: "4", name: "beta address", src: "192.168.1.1", endpoint: "192.168.1.1")],
            context: [context("10.0.0.7"), context("10.9.1.1"), context("192.168.1.1")],
            sensorHealth: [SensorHealthSample(sensor: "s1", customerID: unassigned, at: t0, isHeartbeat: true),
                           SensorHealthSample(sensor: "x", customerID: unassigned, at: t0, isHeartbeat: true)]),
            customers: [acme, beta, gamma], now: t0)
        let acmeAddress = try #require(try f.store.detections(DetectionFilter(customers: [unassigned])).first { $0.signature.id == "2" })
        try f.store.acknowledge([acmeAddress.id], actor: "sato", at: t0)

        let report = try f.store.eraseCustomer("acme", actor: "admin", at: t0 + 60)
        #expect(report.unassignedDetections == 2)
        #expect(report.unassignedEndpoints == 2)
        #expect(report.unassignedContextBuckets == 1)
        let left = try f.store.detections(DetectionFilter(customers: [unassigned])).map(\.signature.name).sorted()
        #expect(left == ["beta address", "shared address"])
        #expect(try f.count("SELECT COUNT(*) FROM context_parts WHERE customer_id = 'unassigned'") == 2)
        #expect(try f.count("SELECT COUNT(*) FROM context_parts WHERE samples LIKE '%10.0.0.7%'") == 0)
        #expect(try f.count("SELECT COUNT(*) FROM endpoints WHERE ip IN ('10.0.0.7', '172.16.0.1')") == 0)
        #expect(try f.count("SELECT COUNT(*) FROM sensors WHERE name = 's1'") == 0)
        #expect(try f.count("SELECT COUNT(*) FROM sensors WHERE name = 'x'") == 1)
        #expect(try f.store.audit(subject: .detection, id: "\(acmeAddress.id)").isEmpty)
        #expect(try f.store.audit(subject: .customer, id: "acme").first?.entry.after?.contains("\"unassigned_detections\":2") == true)
        // The queue's counts follow the deleted open rows.
        #expect(try f.count("SELECT COALESCE(SUM(open_count), 0) FROM queue_aggregates WHERE dimension = 'customer' AND customer_id = 'unassigned'") == 2)
    }
}
