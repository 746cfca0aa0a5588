import Foundation
import GRDB
import TobanCore

/// Detections related to one: same endpoint (this customer), same signature elsewhere.
public struct RelatedDetections: Sendable, Equatable {
    public var sameEndpoint: [Detection]
    public var sameSignatureOtherCustomers: [Detection]
}

extension TobanStore {
    static let queueOrder: [Keyset.Column] = [.init(name: "urgency", descending: false), .init(name: "last_seen", descending: true),
                                              .init(name: "id", descending: true)]

    static func queueKeyset(_ filter: DetectionFilter, closed: Bool = false) -> Keyset {
        Keyset(table: "detections", index: closed ? StoreMigrations.Index.closedQueue : StoreMigrations.Index.queue,
               selectColumns: DetectionRow.columns, columns: queueOrder, leadValues: urgencyValues(filter))
    }

    static func cursorValues(_ c: QueueCursor) -> [any DatabaseValueConvertible] {
        [c.urgency.rawValue, c.lastSeen.storeMilliseconds, c.id]
    }

    static func urgencyBounds(_ filter: DetectionFilter) -> Keyset.Bounds {
        (filter.urgencies?.lowerBound.rawValue ?? Urgency.p1.rawValue, filter.urgencies?.upperBound.rawValue ?? Urgency.p5.rawValue)
    }

    static func urgencyValues(_ filter: DetectionFilter) -> [Int] {
        Array((filter.urgencies?.lowerBound.rawValue ?? Urgency.p1.rawValue)...(filter.urgencies?.upperBound.rawValue ?? Urgency.p5.rawValue))
    }

    /// How a queue page is read: one keyset over the queue index; or, for open detections,
    /// one keyset per matching signature (a `sig~` matching few) over
    /// `detections_signature_queue`, else one per customer (`cust:`) over
    /// `detections_customer_queue`, merged. No parts when nothing can match.
    struct QueueRead {
        struct Part {
            var keyset: Keyset
            var terms: [String]
            var arguments: [any DatabaseValueConvertible]
        }
        var parts: [Part]
        var merged: Bool
    }

    /// Up to this many customers, an open-queue page is read customer by customer through
    /// `detections_customer_queue` and merged.
    static let customerMergeLimit = 64

    static func queueRead(_ db: Database, _ filter: DetectionFilter) throws -> QueueRead {
        var match: SignatureMatch?
        if let text = filter.signature, !text.isEmpty {
            match = try SignatureMatch.resolve(db, text)
            if match!.ids.isEmpty { return QueueRead(parts: [], merged: false) }
        }
        if let match, filter.onlyOpen, match.ids.count <= SignatureMatch.mergeLimit {
            return perSignature(filter, match)
        }
        let (terms, args) = filter.conditions(signatureIDs: match?.ids)
        if let endpoint = filter.endpoint, endpoint != "-", filter.customers.count == 1 {
            // One endpoint of one customer (an endpoint group): its rows through the
            // endpoint index, one urgency at a time (the index orders them by activity).
            let keyset = Keyset(table: "detections", index: StoreMigrations.Index.endpointTime, selectColumns: DetectionRow.columns,
                                columns: queueOrder, leadValues: urgencyValues(filter))
            return QueueRead(parts: [.init(keyset: keyset, terms: terms, arguments: args)], merged: false)
        }
        if filter.onlyOpen, !filter.customers.isEmpty, filter.customers.count <= customerMergeLimit {
            let parts = filter.customers.sorted().map { customer -> QueueRead.Part in
                let keyset = Keyset(table: "detections", index: StoreMigrations.Index.customerQueue, selectColumns: "urgency, last_seen, id",
                                    columns: queueOrder, leadValues: urgencyValues(filter))
                return .init(keyset: keyset, terms: terms + ["customer_id = ?"], arguments: args + [customer])
            }
            return QueueRead(parts: parts, merged: true)
        }
        if filter.onlyOpen {
            return QueueRead(parts: [.init(keyset: queueKeyset(filter), terms: terms, arguments: args)], merged: false)
        }
        // Closed rows have an index of their own (`detections_closed_order`): a view with
        // them reads it, merged with the open rows' when it has those too.
        let closedPart = QueueRead.Part(keyset: queueKeyset(filter, closed: true), terms: terms + ["status = 'closed'"], arguments: args)
        if filter.statuses == [.closed] { return QueueRead(parts: [closedPart], merged: false) }
        let openPart = QueueRead.Part(keyset: queueKeyset(filter), terms: terms + ["status <> 'closed'"], arguments: args)
        return QueueRead(parts: [openPart, closedPart].map { part in
            var part = part
            part.keyset.selectColumns = "urgency, last_seen, id"
            return part
        }, merged: true)
    }

