import Foundation
import GRDB
import Testing
import TobanCore
@testable import TobanStore

@Suite struct QueuePagingTests {
    /// 100,000 distinct detections with many ties on (urgency, last_seen), so paging must
    /// break ties on id correctly.
    static func fill(_ store: TobanStore, total: Int = 100_000, batchSize: Int = 10_000) throws -> [Double] {
        let severities: [Severity] = [.critical, .high, .medium, .low, .informational]
        var timings: [Double] = []
        var n = 0
        while n < total {
            var detections: [Detection] = []
            for i in n ..< min(total, n + batchSize) {
                let customer = i % 3 == 0 ? "beta" : "acme"
                // Unique source per detection (no folding); 300 signatures over 400 endpoints.
                let src = "172.\(16 + i / 65_536).\(i / 256 % 256).\(i % 256)"
                let dst = "203.0.113.\(i % 200)"
                let endpoint = "10.0.\(i % 400 / 250).\(i % 250 + 1)"
                let at: Date = t0 + Double(i % 700)
                detections.append(makeDetection(customer: customer, signature: "sig-\(i % 300)", name: "signature \(i % 97)",
                                                severity: severities[i % 5], src: src, dst: dst, endpoint: endpoint, at: at, offset: Int64(i)))
            }
            let started = Date()
            try store.commit(IngestBatch(detections: detections, checkpoints: [checkpoint(offset: Int64(n + detections.count))]),
                             customers: [acme, beta], now: t0 + 800)
            timings.append(Date().timeIntervalSince(started))
            n += detections.count
        }
        return timings
    }

    static func key(_ d: Detection) -> (Int, Int64, Int64) { (d.urgency.rawValue, -d.lastSeen.storeMilliseconds, -d.id) }

    @Test func pagesThroughOneHundredThousandDetectionsBothWays() throws {
        let f = try StoreFixture()
        let timings = try Self.fill(f.store)
        print("commit of 10,000 detections (debug build): " + timings.map { String(format: "%.0f ms", $0 * 1000) }.joined(separator: ", "))
        #expect(try f.count("SELECT COUNT(*) FROM detections") == 100_000)

        var forward: [Detection] = []
        var cursor: QueueCursor? = nil
        while true {
            let page = try f.store.detections(after: cursor, limit: 997)
            if page.isEmpty { break }
            forward += page
            cursor = QueueCursor(page.last!)
        }
        #expect(forward.count == 100_000)
        #expect(Set(forward.map(\.id)).count == 100_000)
        #expect(zip(forward, forward.dropFirst()).allSatisfy { Self.key($0) < Self.key($1) })

        var backward: [Detection] = []
        var top = QueueCursor(forward.last!)
        backward.append(forward.last!)
        while true {
            let page = try f.store.detectionsBefore(top, limit: 1009)
            if page.isEmpty { break }
            backward.insert(contentsOf: page, at: 0)
            top = QueueCursor(page.first!)
        }
        #expect(backward.map(\.id) == forward.map(\.id))

        // A page from the middle continues exactly where the previous one stopped.
        let middle = QueueCursor(forward[54_321])
        #expect(try f.store.detections(after: middle, limit: 5).map(\.id) == forward[54_322 ..< 54_327].map(\.id))
        #expect(try f.store.detectionsBefore(middle, limit: 5).map(\.id) == forward[54_316 ..< 54_321].map(\.id))
    }

    @Test func queuePagesUseTheQueueIndexWithoutScansOrSorts() throws {
        let f = try StoreFixture()
        _ = try Self.fill(f.store, total: 2_000, batchSize: 2_000)
        let cursor = QueueCursor(try f.store.detections(limit: 700).last!)
        let filters = [DetectionFilter(), DetectionFilter(customers: ["acme"], urgencies: .p2 ... .p4),
                       DetectionFilter(statuses: [.new, .acknowledged], signature: "signature 5", sensor: "s1")]
        for filter in filters {
            for plan in try f.store.queuePlans(filter, after: nil) + f.store.queuePlans(filter, after: cursor)
                + f.store.queuePlans(filter, after: cursor, backward: true) {
                #expect(plan.contains("USING INDEX detections_queue"), "\(plan)")
                #expect(!plan.contains("SCAN detections"), "\(plan)")
                #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
            }
        }
        let withClosed = DetectionFilter(statuses: Set(DetectionStatus.allCases))
        for plan in try f.store.queuePlans(withClosed, after: cursor) {
            #expect(plan.contains("USING INDEX detections_order") && !plan.contains("SCAN detections") && !plan.contains("TEMP B-TREE"), "\(plan)")
        }
    }
}
