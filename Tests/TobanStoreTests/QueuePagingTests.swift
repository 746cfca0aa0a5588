import Foundation
import GRDB
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

@Suite struct QueuePagingTests {
    /// 100,000 distinct detections with many ties on (urgency, last_seen), so paging must
    /// break ties on id correctly.
    /// Process CPU seconds (user + system), to report commit cost independent of machine load.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    static func fill(_ store: TobanStore, total: Int = 100_000, batchSize: Int = 10_000) throws -> [(wall: Double, cpu: Double)] {
        let severities: [Severity] = [.critical, .high, .medium, .low, .informational]
        var timings: [(wall: Double, cpu: Double)] = []
        var n = 0
        while n < total {
            var detections: [Detection] = []
            for i in n ..< min(total, n + batchSize) {
                let customer = i % 3 == 0 ? "beta" : "acme"
                // Unique source per detection (no folding); 300 signatures over 400 endpoints.
                let src = "172.\(16 + i / 65_536).\(i / 256 % 256).\(i % 256)"
                let dst = "203.0.113.\(i % 200)"
                let endpoint = "10.0.\(i % 400 / 250).\(i % 250 + 1)"
                let at: Date = t0 + Double(i / 4) * 100 // about a month, four detections per instant
                detections.append(makeDetection(customer: customer, signature: "sig-\(i % 300)", name: "signature \(i % 97)",
                                                severity: severities[i % 5], src: src, dst: dst, endpoint: endpoint, at: at, offset: Int64(i)))
            }
            let started = Date(), cpu = cpuSeconds()
            try store.commit(IngestBatch(detections: detections, checkpoints: [checkpoint(offset: Int64(n + detections.count))]),
                             customers: [acme, beta], now: t0 + Double(n + batchSize) * 25)
            timings.append((Date().timeIntervalSince(started), cpuSeconds() - cpu))
            n += detections.count
        }
        return timings
    }

    static func key(_ d: Detection) -> (Int, Int64, Int64) { (d.urgency.rawValue, -d.lastSeen.storeMilliseconds, -d.id) }

    /// Every detection `filter` matches, read page after page from the top.
    static func pageForward(_ store: TobanStore, _ filter: DetectionFilter, limit: Int) throws -> [Detection] {
        var forward: [Detection] = []
        var cursor: QueueCursor? = nil
        while true {
            let page = try store.detections(filter, after: cursor, limit: limit)
            if page.isEmpty { return forward }
            forward += page
            cursor = QueueCursor(page.last!)
        }
    }

    @Test func pagesThroughOneHundredThousandDetectionsBothWays() throws {
        let f = try StoreFixture()
        let timings = try Self.fill(f.store)
        print("commit of 10,000 detections, wall/CPU ms: " + timings.map { String(format: "%.0f/%.0f", $0.wall * 1000, $0.cpu * 1000) }.joined(separator: ", "))
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

    /// A view with closed rows merges the open rows' index with the closed rows' own: every
    /// mix of statuses pages, both ways, exactly as a scan orders it.
    @Test func viewsWithClosedDetectionsPageLikeAScanBothWays() throws {
        let f = try StoreFixture()
        _ = try Self.fill(f.store, total: 3_000, batchSize: 3_000)
        let ids = try f.store.pool.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM detections ORDER BY id") }
        let closing = stride(from: 0, to: ids.count, by: 3).map { ids[$0] } + [ids[1], ids[4]]
        _ = try f.store.dispose(closing, disposition: .falsePositive, actor: "yamada", at: t0 + 90 * 86_400)
        let closed = Set(closing)
        _ = try f.store.acknowledge(stride(from: 2, to: ids.count, by: 7).map { ids[$0] }.filter { !closed.contains($0) }, actor: "yamada",
                                    at: t0 + 90 * 86_400)
        for statuses: Set<DetectionStatus> in [Set(DetectionStatus.allCases), [.closed], [.new, .closed]] {
            let names = statuses.map(\.rawValue).sorted()
            let scan = try f.store.pool.read { db in
                try Int64.fetchAll(db, sql: """
                    SELECT id FROM detections WHERE status IN (\([String].marks(names.count))) ORDER BY urgency, last_seen DESC, id DESC
                    """, arguments: StatementArguments(names))
            }
            #expect(scan.count > 900, "\(names)")
            let filter = DetectionFilter(statuses: statuses)
            let forward = try Self.pageForward(f.store, filter, limit: 71)
            #expect(forward.map(\.id) == scan, "\(names)")
            var backward: [Detection] = [forward.last!]
            while true {
                let page = try f.store.detectionsBefore(QueueCursor(backward.first!), filter: filter, limit: 67)
                if page.isEmpty { break }
                backward.insert(contentsOf: page, at: 0)
            }
            #expect(backward.map(\.id) == scan, "\(names)")
        }
    }

    /// The target batch shape: 10,000 detections and 5,000 context buckets in one commit.
    @Test func tenThousandDetectionsAndFiveThousandBucketsInOneCommit() throws {
        let f = try StoreFixture()
        _ = try Self.fill(f.store, total: 20_000)
        let start = ContextBucket.bucketStart(for: t0)
        var detections: [Detection] = []
        for i in 0..<10_000 {
            detections.append(makeDetection(signature: "sig-\(i % 300)", src: "172.31.\(i / 256).\(i % 256)", endpoint: "10.1.\(i % 2000 / 250).\(i % 250 + 1)",
                                            at: t0 + 600_000 + Double(i), offset: Int64(i)))
        }
        var context: [ContextBucket] = []
        for i in 0..<5_000 {
            context.append(ContextBucket(customerID: "acme", endpoint: ip("10.2.\(i / 250).\(i % 250 + 1)"), bucketStart: start, counts: [.dns: 3, .http: 1],
                                         samples: (0..<4).map { ContextSample(time: start + Double($0), kind: .dns, peer: nil, summary: "A host\($0).example") }))
        }
        let wall = Date(), cpu = Self.cpuSeconds()
        let result = try f.store.commit(IngestBatch(detections: detections, context: context, checkpoints: [checkpoint(offset: 1)]),
                                        customers: [acme], now: t0 + 610_000)
        print(String(format: "commit of 10,000 detections + 5,000 context buckets: wall %.0f ms, CPU %.0f ms",
                     Date().timeIntervalSince(wall) * 1000, (Self.cpuSeconds() - cpu) * 1000))
        #expect(result.inserted == 10_000 && result.contextBuckets == 5_000 && result.endpoints == 2_000)
        #expect(try f.count("SELECT COUNT(*) FROM context_parts") == 5_000)
    }

    @Test func queuePagesUseTheQueueIndexWithoutScansOrSorts() throws {
        let f = try StoreFixture()
        _ = try Self.fill(f.store, total: 2_000, batchSize: 2_000)
        let cursor = QueueCursor(try f.store.detections(limit: 700).last!)
        let filters = [DetectionFilter(), DetectionFilter(customers: ["acme"], urgencies: .p2 ... .p4),
                       DetectionFilter(statuses: [.new, .acknowledged], signature: "signature 5", sensor: "s1")]
        for filter in filters {
            // A customer filter reads the customer's own slice of the queue order.
            let index = filter.customers.isEmpty ? "USING INDEX detections_queue" : "USING INDEX detections_customer_queue"
            for plan in try f.store.queuePlans(filter, after: nil) + f.store.queuePlans(filter, after: cursor)
                + f.store.queuePlans(filter, after: cursor, backward: true) {
                #expect(plan.contains(index), "\(plan)")
                #expect(!plan.contains("SCAN detections"), "\(plan)")
                #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
            }
        }
        // With closed rows: the open rows' index and the closed rows' own, merged.
        let withClosed = DetectionFilter(statuses: Set(DetectionStatus.allCases))
        let plans = try f.store.queuePlans(withClosed, after: cursor)
        #expect(plans.contains { $0.contains("USING INDEX detections_queue") } && plans.contains { $0.contains("USING INDEX detections_closed_order") },
                "\(plans)")
        for plan in try plans + f.store.queuePlans(DetectionFilter(statuses: [.closed]), after: cursor) {
            #expect(!plan.contains("SCAN detections") && !plan.contains("TEMP B-TREE"), "\(plan)")
        }
        for plan in try f.store.queuePlans(DetectionFilter(statuses: [.closed]), after: nil) {
            #expect(plan.contains("USING INDEX detections_closed_order"), "\(plan)")
        }
    }

    /// `sig~` (few matching signatures: per-signature pages merged; many: the id list on the
    /// queue index) and `age:` (one seek per urgency) return exactly what a scan would, in
    /// queue order, paging both ways, with index searches only.
    @Test func signatureAndAgeFiltersPageLikeAScanWithIndexSeeks() throws {
        let f = try StoreFixture()
        _ = try Self.fill(f.store, total: 6_000, batchSize: 3_000)
        let all = try f.store.detections(DetectionFilter(), limit: 100_000)
        let now = t0 + Double(6_000 / 4) * 100
        // Ids have several names each ("signature (i % 97)" over "sig-(i % 300)"), so the
        // per-row name test must stay for most of them.
        let filters: [(DetectionFilter, (Detection) -> Bool)] = [
            (DetectionFilter(signature: "SIGNATURE 5"), { $0.signature.name.lowercased().contains("signature 5") }),
            (DetectionFilter(signature: "sig-42"), { $0.signature.id == "sig-42" }),
            (DetectionFilter(signature: "signature"), { _ in true }),
            (DetectionFilter(signature: "no such thing"), { _ in false }),
            (DetectionFilter(seenSince: now.addingTimeInterval(-3 * 3600)), { $0.lastSeen >= now - 3 * 3600 }),
            (DetectionFilter(customers: ["beta"]), { $0.customerID == "beta" }),
            // An endpoint group's members (one endpoint of one customer), through the endpoint index.
            ({ var f = DetectionFilter(customers: ["acme"]); f.endpoint = "10.0.1.7"; return f }(),
             { $0.customerID == "acme" && $0.endpoint == ip("10.0.1.7") }),
            (DetectionFilter(customers: ["acme", "beta"], urgencies: .p1 ... .p2, seenSince: now.addingTimeInterval(-86400)),
             { (.p1 ... .p2).contains($0.urgency) && $0.lastSeen >= now - 86400 }),
            (DetectionFilter(customers: ["beta"], urgencies: .p2 ... .p4, signature: "signature 1", seenSince: now.addingTimeInterval(-86400)),
             { $0.customerID == "beta" && (.p2 ... .p4).contains($0.urgency) && $0.signature.name.contains("signature 1") && $0.lastSeen >= now - 86400 }),
        ]
        for (filter, predicate) in filters {
            let expected = all.filter(predicate).map(\.id)
            let forward = try Self.pageForward(f.store, filter, limit: 37)
            #expect(forward.map(\.id) == expected, "\(filter)")
            if let last = forward.last, forward.count > 50 {
                let before = try f.store.detectionsBefore(QueueCursor(last), filter: filter, limit: 40)
                #expect(before.map(\.id) == Array(expected.suffix(41).dropLast()), "\(filter)")
            }
            let middle = forward.count > 10 ? QueueCursor(forward[forward.count / 2]) : nil
            for plan in try f.store.queuePlans(filter, after: nil) + f.store.queuePlans(filter, after: middle)
                + (middle.map { try f.store.queuePlans(filter, after: $0, backward: true) } ?? []) {
                #expect(plan.contains("SEARCH detections USING"), "\(plan)")
                #expect(!plan.contains("SCAN detections"), "\(plan)")
                #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
                if filter.seenSince != nil { #expect(plan.contains("last_seen>") || plan.contains("last_seen="), "age is a seek: \(plan)") }
            }
        }
        var endpointGroup = DetectionFilter(customers: ["beta"])
        endpointGroup.endpoint = "10.0.0.9"
        #expect(try f.store.queuePlans(endpointGroup, after: nil).allSatisfy { $0.contains("detections_endpoint_time") })
        // A signature matching few ids is read through the per-signature index; "signature"
        // matches all 300 (every id has about 20 names here) and reads the queue index.
        #expect(try f.store.queuePlans(DetectionFilter(signature: "sig-42"), after: nil).allSatisfy { $0.contains("detections_signature_queue") })
        #expect(try f.store.queuePlans(DetectionFilter(signature: "signature"), after: nil).allSatisfy { $0.contains("detections_queue") })
    }
}