    static func perSignature(_ filter: DetectionFilter, _ match: SignatureMatch) -> QueueRead {
        let parts = match.ids.map { id -> QueueRead.Part in
            var f = filter
            // Rows of a signature whose every name matches need no per-row name test.
            if match.wholly.contains(id) { f.signature = nil }
            var (terms, args) = f.conditions()
            terms.append("signature_id = ?")
            args.append(id)
            // Only the order keys: the merge keeps `limit` of them, whose rows are read after.
            let keyset = Keyset(table: "detections", index: StoreMigrations.Index.signatureQueue, selectColumns: "urgency, last_seen, id",
                                columns: queueOrder, leadValues: urgencyValues(filter))
            return .init(keyset: keyset, terms: terms, arguments: args)
        }
        return QueueRead(parts: parts, merged: true)
    }

    /// A page of the queue in display order, after (or, `backward`, before) `cursor`.
    static func queuePage(_ db: Database, _ filter: DetectionFilter, cursor: QueueCursor?, backward: Bool, limit: Int) throws -> [Detection] {
        let read = try queueRead(db, filter)
        let cursorValues = cursor.map(Self.cursorValues)
        let bounds = urgencyBounds(filter)
        if read.merged, read.parts.count == 1, var part = read.parts.first {
            // One signature or customer: its page straight from its index, no merge.
            part.keyset.selectColumns = DetectionRow.columns
            return try part.keyset.fetch(db, cursor: cursorValues, backward: backward, filter: part.terms, filterArguments: part.arguments,
                                         bounds: bounds, limit: limit).map(DetectionRow.detection)
        }
        guard read.merged else {
            guard let part = read.parts.first else { return [] }
            return try part.keyset.fetch(db, cursor: cursorValues, backward: backward, filter: part.terms, filterArguments: part.arguments,
                                         bounds: bounds, limit: limit).map(DetectionRow.detection)
        }
        var keys: [QueueCursor] = []
        for part in read.parts {
            keys += try part.keyset.fetch(db, cursor: cursorValues, backward: backward, filter: part.terms, filterArguments: part.arguments,
                                          bounds: bounds, limit: limit).map { row in
                QueueCursor(urgency: Urgency(rawValue: row["urgency"]) ?? .p5, lastSeen: Date(storeMilliseconds: row["last_seen"]), id: row["id"])
            }
        }
        keys.sort { QueueCursor.displayOrder($0, $1) }
        let chosen = backward ? Array(keys.suffix(limit)) : Array(keys.prefix(limit))
        let byID = Dictionary(try fetchDetections(db, ids: chosen.map(\.id)).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return chosen.compactMap { byID[$0.id] }
    }

    static func fetchDetections(_ db: Database, ids: [Int64]) throws -> [Detection] {
        var out: [Detection] = []
        for chunk in stride(from: 0, to: ids.count, by: 500) {
            let part = Array(ids[chunk..<min(ids.count, chunk + 500)])
            out += try Row.fetchAll(db, sql: "SELECT \(DetectionRow.columns) FROM detections WHERE id IN (\([Int64].marks(part.count)))",
                                    arguments: StatementArguments(part)).map(DetectionRow.detection)
        }
        return out
    }

    /// The WHERE terms of `filter` for queries outside the queue order (counts, id lists,
    /// groups), with a signature filter resolved to ids; nil when nothing can match.
    static func resolvedConditions(_ db: Database, _ filter: DetectionFilter) throws -> (terms: [String], arguments: [any DatabaseValueConvertible])? {
        guard let text = filter.signature, !text.isEmpty else { return filter.conditions() }
        let match = try SignatureMatch.resolve(db, text)
        if match.ids.isEmpty { return nil }
        return filter.conditions(signatureIDs: match.ids)
    }

    /// A page of the queue in display order (urgency, then most recent activity, then newest
    /// id), starting after `cursor` (from the top when nil).
    public func detections(_ filter: DetectionFilter = DetectionFilter(), after cursor: QueueCursor? = nil, limit: Int = 100) throws -> [Detection] {
        try read { db in try Self.queuePage(db, filter, cursor: cursor, backward: false, limit: limit) }
    }

    /// The `limit` rows just above `cursor`, in display order (for scrolling up).
    public func detectionsBefore(_ cursor: QueueCursor, filter: DetectionFilter = DetectionFilter(), limit: Int = 100) throws -> [Detection] {
        try read { db in try Self.queuePage(db, filter, cursor: cursor, backward: true, limit: limit) }
    }

    /// The query plans of a queue page (for tests and diagnostics).
    func queuePlans(_ filter: DetectionFilter, after cursor: QueueCursor?, backward: Bool = false) throws -> [String] {
        try read { db in
            try Self.queueRead(db, filter).parts.flatMap { part in
                try part.keyset.pageQueries(cursor: cursor.map(Self.cursorValues), backward: backward, filter: part.terms,
                                            filterArguments: part.arguments, bounds: Self.urgencyBounds(filter)).map { sql, args in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments(args + [10]))
                        .map { $0["detail"] as String }.joined(separator: "\n")
                }
            }
        }
    }

