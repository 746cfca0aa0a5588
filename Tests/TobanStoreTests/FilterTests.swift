import Foundation
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

@Suite struct FilterTests {
    /// Six detections that differ in one respect each.
    static func seeded() throws -> (StoreFixture, [String: Int64]) {
        let f = try StoreFixture()
        let batch = IngestBatch(detections: [
            makeDetection(customer: "acme", sensor: "s1", signature: "1", name: "ET TROJAN Emotet CnC", category: "A Network Trojan was detected",
                          severity: .high, src: "10.1.2.3", dst: "198.51.100.7", endpoint: "10.1.2.3", at: t0),
            makeDetection(customer: "acme", sensor: "s2", signature: "2", name: "ET SCAN Nmap", severity: .low,
                          src: "203.0.113.50", dst: "10.9.9.9", endpoint: "10.9.9.9", at: t0 - 7200),
            makeDetection(customer: "beta", sensor: "b1", signature: "3", name: "ET POLICY 100% curl", severity: .medium,
                          src: "192.168.1.20", dst: "198.51.100.8", endpoint: "192.168.1.20", at: t0 - 60),
            makeDetection(customer: "beta", sensor: "b1", signature: "4", name: "ET INFO dns", severity: .informational,
                          src: "192.168.1.21", dst: "8.8.8.8", endpoint: "192.168.1.21", at: t0 - 30),
            makeDetection(customer: "acme", sensor: "s1", signature: "5", name: "GPL ATTACK_RESPONSE id", severity: .critical,
                          src: "2001:db8::5", dst: "2001:db8:1::1", endpoint: "2001:db8::5", at: t0 - 10),
            makeDetection(customer: "acme", sensor: "s1", signature: "6", name: "ET MALWARE closed one", severity: .high,
                          src: "10.1.2.4", dst: "198.51.100.9", endpoint: "10.1.2.4", at: t0 - 5),
        ])
        try f.store.commit(batch, customers: [acme, beta], now: t0)
        var ids: [String: Int64] = [:]
        for d in try f.store.detections(limit: 100) { ids[d.signature.id] = d.id }
        try f.store.dispose([ids["6"]!], disposition: .falsePositive, actor: "sato", at: t0)
        if let id = try f.store.detections(DetectionFilter(statuses: [.closed])).first?.id { ids["6"] = id }
        try f.store.claim([ids["2"]!], actor: "yamada", at: t0)
        return (f, ids)
    }

    func matches(_ f: StoreFixture, _ filter: DetectionFilter) throws -> Set<String> {
        Set(try f.store.detections(filter, limit: 100).map(\.signature.id))
    }

    @Test func networksOnAndOffOctetBoundariesMatchTheSame() throws {
        let (f, _) = try Self.seeded()
        #expect(try matches(f, DetectionFilter(address: AddressFilter("10.1.0.0/16"))) == ["1"])
        #expect(try matches(f, DetectionFilter(address: AddressFilter("10.1.2.0/24"))) == ["1"])
        #expect(try matches(f, DetectionFilter(address: AddressFilter("10.1.2.3/32"))) == ["1"])
        #expect(try matches(f, DetectionFilter(address: AddressFilter("10.0.0.0/12"))) == ["1", "2"])
        #expect(try matches(f, DetectionFilter(address: AddressFilter("192.168.1.16/28"))) == ["3", "4"])
        #expect(try matches(f, DetectionFilter(address: AddressFilter("0.0.0.0/0"))) == ["1", "2", "3", "4"])
        #expect(try matches(f, DetectionFilter(address: AddressFilter("2001:db8::/32"))) == ["5"])
        // "10.1." must not match "110.1.…" or "10.10.…": the prefix includes the dot and starts the text.
        #expect(try matches(f, DetectionFilter(address: AddressFilter("10.9.0.0/16"))) == ["2"])
    }

