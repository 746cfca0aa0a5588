import Foundation
import GRDB
import Testing
import TobanCore
@testable import TobanStore

@Suite struct ErasureTests {
    @Test func erasureLeavesNothingOfTheCustomer() throws {
        let f = try StoreFixture()
        try f.store.saveCustomers([acme, beta], at: t0)
        let start = ContextBucket.bucketStart(for: t0)
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
            customers: [acme, beta], now: t0)
        let acmeIDs = try f.store.detections(DetectionFilter(customers: ["acme"])).map(\.id)
        let (incident, _) = try f.store.escalate(acmeIDs, comment: "ACME-SECRET-COMMENT", actor: "yamada", at: t0)
        _ = try f.store.createNotification(CustomerNotification(customerID: "acme", incidentID: incident.id, urgency: .p2,
                                                                subject: "ACME-SECRET-SUBJECT", body: "ACME-SECRET-BODY", dueAt: t0, createdAt: t0),
                                           actor: "yamada", at: t0)
        try f.store.setEndpointStatus(customer: "acme", address: ip("10.0.0.5"), status: .suspect, note: "ACME-SECRET-NOTE", actor: "yamada", at: t0)
        let betaDetection = try #require(try f.store.detections(DetectionFilter(customers: ["beta"])).first)
        try f.store.acknowledge([betaDetection.id], actor: "sato", at: t0)

        let report = try f.store.eraseCustomer("acme", actor: "admin", at: t0 + 86_400)
        #expect(report.detections == 2 && report.endpoints == 2 && report.contextBuckets == 1 && report.incidents == 1
                && report.notifications == 1 && report.sensors == 1 && report.customerRow)

        for table in ["detections", "endpoints", "context_buckets", "context_samples", "incidents", "notifications", "sensors",
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
        #expect(try f.store.audit(subject: .customer, id: "acme").first?.entry.after?.contains("\"detections\":2") == true)
        // The other customer is untouched.
        #expect(try f.store.detections(DetectionFilter(customers: ["beta"])).count == 1)
        #expect(try f.count("SELECT COUNT(*) FROM context_buckets WHERE customer_id = 'beta'") == 1)
        #expect(try f.count("SELECT COUNT(*) FROM context_samples WHERE customer_id = 'beta'") == 1)
        #expect(try f.count("SELECT COUNT(*) FROM context_samples WHERE samples LIKE '%ACME-SECRET%'") == 0)
        #expect(try f.store.audit(subject: .detection, id: "\(betaDetection.id)").count == 1)
    }
}
