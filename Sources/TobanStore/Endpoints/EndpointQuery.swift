import Foundation
import GRDB
import TobanCore

/// Which endpoints a list shows; nil or empty means "any".
public struct EndpointFilter: Sendable, Equatable {
    public var customers: Set<String>
    public var statuses: Set<EndpointStatus>
    public var minimumRisk: Double?
    public var address: AddressFilter?

    public init(customers: Set<String> = [], statuses: Set<EndpointStatus> = [], minimumRisk: Double? = nil, address: AddressFilter? = nil) {
        self.customers = customers
        self.statuses = statuses
        self.minimumRisk = minimumRisk
        self.address = address
    }
}

/// A position in the endpoint ranking (risk_score DESC, customer, ip).
public struct EndpointCursor: Sendable, Equatable, Hashable {
    public var riskScore: Double
    public var customerID: String
    public var address: IPAddress

    public init(riskScore: Double, customerID: String, address: IPAddress) {
        self.riskScore = riskScore
        self.customerID = customerID
        self.address = address
    }

    public init(_ e: Endpoint) { self.init(riskScore: e.riskScore, customerID: e.customerID, address: e.address) }
}

/// One entry of an endpoint's timeline.
public enum TimelineItem: Sendable, Equatable {
    case detection(Detection)
    case context(ContextBucket)

    public var time: Date {
        switch self {
        case .detection(let d): return d.firstSeen
        case .context(let c): return c.bucketStart
        }
    }
}

extension TobanStore {
    /// Endpoints ranked by risk (highest first), after `cursor`.
    public func endpoints(_ filter: EndpointFilter = EndpointFilter(), after cursor: EndpointCursor? = nil, limit: Int = 100) throws -> [Endpoint] {
        var terms: [String] = []
        var args: [any DatabaseValueConvertible] = []
        if !filter.customers.isEmpty {
            let sorted = filter.customers.sorted()
            terms.append("customer_id IN (\([String].marks(sorted.count)))")
            args += sorted as [any DatabaseValueConvertible]
        }
        if !filter.statuses.isEmpty {
            let sorted = filter.statuses.map(\.rawValue).sorted()
            terms.append("status IN (\([String].marks(sorted.count)))")
            args += sorted as [any DatabaseValueConvertible]
        }
        if let address = filter.address {
            let (sql, values) = address.sql(columns: ["ip"])
            terms.append(sql)
            args += values
        }
        let keyset = Keyset(table: "endpoints", index: StoreMigrations.Index.endpointRisk, selectColumns: EndpointRow.columns,
                            columns: [.init(name: "risk_score", descending: true), .init(name: "customer_id", descending: false),
                                      .init(name: "ip", descending: false)])
        let cursorValues: [any DatabaseValueConvertible]? = cursor.map { [$0.riskScore, $0.customerID, $0.address.description] }
        let bounds: Keyset.Bounds = (filter.minimumRisk ?? -Double.greatestFiniteMagnitude, Double.greatestFiniteMagnitude)
        return try read { db in
            try keyset.fetch(db, cursor: cursorValues, backward: false, filter: terms, filterArguments: args, bounds: bounds, limit: limit)
                .map(EndpointRow.endpoint)
        }
    }

    /// The endpoint's row, or, for one whose row ingest has not written yet, what its
    /// detections say (`EndpointRow.waiting`).
    public func endpoint(customer: String, address: IPAddress) throws -> Endpoint? {
        try read { db in
            if let row = try Row.fetchOne(db, sql: "SELECT \(EndpointRow.columns) FROM endpoints WHERE customer_id = ? AND ip = ?",
                                          arguments: [customer, address.description]) {
                return EndpointRow.endpoint(row)
            }
            return try EndpointRow.waiting(db, customer: customer, address: address)
        }
    }

    /// Detections active within `around ± window` on the endpoint and its context buckets in
    /// that span, in time order (at most `limit` of each).
    public func endpointTimeline(customer: String, address: IPAddress, around: Date, window: TimeInterval = 6 * 3600,
                                 limit: Int = 1000) throws -> [TimelineItem] {
        let start = around.addingTimeInterval(-window).storeMilliseconds
        let end = around.addingTimeInterval(window).storeMilliseconds
        let endpointRows = EndpointHash.rows(customer: customer, endpoints: [address.description])
        return try read { db in
            let detections = try Row.fetchAll(db, sql: """
                SELECT \(DetectionRow.columns) FROM detections INDEXED BY \(StoreMigrations.Index.endpointTime)
                WHERE \(endpointRows.sql) AND last_seen >= ? AND first_seen <= ?
                ORDER BY last_seen LIMIT ?
                """, arguments: endpointRows.arguments + [start, end, limit]).map(DetectionRow.detection)
            let buckets = try ContextMerge.buckets(db, customer: customer, endpoint: address,
                                                   starts: (start - Int64(ContextBucket.bucketSeconds * 1000) + 1)...end, limit: limit)
            let items = detections.map(TimelineItem.detection) + buckets.map(TimelineItem.context)
            return items.enumerated().sorted { a, b in
                a.element.time != b.element.time ? a.element.time < b.element.time : a.offset < b.offset
            }.map(\.element)
        }
    }
}