    @Test func eachFilterNarrows() throws {
        let (f, ids) = try Self.seeded()
        #expect(try matches(f, DetectionFilter()) == ["1", "2", "3", "4", "5"])
        #expect(try matches(f, DetectionFilter(customers: ["beta"])) == ["3", "4"])
        #expect(try matches(f, DetectionFilter(urgencies: .p1 ... .p2)) == ["1", "5"])
        #expect(try matches(f, DetectionFilter(urgencies: .p4 ... .p5)) == ["2", "4"])
        #expect(try matches(f, DetectionFilter(statuses: [.closed])) == ["6"])
        #expect(try matches(f, DetectionFilter(statuses: [.inTriage])) == ["2"])
        #expect(try matches(f, DetectionFilter(statuses: Set(DetectionStatus.allCases))) == ["1", "2", "3", "4", "5", "6"])
        #expect(try matches(f, DetectionFilter(signature: "emotet")) == ["1"])
        #expect(try matches(f, DetectionFilter(signature: "100%")) == ["3"])
        #expect(try matches(f, DetectionFilter(signature: "4")) == ["4"])
        #expect(try matches(f, DetectionFilter(address: AddressFilter("10.9.9.9"))) == ["2"])
        #expect(try matches(f, DetectionFilter(address: AddressFilter("198.51.100.0/24"))) == ["1", "3"])
        #expect(try matches(f, DetectionFilter(address: AddressFilter("10.0.0.0/8"))) == ["1", "2"])
        #expect(try matches(f, DetectionFilter(address: AddressFilter("2001:db8::/32"))) == ["5"])
        #expect(try matches(f, DetectionFilter(sensor: "b1")) == ["3", "4"])
        #expect(try matches(f, DetectionFilter(seenSince: t0.addingTimeInterval(-3600))) == ["1", "3", "4", "5"])
        #expect(try matches(f, DetectionFilter(assignee: "yamada")) == ["2"])
        #expect(try matches(f, DetectionFilter(customers: ["acme"], urgencies: .p1 ... .p3, signature: "ET")) == ["1"])
        #expect(AddressFilter("10.0.0.0/33") == nil && AddressFilter("not-an-ip") == nil)

        // "+N new": rows created after a mark, honouring the filter.
        let mark = ids["3"]!
        #expect(try f.store.countNewer(than: mark, filter: DetectionFilter()) == [ids["4"]!, ids["5"]!].filter { $0 > mark }.count)
        #expect(try f.store.countNewer(than: 0, filter: DetectionFilter(customers: ["beta"])) == 2)
        // Counted up to the cap (the console's "+N new" needs no exact figure beyond it).
        #expect(try f.store.countNewer(than: 0, filter: DetectionFilter(), cap: 3) == 3)
        #expect(try f.store.countNewer(than: 0, filter: DetectionFilter(), cap: 100) == 5)
        #expect(try f.store.latestDetectionID() == ids.values.max())
    }

    @Test func relatedDetectionsAndEndpoints() throws {
        let f = try StoreFixture()
        try f.store.commit(IngestBatch(detections: [
            makeDetection(customer: "acme", signature: "7", name: "seven", endpoint: "10.0.0.5", at: t0),
            makeDetection(customer: "acme", signature: "8", name: "eight", endpoint: "10.0.0.5", at: t0 + 1),
            makeDetection(customer: "acme", signature: "9", name: "nine", src: "10.0.0.6", endpoint: "10.0.0.6", at: t0 + 2),
            makeDetection(customer: "beta", signature: "7", name: "seven", src: "192.168.0.1", endpoint: "192.168.0.1", at: t0 + 3),
        ]), customers: [acme, beta], now: t0 + 10)
        let seven = try #require(try f.store.detections(DetectionFilter(customers: ["acme"], signature: "seven")).first)
        let related = try f.store.relatedDetections(to: seven.id)
        #expect(related.sameEndpoint.map(\.signature.id) == ["8"])
        #expect(related.sameSignatureOtherCustomers.map(\.customerID) == ["beta"])
        #expect(throws: StoreError.notFound(subject: .detection, id: "999999")) { try f.store.relatedDetections(to: 999_999) }

        // Endpoint ranking pages by risk without repeats.
        var seen: [Endpoint] = []
        var cursor: EndpointCursor? = nil
        while true {
            let page = try f.store.endpoints(after: cursor, limit: 1)
            if page.isEmpty { break }
            seen += page
            cursor = EndpointCursor(page.last!)
        }
        #expect(seen.count == 3)
        #expect(seen.map(\.riskScore) == seen.map(\.riskScore).sorted(by: >))
        #expect(seen.first?.address == ip("10.0.0.5"))
        #expect(try f.store.endpoints(EndpointFilter(customers: ["beta"])).map(\.address) == [ip("192.168.0.1")])
        #expect(try f.store.endpoints(EndpointFilter(address: AddressFilter("10.0.0.6"))).count == 1)

        let timeline = try f.store.endpointTimeline(customer: "acme", address: ip("10.0.0.5"), around: t0)
        #expect(timeline.count == 2)
        #expect(timeline.map(\.time) == [t0, t0 + 1])
    }
}
