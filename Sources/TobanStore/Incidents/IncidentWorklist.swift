import Foundation
import GRDB
import TobanCore

/// What the incident list narrows by (the console's `/` language, read for incidents).
public struct IncidentWorklistFilter: Sendable, Equatable {
    public var customers: Set<String> = []
    public var urgencies: ClosedRange<Urgency>?
    /// Closed incidents are left out unless asked for.
    public var includeOpen = true
    public var includeClosed = false
    public var titleContains: String?
    public var owner: String?
    /// Only incidents with this endpoint.
    public var endpoint: IPAddress?
    public var createdSince: Date?
    public init() {}
}

/// One row of the incident list.
public struct IncidentListEntry: Sendable, Equatable, Identifiable {
    public var incident: Incident
    /// When the customer first received a message about it.
    public var notifiedAt: Date?
    public var id: Int64 { incident.id }
}

/// Where the next page of the list starts (the list's order: urgency, then oldest first).
public struct IncidentCursor: Sendable, Equatable {
    public var urgency: Urgency
    public var createdAt: Date
    public var id: Int64
    public init(_ i: Incident) {
        urgency = i.urgency
        createdAt = i.createdAt
        id = i.id
    }
}

extension TobanStore {
    /// The incident list: most urgent first, then the oldest (waiting longest) first.
    public func incidentWorklist(_ filter: IncidentWorklistFilter, after cursor: IncidentCursor? = nil,
                                 limit: Int = 200) throws -> [IncidentListEntry] {
        var terms: [String] = []
        var args: [any DatabaseValueConvertible] = []
        // Each choice reads an index in the list's order (the open incidents' own partial one).
        let index: String
        switch (filter.includeOpen, filter.includeClosed) {
        case (true, false): terms.append("i.state <> 'closed'"); index = "incidents_open_worklist"
        case (false, true): terms.append("i.state = 'closed'"); index = "incidents_worklist"
        case (true, true): index = "incidents_worklist"
        case (false, false): return []
        }
        if !filter.customers.isEmpty {
            let sorted = filter.customers.sorted()
            terms.append("i.customer_id IN (\([String].marks(sorted.count)))")
            args += sorted as [any DatabaseValueConvertible]
        }
        if let u = filter.urgencies {
            terms.append("i.urgency BETWEEN ? AND ?")
            args += [u.lowerBound.rawValue, u.upperBound.rawValue]
        }
        if let t = filter.titleContains {
            terms.append("instr(lower(i.title), ?) > 0")
            args.append(t.lowercased())
        }
        if let o = filter.owner {
            terms.append("i.owner = ?")
            args.append(o)
        }
        if let e = filter.endpoint {
            terms.append("instr(i.endpoints, ?) > 0")
            args.append("\"\(e)\"")
        }
        if let since = filter.createdSince {
            terms.append("i.created_at >= ?")
            args.append(since.storeMilliseconds)
        }
        if let c = cursor {
            terms.append("(i.urgency, i.created_at, i.id) > (?, ?, ?)")
            args += [c.urgency.rawValue, c.createdAt.storeMilliseconds, c.id]
        }
        let columns = IncidentRow.columns.split(separator: ",").map { "i." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .joined(separator: ", ")
        let sql = """
            SELECT \(columns),
                   (SELECT MIN(n.sent_at) FROM notifications n WHERE n.incident_id = i.id AND n.state = 'sent') AS notified_at,
                   (SELECT group_concat(x.detection_id) FROM incident_detections x WHERE x.incident_id = i.id) AS detection_list
            FROM incidents i INDEXED BY \(index) WHERE \(terms.isEmpty ? "1" : terms.joined(separator: " AND "))
            ORDER BY i.urgency, i.created_at, i.id LIMIT \(max(0, limit))
            """
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { row in
                let ids = ((row["detection_list"] as String?) ?? "").split(separator: ",").compactMap { Int64($0) }.sorted()
                return IncidentListEntry(incident: IncidentRow.incident(row, detectionIDs: ids),
                                  notifiedAt: (row["notified_at"] as Int64?).map { Date(storeMilliseconds: $0) })
            }
        }
    }

    /// Open incidents of a customer, newest first: the choices when escalating joins one.
    public func openIncidents(customer: String, limit: Int = 20) throws -> [Incident] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(IncidentRow.columns) FROM incidents WHERE customer_id = ? AND state != 'closed' ORDER BY id DESC LIMIT ?
                """, arguments: [customer, limit]).map { row in
                IncidentRow.incident(row, detectionIDs: try IncidentRow.detectionIDs(db, incident: row["id"]))
            }
        }
    }
}
