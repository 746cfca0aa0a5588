import Foundation
import GRDB
import TobanCore

/// One confirmed item as the SLA report sees it: when it arrived, was confirmed and was
/// first delivered, and what became of the messages carrying it.
public struct DeliveredItem: Sendable, Equatable {
    public var itemID: Int64
    public var customerID: String
    public var urgency: Urgency
    public var arrivedAt: Date
    public var confirmedAt: Date
    public var deadline: Date?
    /// `assembled`, `skipped` (policy none), `pending`, `cancelled`.
    public var state: String
    /// The first time a message carrying it was delivered.
    public var deliveredAt: Date?
    /// The states of the messages carrying it.
    public var messageStates: Set<NotificationState>
}

/// A detection that needed confirming and has not been (no escalation, no item).
public struct UnconfirmedDetection: Sendable, Equatable {
    public var id: Int64
    public var customerID: String
    public var urgency: Urgency
    public var arrivedAt: Date
}

extension TobanStore {
    /// Items whose detections arrived in `from..<to`, with their deliveries.
    public func deliveredItems(from: Date, to: Date, customer: String? = nil) throws -> [DeliveredItem] {
        try read { db in
            var sql = """
                SELECT i.id, i.customer_id, i.urgency, i.arrived_at, i.confirmed_at, i.deadline_at, i.state,
                       MIN(CASE WHEN n.state = 'sent' THEN n.sent_at END) AS delivered_at, GROUP_CONCAT(n.state) AS states
                FROM notification_items i
                LEFT JOIN notification_links l ON l.item_id = i.id LEFT JOIN notifications n ON n.id = l.notification_id
                WHERE i.arrived_at >= ? AND i.arrived_at < ? AND i.kind <> 'resolved'
                """
            var args: [any DatabaseValueConvertible] = [from.storeMilliseconds, to.storeMilliseconds]
            if let customer { sql += " AND i.customer_id = ?"; args.append(customer) }
            sql += " GROUP BY i.id ORDER BY i.id"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { row in
                DeliveredItem(itemID: row["id"], customerID: row["customer_id"], urgency: Urgency(rawValue: row["urgency"]) ?? .p3,
                              arrivedAt: Date(storeMilliseconds: row["arrived_at"]), confirmedAt: Date(storeMilliseconds: row["confirmed_at"]),
                              deadline: (row["deadline_at"] as Int64?).map { Date(storeMilliseconds: $0) }, state: row["state"],
                              deliveredAt: (row["delivered_at"] as Int64?).map { Date(storeMilliseconds: $0) },
                              messageStates: Set(((row["states"] as String?) ?? "").split(separator: ",").compactMap { NotificationState(rawValue: String($0)) }))
            }
        }
    }

    /// Detections of `urgencies` that arrived in `from..<to`, are still open and were never
    /// escalated or confirmed in any other way.
    public func unconfirmedDetections(from: Date, to: Date, urgencies: Set<Urgency>, customer: String? = nil) throws -> [UnconfirmedDetection] {
        guard !urgencies.isEmpty else { return [] }
        return try read { db in
            let levels = urgencies.map(\.rawValue).sorted()
            var sql = """
                SELECT d.id, d.customer_id, d.urgency, d.ingest_time FROM detections d
                WHERE d.ingest_time >= ? AND d.ingest_time < ? AND d.urgency IN (\([Int].marks(levels.count)))
                  AND d.status NOT IN ('escalated', 'closed')
                  AND NOT EXISTS (SELECT 1 FROM incident_detections x WHERE x.detection_id = d.id)
                """
            var args: [any DatabaseValueConvertible] = [from.storeMilliseconds, to.storeMilliseconds]
            args += levels as [any DatabaseValueConvertible]
            if let customer { sql += " AND d.customer_id = ?"; args.append(customer) }
            sql += " ORDER BY d.id"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { row in
                UnconfirmedDetection(id: row["id"], customerID: row["customer_id"], urgency: Urgency(rawValue: row["urgency"]) ?? .p3,
                                     arrivedAt: Date(storeMilliseconds: row["ingest_time"]))
            }
        }
    }
}
