import Foundation
import GRDB
import TobanCore

/// What the console groups the queue by.
public enum DetectionGrouping: String, Sendable, CaseIterable {
    case signature, endpoint, customer
    /// By source address, per customer, with the number of distinct targets (Sguil's CNT):
    /// one scanner against 25 hosts is one row.
    case source
}

/// One group of the queue: detections sharing a signature, an endpoint or a customer.
public struct DetectionGroup: Sendable, Equatable, Hashable {
    public var grouping: DetectionGrouping
    /// signature id, endpoint address text, or customer id.
    public var key: String
    /// The customer of an endpoint group (an address is only unique per customer).
    public var customerID: String?
    /// A readable label: signature name, endpoint address, customer id.
    public var label: String
    public var count: Int
    /// The most urgent member.
    public var urgency: Urgency
    public var lastSeen: Date
    /// Distinct destinations (source groups: how many hosts a scanner probed).
    public var targets: Int?

    /// Which group this is, whatever its count: the same group in two reads.
    public struct Identity: Hashable, Sendable {
        public var customerID: String?
        public var key: String
    }

    public var identity: Identity { Identity(customerID: customerID, key: key) }

    public init(grouping: DetectionGrouping, key: String, customerID: String?, label: String, count: Int,
                urgency: Urgency, lastSeen: Date, targets: Int? = nil) {
        self.targets = targets
        self.grouping = grouping
        self.key = key
        self.customerID = customerID
        self.label = label
        self.count = count
        self.urgency = urgency
        self.lastSeen = lastSeen
    }
}

extension DetectionGroup {
    /// `filter` narrowed to this group's members (the same narrowing the console shows
    /// when it drills into the group, so an action on a group hits what the drill shows).
    public func narrowing(_ filter: DetectionFilter) -> DetectionFilter {
        var f = filter
        switch grouping {
        case .signature: f.signature = key
        case .customer: f.customers = [key]
        case .endpoint:
            if let c = customerID { f.customers = [c] }
            f.endpoint = key
        case .source:
            if let c = customerID { f.customers = [c] }
            f.source = key
        }
        return f
    }
}

extension TobanStore {
    /// The filter's terms plus its urgency range, for queries outside the queue order;
    /// nil when a signature filter matches no stored signature.
    static func groupConditions(_ db: Database, _ filter: DetectionFilter) throws -> ([String], [any DatabaseValueConvertible])? {
        guard var (terms, args) = try resolvedConditions(db, filter) else { return nil }
        if let range = filter.urgencies {
            terms.append("urgency BETWEEN ? AND ?")
            args += [range.lowerBound.rawValue, range.upperBound.rawValue]
        }
        return (terms, args)
    }

    /// The queue's groups (most urgent first, then largest, then most recent), at most `limit`.
    /// Read from the maintained queue aggregates when the filter is one they answer (open
    /// detections narrowed by customer, urgency and, for signature groups, a signature
    /// match); otherwise one aggregate over the matching detections. Memory is bounded by `limit`.
    public func detectionGroups(by grouping: DetectionGrouping, filter: DetectionFilter = DetectionFilter(),
                                limit: Int = 500) throws -> [DetectionGroup] {
        try read { db in
            if let (sql, args) = try Self.aggregateGroupQuery(db, by: grouping, filter: filter, limit: limit) {
                return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { Self.group($0, grouping) }
            }
            return try Self.scannedGroups(db, by: grouping, filter: filter, limit: limit)
        }
    }

    static func group(_ row: Row, _ grouping: DetectionGrouping) -> DetectionGroup {
        DetectionGroup(grouping: grouping, key: row["k"], customerID: row["c"], label: row["label"] ?? "",
                       count: row["n"], urgency: Urgency(rawValue: row["u"]) ?? .p5, lastSeen: Date(storeMilliseconds: row["ls"]),
                       targets: grouping == .source ? row["t"] : nil)
    }

