import Foundation
import GRDB
import TobanCore

public struct IncidentFilter: Sendable, Equatable {
    public var customers: Set<String>
    public var states: Set<IncidentState>
    public var urgencies: ClosedRange<Urgency>?
    public init(customers: Set<String> = [], states: Set<IncidentState> = [], urgencies: ClosedRange<Urgency>? = nil) {
        self.customers = customers
        self.states = states
        self.urgencies = urgencies
    }
}

public struct NotificationFilter: Sendable, Equatable {
    public var customers: Set<String>
    public var states: Set<NotificationState>
    public var urgencies: ClosedRange<Urgency>?
    public init(customers: Set<String> = [], states: Set<NotificationState> = [], urgencies: ClosedRange<Urgency>? = nil) {
        self.customers = customers
        self.states = states
        self.urgencies = urgencies
    }
}

/// WHERE terms shared by the incident and notification lists.
private func listConditions(customers: Set<String>, states: [String], urgencies: ClosedRange<Urgency>?, stateColumn: String,
                            before id: Int64?) -> (String, StatementArguments) {
    var terms: [String] = []
    var args: [any DatabaseValueConvertible] = []
    if !customers.isEmpty {
        let sorted = customers.sorted()
        terms.append("customer_id IN (\([String].marks(sorted.count)))")
        args += sorted as [any DatabaseValueConvertible]
    }
    if !states.isEmpty {
        terms.append("\(stateColumn) IN (\([String].marks(states.count)))")
        args += states.sorted() as [any DatabaseValueConvertible]
    }
    if let urgencies {
        terms.append("urgency BETWEEN ? AND ?")
        args += [urgencies.lowerBound.rawValue, urgencies.upperBound.rawValue]
    }
    if let id {
        terms.append("id < ?")
        args.append(id)
    }
    return (terms.isEmpty ? "" : "WHERE " + terms.joined(separator: " AND "), StatementArguments(args))
}

extension TobanStore {
    /// Incidents, newest first, with ids below `before` (keyset on id).
    public func incidents(_ filter: IncidentFilter = IncidentFilter(), before id: Int64? = nil, limit: Int = 100) throws -> [Incident] {
        let (whereClause, args) = listConditions(customers: filter.customers, states: filter.states.map(\.rawValue),
                                                 urgencies: filter.urgencies, stateColumn: "state", before: id)
        return try read { db in
            try Row.fetchAll(db, sql: "SELECT \(IncidentRow.columns) FROM incidents \(whereClause) ORDER BY id DESC LIMIT \(max(0, limit))",
                             arguments: args).map { row in
                IncidentRow.incident(row, detectionIDs: try IncidentRow.detectionIDs(db, incident: row["id"]))
            }
        }
    }

    public func incident(id: Int64) throws -> Incident? {
        try read { db in try IncidentRow.fetch(db, id: id) }
    }

    /// Notifications, newest first, with ids below `before` (keyset on id).
    public func notifications(_ filter: NotificationFilter = NotificationFilter(), before id: Int64? = nil, limit: Int = 100) throws -> [CustomerNotification] {
        let (whereClause, args) = listConditions(customers: filter.customers, states: filter.states.map(\.rawValue),
                                                 urgencies: filter.urgencies, stateColumn: "state", before: id)
        return try read { db in
            try Row.fetchAll(db, sql: "SELECT \(NotificationRow.columns) FROM notifications \(whereClause) ORDER BY id DESC LIMIT \(max(0, limit))",
                             arguments: args).map(NotificationRow.notification)
        }
    }

    public func notification(id: Int64) throws -> CustomerNotification? {
        try read { db in try NotificationRow.fetch(db, id: id) }
    }
}
