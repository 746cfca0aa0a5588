import Foundation
import GRDB
import TobanCore

/// What the console groups the queue by.
public enum DetectionGrouping: String, Sendable, CaseIterable {
    case signature, endpoint, customer
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

    public init(grouping: DetectionGrouping, key: String, customerID: String?, label: String, count: Int,
                urgency: Urgency, lastSeen: Date) {
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
            f.address = AddressFilter(key)
        }
        return f
    }
}

extension TobanStore {
    static func groupConditions(_ filter: DetectionFilter) -> ([String], [any DatabaseValueConvertible]) {
        var (terms, args) = filter.conditions()
        if let range = filter.urgencies {
            terms.append("urgency BETWEEN ? AND ?")
            args += [range.lowerBound.rawValue, range.upperBound.rawValue]
        }
        return (terms, args)
    }

    /// The queue's groups (most urgent first, then largest, then most recent), at most `limit`.
    /// One aggregate over the matching rows; memory is bounded by `limit`.
    public func detectionGroups(by grouping: DetectionGrouping, filter: DetectionFilter = DetectionFilter(),
                                limit: Int = 500) throws -> [DetectionGroup] {
        let (terms, args) = Self.groupConditions(filter)
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
        }
        let sql = """
            SELECT \(select), COUNT(*) AS n, MIN(urgency) AS u, MAX(last_seen) AS ls FROM detections \(whereClause)
            GROUP BY \(groupBy) ORDER BY u ASC, n DESC, ls DESC LIMIT \(max(0, limit))
            """
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { row in
                DetectionGroup(grouping: grouping, key: row["k"], customerID: row["c"], label: row["label"] ?? "",
                               count: row["n"], urgency: Urgency(rawValue: row["u"]) ?? .p5,
                               lastSeen: Date(storeMilliseconds: row["ls"]))
            }
        }
    }

    /// Ids of the detections matching `filter` (a group's members), in id order, at most `limit`.
    public func detectionIDs(_ filter: DetectionFilter, limit: Int = 10_000) throws -> [Int64] {
        let (terms, args) = Self.groupConditions(filter)
        let whereClause = terms.isEmpty ? "" : "WHERE " + terms.joined(separator: " AND ")
        return try read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM detections \(whereClause) ORDER BY id LIMIT \(max(0, limit))",
                               arguments: StatementArguments(args))
        }
    }

    /// The detections with these ids (any order; missing ids are skipped). For refreshing
    /// rows already on screen in place.
    public func detections(ids: [Int64]) throws -> [Detection] {
        guard !ids.isEmpty else { return [] }
        return try read { db in
            var out: [Detection] = []
            for chunk in stride(from: 0, to: ids.count, by: 500) {
                let part = Array(ids[chunk..<min(ids.count, chunk + 500)])
                out += try Row.fetchAll(db, sql: "SELECT \(DetectionRow.columns) FROM detections WHERE id IN (\(part.map { _ in "?" }.joined(separator: ",")))",
                                        arguments: StatementArguments(part)).map(DetectionRow.detection)
            }
            return out
        }
    }
}
