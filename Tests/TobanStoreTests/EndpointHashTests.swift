import GRDB
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

@Suite struct EndpointHashTests {
    /// The hash is stored in every row and sought by every query by endpoint: it must not
    /// change between versions (these are FNV-1a 64 of the texts, worked out by hand).
    @Test func valuesAreStable() {
        #expect(EndpointHash.of(customerID: "acme", endpoint: "10.0.0.5") == 728_888_022_720_846_160)
        #expect(EndpointHash.of(customerID: "acme", endpoint: nil) == 514_768_821_131_075_087)
        #expect(EndpointHash.of(customerID: "beta", endpoint: "2001:db8::1") == 5_531_307_681_187_597_360)
    }

    @Test func customerAndAddressAreKeptApart() {
        let pairs: [(String, String?)] = [("acme", "10.0.0.5"), ("beta", "10.0.0.5"), ("acme", "10.0.0.50"), ("acme", nil), ("acme1", "0.0.0.5"),
                                          ("acme", "")]
        #expect(Set(pairs.map { EndpointHash.of(customerID: $0.0, endpoint: $0.1) }).count == pairs.count)
    }

    /// The migration backfills with the SQL function: it must agree with the writer's.
    @Test func sqlFunctionAgreesWithTheWriter() throws {
        let queue = try DatabaseQueue()
        let values = try queue.inDatabase { db -> [Int64?] in
            db.add(function: EndpointHash.sqlFunction)
            return try ["('acme', '10.0.0.5')", "('acme', NULL)", "(NULL, '10.0.0.5')"].map { arguments in
                try Int64.fetchOne(db, sql: "SELECT toban_endpoint_hash\(arguments)")
            }
        }
        #expect(values == [EndpointHash.of(customerID: "acme", endpoint: "10.0.0.5"), EndpointHash.of(customerID: "acme", endpoint: nil), nil])
    }

    /// What the writer stores is what the queries seek: rows of one endpoint of one customer,
    /// and only those, are found through the endpoint index.
    @Test func storedRowsCarryTheirEndpointHash() throws {
        let f = try StoreFixture()
        try f.store.commit(IngestBatch(detections: [
            makeDetection(), makeDetection(customer: "beta", signature: "2010002"), makeDetection(signature: "2010003", src: nil, dst: nil, endpoint: nil),
        ]), customers: [acme, beta], now: t0)
        let rows = try f.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT customer_id, endpoint, endpoint_hash FROM detections ORDER BY id").map { row in
                (row[2] as Int64, EndpointHash.of(customerID: row[0], endpoint: row[1]))
            }
        }
        #expect(rows.count == 3 && rows.allSatisfy { $0.0 == $0.1 })
        var filter = DetectionFilter(customers: ["acme"])
        filter.endpoint = "10.0.0.5"
        #expect(try f.store.detections(filter).map(\.signature.id) == ["2010001"])
        filter.endpoint = "-"
        #expect(try f.store.detections(filter).map(\.signature.id) == ["2010003"])
    }
}
