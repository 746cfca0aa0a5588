import Foundation
import GRDB
import TobanCore

/// Everything the incident page shows, read in one transaction.
public struct IncidentDossier: Sendable, Equatable {
    public var incident: Incident
    public var detections: [Detection]
    public var endpoints: [Endpoint]
    public var notifications: [CustomerNotification]
    /// The incident's own history and that of its detections, endpoints and messages,
    /// oldest first.
    public var history: [AuditRecord]
    /// When the customer received the first ★★★ (P1) message about it: the on-site
    /// response window opens there.
    public var starNoticeSentAt: Date?
    /// Its display ids (INC-…): merged into / reopened from.
    public var mergedIntoName: String?
    public var reopenedFromName: String?
}

extension TobanStore {
    public func incidentDossier(id: Int64, detectionLimit: Int = 200) throws -> IncidentDossier? {
        try read { db in
            guard let incident = try IncidentRow.fetch(db, id: id) else { return nil }
            let detections = try incident.detectionIDs.prefix(detectionLimit).compactMap { try DetectionRow.fetch(db, id: $0) }
            let endpoints = try incident.endpoints.compactMap { address in
                try Row.fetchOne(db, sql: "SELECT \(EndpointRow.columns) FROM endpoints WHERE customer_id = ? AND ip = ?",
                                 arguments: [incident.customerID, address.description]).map(EndpointRow.endpoint)
            }
            let notifications = try Row.fetchAll(db, sql: "SELECT \(NotificationRow.columns) FROM notifications WHERE incident_id = ? ORDER BY id",
                                                 arguments: [id]).map(NotificationRow.notification)
            var history = try Row.fetchAll(db, sql: "SELECT \(AuditLog.columns) FROM audit WHERE subject = 'incident' AND subject_id = ?",
                                           arguments: ["\(id)"]).map(AuditLog.record)
            let detectionKeys = incident.detectionIDs.prefix(detectionLimit).map(String.init)
            if !detectionKeys.isEmpty {
                history += try Row.fetchAll(db, sql: """
                    SELECT \(AuditLog.columns) FROM audit WHERE subject = 'detection' AND subject_id IN (\([String].marks(detectionKeys.count)))
                    """, arguments: StatementArguments(detectionKeys)).map(AuditLog.record)
            }
            let endpointKeys = incident.endpoints.map { "\(incident.customerID)|\($0)" }
            if !endpointKeys.isEmpty {
                history += try Row.fetchAll(db, sql: """
                    SELECT \(AuditLog.columns) FROM audit WHERE subject = 'endpoint' AND subject_id IN (\([String].marks(endpointKeys.count)))
                    """, arguments: StatementArguments(endpointKeys)).map(AuditLog.record)
            }
            let notificationKeys = notifications.map { "\($0.id)" }
            if !notificationKeys.isEmpty {
                history += try Row.fetchAll(db, sql: """
                    SELECT \(AuditLog.columns) FROM audit WHERE subject = 'notification' AND subject_id IN (\([String].marks(notificationKeys.count)))
                    """, arguments: StatementArguments(notificationKeys)).map(AuditLog.record)
            }
            history.sort { ($0.entry.at, $0.entry.id) < ($1.entry.at, $1.entry.id) }
            let star = notifications.filter { $0.urgency == .p1 && $0.state == .sent }.compactMap(\.sentAt).min()
            func name(_ other: Int64?) throws -> String? {
                guard let other, let at = try Int64.fetchOne(db, sql: "SELECT created_at FROM incidents WHERE id = ?", arguments: [other]) else { return nil }
                return Incident.displayID(id: other, createdAt: Date(storeMilliseconds: at))
            }
            return IncidentDossier(incident: incident, detections: detections, endpoints: endpoints, notifications: notifications,
                                   history: history, starNoticeSentAt: star, mergedIntoName: try name(incident.mergedInto),
                                   reopenedFromName: try name(incident.reopenedFrom))
        }
    }
}