    /// The aggregate-table query for `filter`, or nil when the aggregates cannot answer it
    /// (closed statuses, a status subset, address, sensor, age or assignee, or a signature
    /// match under another grouping).
    static func aggregateGroupQuery(_ db: Database, by grouping: DetectionGrouping, filter: DetectionFilter,
                                    limit: Int) throws -> (String, [any DatabaseValueConvertible])? {
        // Source groups are not kept in the aggregates: they are counted from the detections.
        guard grouping != .source, filter.statuses == DetectionFilter.openStatuses, filter.address == nil, filter.sensor?.isEmpty ?? true,
              filter.seenSince == nil, filter.assignee == nil, filter.endpoint == nil, filter.source == nil else { return nil }
        var terms = ["dimension = ?"]
        var args: [any DatabaseValueConvertible] = [grouping.rawValue]
        if let text = filter.signature, !text.isEmpty {
            guard grouping == .signature else { return nil }
            let match = try SignatureMatch.resolve(db, text)
            // A signature whose names only partly match would need the per-row name test.
            guard match.ids.count == match.wholly.count else { return nil }
            terms.append("key IN (\([String].marks(match.ids.count)))")
            args += match.ids as [any DatabaseValueConvertible]
        }
        if !filter.customers.isEmpty {
            let sorted = filter.customers.sorted()
            terms.append("customer_id IN (\([String].marks(sorted.count)))")
            args += sorted as [any DatabaseValueConvertible]
        }
        if let range = filter.urgencies {
            terms.append("urgency BETWEEN ? AND ?")
            args += [range.lowerBound.rawValue, range.upperBound.rawValue]
        }
        let perCustomer = grouping == .endpoint
        let order = "ORDER BY u ASC, n DESC, ls DESC, k ASC, c ASC LIMIT \(max(0, limit))"
        if filter.urgencies == nil && perCustomer {
            // One totals row per endpoint group: no aggregation at all.
            let sql = """
                SELECT key AS k, customer_id AS c, label, open_count AS n, urgency AS u, last_seen AS ls
                FROM queue_group_totals WHERE \(terms.joined(separator: " AND ")) \(order)
                """
            return (sql, args)
        }
        // Over urgencies (or, with an urgency range, the per-urgency rows) summed per group.
        let table = filter.urgencies == nil ? "queue_group_totals" : "queue_aggregates"
        let sql = """
            SELECT key AS k, \(perCustomer ? "customer_id" : "NULL") AS c, MAX(label) AS label, SUM(open_count) AS n,
                   MIN(urgency) AS u, MAX(last_seen) AS ls
            FROM \(table) WHERE \(terms.joined(separator: " AND "))
            GROUP BY key\(perCustomer ? ", customer_id" : "") \(order)
            """
        return (sql, args)
    }

    /// The groups from one aggregate over the matching detections (filters the maintained
    /// aggregates cannot answer).
    static func scannedGroups(_ db: Database, by grouping: DetectionGrouping, filter: DetectionFilter, limit: Int) throws -> [DetectionGroup] {
        guard let (terms, args) = try groupConditions(db, filter) else { return [] }
        let whereClause = terms.isEmpty ? "" : "WHERE " + terms.joined(separator: " AND ")
        let select: String
        let groupBy: String
        switch grouping {
        case .signature:
            select = "signature_id AS k, NULL AS c, MAX(signature_name) AS label"
            groupBy = "signature_id"
        case .endpoint:
            select = "COALESCE(endpoint, '-') AS k, customer_id AS c, COALESCE(endpoint, '-') AS label"
            groupBy = "customer_id, endpoint"
        case .customer:
            select = "customer_id AS k, NULL AS c, customer_id AS label"
            groupBy = "customer_id"
        case .source:
            select = "COALESCE(src_ip, '-') AS k, customer_id AS c, COALESCE(src_ip, '-') AS label, COUNT(DISTINCT dest_ip) AS t"
            groupBy = "customer_id, src_ip"
        }
        let sql = """
            SELECT \(select), COUNT(*) AS n, MIN(urgency) AS u, MAX(last_seen) AS ls FROM detections \(whereClause)
            GROUP BY \(groupBy) ORDER BY u ASC, n DESC, ls DESC, k ASC, c ASC LIMIT \(max(0, limit))
            """
        return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { group($0, grouping) }
    }

    /// The groups computed by scanning the detections (tests compare the aggregates with it).
    func scannedDetectionGroups(by grouping: DetectionGrouping, filter: DetectionFilter, limit: Int) throws -> [DetectionGroup] {
        try read { db in try Self.scannedGroups(db, by: grouping, filter: filter, limit: limit) }
    }

    /// The plan of the aggregate group query (tests).
    func groupPlan(by grouping: DetectionGrouping, filter: DetectionFilter) throws -> String {
        try read { db in
            guard let (sql, args) = try Self.aggregateGroupQuery(db, by: grouping, filter: filter, limit: 500) else { return "not from aggregates" }
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments(args))
                .map { $0["detail"] as String }.joined(separator: "\n")
        }
    }

    /// Ids of the detections matching `filter` (a group's members), in id order, at most `limit`.
    public func detectionIDs(_ filter: DetectionFilter, limit: Int = 10_000) throws -> [Int64] {
        try read { db in
            guard let (terms, args) = try Self.groupConditions(db, filter) else { return [] }
            let whereClause = terms.isEmpty ? "" : "WHERE " + terms.joined(separator: " AND ")
            return try Int64.fetchAll(db, sql: "SELECT id FROM detections \(whereClause) ORDER BY id LIMIT \(max(0, limit))",
                                      arguments: StatementArguments(args))
        }
    }

    /// The detections with these ids (any order; missing ids are skipped). For refreshing
    /// rows already on screen in place.
    public func detections(ids: [Int64]) throws -> [Detection] {
        guard !ids.isEmpty else { return [] }
        return try read { db in try Self.fetchDetections(db, ids: ids) }
    }
}