    /// How many detections matching `filter` were created after detection `id` (the
    /// console's "+N new" since it last read the top of the queue), counting at most
    /// `cap` (the marker needs no exact figure beyond it; the count is a primary-key range
    /// read, so a cap keeps it short however long ingest has been running).
    public func countNewer(than id: Int64, filter: DetectionFilter = DetectionFilter(), cap: Int = 100_000) throws -> Int {
        try read { db in
            guard var (terms, args) = try Self.resolvedConditions(db, filter) else { return 0 }
            if let range = filter.urgencies {
                terms.append("urgency BETWEEN ? AND ?")
                args += [range.lowerBound.rawValue, range.upperBound.rawValue]
            }
            terms.append("id > ?")
            args.append(id)
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM detections WHERE " + terms.joined(separator: " AND ")
                                    + " LIMIT \(max(0, cap)))", arguments: StatementArguments(args)) ?? 0
        }
    }

    /// The largest detection id (0 when empty): the console's mark for `countNewer`.
    public func latestDetectionID() throws -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM detections") ?? 0 }
    }

    /// The id of the most recently seen open P1 (one row of the queue index): a new P1
    /// arrival changes it.
    public func newestOpenP1ID() throws -> Int64 {
        try read { db in
            try Int64.fetchOne(db, sql: """
                SELECT id FROM detections INDEXED BY \(StoreMigrations.Index.queue)
                WHERE status <> 'closed' AND urgency = 1 ORDER BY last_seen DESC, id DESC LIMIT 1
                """) ?? 0
        }
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
                let endpointRows = EndpointHash.rows(customer: d.customerID, endpoints: [endpoint.description])
                sameEndpoint = try Row.fetchAll(db, sql: """
                    SELECT \(DetectionRow.columns) FROM detections INDEXED BY \(StoreMigrations.Index.endpointTime)
                    WHERE \(endpointRows.sql) AND id <> ? ORDER BY last_seen DESC LIMIT ?
                    """, arguments: endpointRows.arguments + [id, limit]).map(DetectionRow.detection)
            }
            // The newest of each part: open rows one urgency at a time (each a range of the
            // per-signature queue index), and closed ones.
            var parts = Urgency.allCases.map { urgency in
                """
                SELECT * FROM (SELECT \(DetectionRow.columns) FROM detections INDEXED BY \(StoreMigrations.Index.signatureQueue)
                WHERE signature_id = ?1 AND urgency = \(urgency.rawValue) AND status <> 'closed' AND customer_id <> ?2
                ORDER BY last_seen DESC, id DESC LIMIT ?3)
                """
            }
            parts.append("""
                SELECT * FROM (SELECT \(DetectionRow.columns) FROM detections INDEXED BY \(StoreMigrations.Index.closedSignature)
                WHERE signature_id = ?1 AND status = 'closed' AND customer_id <> ?2 ORDER BY last_seen DESC, id DESC LIMIT ?3)
                """)
            let sameSignature = try Row.fetchAll(db, sql: parts.joined(separator: " UNION ALL ") + " ORDER BY last_seen DESC, id DESC LIMIT ?3",
                                                 arguments: [d.signature.id, d.customerID, limit]).map(DetectionRow.detection)
            return RelatedDetections(sameEndpoint: sameEndpoint, sameSignatureOtherCustomers: sameSignature)
        }
    }
}
