import Foundation
import GRDB
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

/// "Same signature, other customers" in a detection's detail: open rows of every urgency
/// and closed ones, newest first, read through the per-signature indexes.
@Suite struct RelatedDetectionsTests {
    @Test func sameSignatureAtOtherCustomersIsTheNewestOfEveryStatusLikeAScan() throws {
        let f = try StoreFixture()
        let gamma = Customer(id: "gamma", displayName: "Gamma", networks: [try CIDR(parsing: "172.16.0.0/12")], sensors: ["g1"])
        let customers = [acme, beta, gamma]
        try f.store.saveCustomers(customers, at: t0)
        let urgencies: [Urgency] = [.p1, .p2, .p3, .p4, .p5]
        var detections: [Detection] = []
        for i in 0..<60 {
            let customer = customers[i % 3]
            let source = ["acme": "10.0.2.", "beta": "192.168.2.", "gamma": "172.16.2."][customer.id]! + "\(i + 1)"
            // Pairs share a time, so ties are ordered too (newest id first).
            detections.append(makeDetection(customer: customer.id, sensor: customer.sensors[0], signature: i % 4 == 3 ? "8" : "7",
                                            severity: severity(for: urgencies[(i * 7) % 5]), src: source, endpoint: source,
                                            at: t0 + Double(i / 2) * 30, offset: Int64(i) * 100))
        }
        try f.store.commit(IngestBatch(detections: detections), customers: customers, now: t0 + 3600)
        let all = try f.store.detections(DetectionFilter(statuses: Set(DetectionStatus.allCases)), limit: 1000)
        #expect(all.count == 60)
        let closing = all.filter { $0.id % 3 == 0 }.map(\.id)
        try f.store.dispose(closing, disposition: .falsePositive, actor: "sato", at: t0 + 3700)
        try f.store.acknowledge(all.filter { $0.id % 5 == 1 && $0.id % 3 != 0 }.map(\.id), actor: "sato", at: t0 + 3700)

        let subject = try #require(all.first { $0.customerID == "acme" && $0.signature.id == "7" })
        for limit in [1, 4, 13, 100] {
            let scanned = try f.store.pool.read { db in
                try Int64.fetchAll(db, sql: """
                    SELECT id FROM detections NOT INDEXED WHERE signature_id = ? AND customer_id <> ?
                    ORDER BY last_seen DESC, id DESC LIMIT ?
                    """, arguments: [subject.signature.id, subject.customerID, limit])
            }
            let related = try f.store.relatedDetections(to: subject.id, limit: limit).sameSignatureOtherCustomers
            #expect(related.map(\.id) == scanned, "limit \(limit)")
            #expect(related.allSatisfy { $0.customerID != "acme" && $0.signature.id == "7" })
        }
        let everything = try f.store.relatedDetections(to: subject.id, limit: 100).sameSignatureOtherCustomers
        #expect(Set(everything.map(\.status)) == [.new, .acknowledged, .closed])
        #expect(Set(everything.map(\.urgency)).count == 5)
    }

    @Test func theClosedSignatureIndexHoldsClosedRowsOnly() throws {
        let f = try StoreFixture()
        let sql = try #require(try f.store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [StoreMigrations.Index.closedSignature])
        })
        #expect(sql.contains("WHERE status = 'closed'"))
        #expect(try f.count("SELECT COUNT(*) FROM sqlite_master WHERE name = 'detections_signature'") == 0)
    }
}
