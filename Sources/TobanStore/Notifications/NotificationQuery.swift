import Foundation
import GRDB
import TobanCore

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

extension TobanStore {
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
