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
}
