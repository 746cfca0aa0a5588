import Foundation
import GRDB
import TobanCore

/// Detections related to one: same endpoint (this customer), same signature elsewhere.
public struct RelatedDetections: Sendable, Equatable {
    public var sameEndpoint: [Detection]
    public var sameSignatureOtherCustomers: [Detection]
}

extension TobanStore {
    static func queueKeyset(_ filter: DetectionFilter) -> Keyset {
        Keyset(table: "detections", index: filter.onlyOpen ? StoreMigrations.Index.queue : StoreMigrations.Index.queueAll,
               selectColumns: DetectionRow.columns,
               columns: [.init(name: "urgency", descending: false), .init(name: "last_seen", descending: true),
                         .init(name: "id", descending: true)])
    }

    static func cursorValues(_ c: QueueCursor) -> [any DatabaseValueConvertible] {
        [c.urgency.rawValue, c.lastSeen.storeMilliseconds, c.id]
    }

    static func urgencyBounds(_ filter: DetectionFilter) -> Keyset.Bounds {
        (filter.urgencies?.lowerBound.rawValue ?? Urgency.p1.rawValue, filter.urgencies?.upperBound.rawValue ?? Urgency.p5.rawValue)
    }

    /// A page of the queue in display order (urgency, then most recent activity, then newest
    /// id), starting after `cursor` (from the top when nil).
    public func detections(_ filter: DetectionFilter = DetectionFilter(), after cursor: QueueCursor? = nil, limit: Int = 100) throws -> [Detection] {
        let (terms, args) = filter.conditions()
        return try read { db in
            try Self.queueKeyset(filter).fetch(db, cursor: cursor.map(Self.cursorValues), backward: false, filter: terms,
                                               filterArguments: args, bounds: Self.urgencyBounds(filter), limit: limit)
                .map(DetectionRow.detection)
        }
    }

    /// The `limit` rows just above `cursor`, in display order (for scrolling up).
    public func detectionsBefore(_ cursor: QueueCursor, filter: DetectionFilter = DetectionFilter(), limit: Int = 100) throws -> [Detection] {
        let (terms, args) = filter.conditions()
        return try read { db in
            try Self.queueKeyset(filter).fetch(db, cursor: Self.cursorValues(cursor), backward: true, filter: terms,
                                               filterArguments: args, bounds: Self.urgencyBounds(filter), limit: limit)
                .map(DetectionRow.detection)
        }
    }

    /// The query plans of a queue page (for tests and diagnostics).
    func queuePlans(_ filter: DetectionFilter, after cursor: QueueCursor?, backward: Bool = false) throws -> [String] {
        let (terms, args) = filter.conditions()
        let queries = Self.queueKeyset(filter).pageQueries(cursor: cursor.map(Self.cursorValues), backward: backward, filter: terms,
                                                            filterArguments: args, bounds: Self.urgencyBounds(filter))
        return try read { db in
            try queries.map { sql, args in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments(args + [10]))
                    .map { $0["detail"] as String }.joined(separator: "\n")
            }
        }
    }

    /// How many detections matching `filter` were created after detection `id` (the
    /// console's "+N new" since it last read the top of the queue). A primary-key range.
    public func countNewer(than id: Int64, filter: DetectionFilter = DetectionFilter()) throws -> Int {
        var (terms, args) = filter.conditions()
        if let range = filter.urgencies {
            terms.append("urgency BETWEEN ? AND ?")
            args += [range.lowerBound.rawValue, range.upperBound.rawValue]
        }
        terms.append("id > ?")
        args.append(id)
        return try read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM detections WHERE " + terms.joined(separator: " AND "),
                             arguments: StatementArguments(args)) ?? 0
        }
    }

    /// The largest detection id (0 when empty): the console's mark for `countNewer`.
    public func latestDetectionID() throws -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM detections") ?? 0 }
    }

    public func detection(id: Int64) throws -> Detection? {
        try read { db in try DetectionRow.fetch(db, id: id) }
    }

    /// Other detections on the same endpoint (same customer), and the same signature seen
    /// at other customers, most recent first, at most `limit` each.
    public func relatedDetections(to id: Int64, limit: Int = 50) throws -> RelatedDetections {
        try read { db in
            guard let d = try DetectionRow.fetch(db, id: id) else { throw StoreError.notFound(subject: .detection, id: "\(id)") }
            var sameEndpoint: [Detection] = []
            if let endpoint = d.endpoint {
                sameEndpoint = try Row.fetchAll(db, sql: """
                    SELECT \(DetectionRow.columns) FROM detections INDEXED BY \(StoreMigrations.Index.endpointTime)
                    WHERE customer_id = ? AND endpoint = ? AND id <> ? ORDER BY last_seen DESC LIMIT ?
                    """, arguments: [d.customerID, endpoint.description, id, limit]).map(DetectionRow.detection)
            }
            let sameSignature = try Row.fetchAll(db, sql: """
                SELECT \(DetectionRow.columns) FROM detections INDEXED BY \(StoreMigrations.Index.signature)
                WHERE signature_id = ? AND customer_id <> ? ORDER BY last_seen DESC LIMIT ?
                """, arguments: [d.signature.id, d.customerID, limit]).map(DetectionRow.detection)
            return RelatedDetections(sameEndpoint: sameEndpoint, sameSignatureOtherCustomers: sameSignature)
        }
    }
}
