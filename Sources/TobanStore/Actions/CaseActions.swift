import Foundation
import GRDB
import TobanCore

extension TobanStore {
    /// Sets an analyst's verdict on an endpoint (被疑, cleared, contained) with a note.
    @discardableResult
    public func setEndpointStatus(customer: String, address: IPAddress, status: EndpointStatus, note: String?,
                                  actor: String, at now: Date) throws -> String {
        try write { db in
            let subjectID = EndpointRow.subjectID(customer: customer, address: address)
            guard let row = try Row.fetchOne(db, sql: "SELECT status, status_note FROM endpoints WHERE customer_id = ? AND ip = ?",
                                             arguments: [customer, address.description]) else {
                throw StoreError.notFound(subject: .endpoint, id: subjectID)
            }
            let current = EndpointStatus(rawValue: row["status"]) ?? .none
            guard current.canMove(to: status) else {
                throw StoreError.invalidTransition(subject: .endpoint, id: subjectID, from: current.rawValue, to: status.rawValue)
            }
            try db.execute(sql: "UPDATE endpoints SET status = ?, status_note = ? WHERE customer_id = ? AND ip = ?",
                           arguments: [status.rawValue, note, customer, address.description])
            let group = AuditLog.newGroupID()
            try AuditLog.insert(db, at: now, actor: actor, action: "endpoint status", subject: .endpoint, subjectID: subjectID,
                                customerID: customer,
                                before: AuditFields(["status": current.rawValue, "status_note": row["status_note"] as String?]),
                                after: AuditFields(["status": status.rawValue, "status_note": note]), comment: note, groupID: group)
            return group
        }
    }

    /// Moves an incident through its states (Core's state machine). Closing it also closes
    /// its escalated detections, with `disposition` or one derived from the outcome
    /// (false positive → false_positive, benign/duplicate → no_action). Returns the group.
    @discardableResult
    public func transitionIncident(id: Int64, to next: IncidentState, outcome: IncidentOutcome? = nil,
                                   disposition: Disposition? = nil, actor: String, at now: Date, comment: String? = nil) throws -> String {
        try write { db in
            guard var incident = try IncidentRow.fetch(db, id: id) else { throw StoreError.notFound(subject: .incident, id: "\(id)") }
            let before = incident
            do { try incident.transition(to: next, outcome: outcome, at: now) } catch let error as Incident.TransitionError {
                throw StoreError.incidentTransition("incident \(id): \(error.description)")
            }
            try db.execute(sql: "UPDATE incidents SET state = ?, outcome = ?, updated_at = ? WHERE id = ?",
                           arguments: [incident.state.rawValue, incident.outcome?.rawValue, now.storeMilliseconds, id])
            let group = AuditLog.newGroupID()
            func fields(_ i: Incident) -> AuditFields {
                AuditFields(["state": i.state.rawValue, "outcome": i.outcome?.rawValue])
            }
            try AuditLog.insert(db, at: now, actor: actor, action: "incident \(next.rawValue)", subject: .incident, subjectID: "\(id)",
                                customerID: incident.customerID, before: fields(before), after: fields(incident), comment: comment, groupID: group)
            if next == .closed {
                let derived: Disposition? = disposition ?? {
                    switch outcome {
                    case .falsePositive: return .falsePositive
                    case .benign, .duplicate: return .noAction
                    case .truePositive, .none: return nil
                    }
                }()
                let escalated = try Int64.fetchAll(db, sql: """
                    SELECT d.id FROM incident_detections i JOIN detections d ON d.id = i.detection_id
                    WHERE i.incident_id = ? AND d.status = 'escalated' ORDER BY d.id
                    """, arguments: [id])
                if !escalated.isEmpty {
                    try DetectionChange.apply(db, ids: escalated, action: "close with incident \(id)", actor: actor, at: now,
                                              comment: comment, group: group) { d in (.closed, derived, d.assignee) }
                    try EndpointScoring.rescoreEndpoints(ofDetections: escalated, db, now: now)
                }
            }
            return group
        }
    }

    /// Stores a new notification (a draft unless given otherwise); audited without its
    /// subject or body, which only those who handle it should read.
    @discardableResult
    public func createNotification(_ notification: CustomerNotification, actor: String, at now: Date) throws -> CustomerNotification {
        try write { db in
            var n = notification
            try db.execute(sql: """
                INSERT INTO notifications (customer_id, incident_id, detection_ids, urgency, channel, recipients, language, subject, body,
                                           state, due_at, sent_at, attempts, last_error, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [n.customerID, n.incidentID, JSONText.encode(n.detectionIDs), n.urgency.rawValue, n.channel.rawValue,
                                 JSONText.encode(n.recipients), n.language.rawValue, n.subject, n.body, n.state.rawValue,
                                 n.dueAt.storeMilliseconds, n.sentAt?.storeMilliseconds, n.attempts, n.lastError, n.createdAt.storeMilliseconds])
            n.id = db.lastInsertedRowID
            try AuditLog.insert(db, at: now, actor: actor, action: "create", subject: .notification, subjectID: "\(n.id)",
                                customerID: n.customerID, before: nil, after: NotificationChange.fields(n), comment: nil,
                                groupID: AuditLog.newGroupID())
            return n
        }
    }

    /// Moves a notification (approve, cancel, sending, sent, failed, dead): `sending` counts
    /// an attempt, `sent` records the time, `failed` the error. Returns the group.
    @discardableResult
    public func setNotificationState(id: Int64, to next: NotificationState, actor: String, at now: Date,
                                     error: String? = nil, comment: String? = nil) throws -> String {
        try write { db in
            guard let current = try NotificationRow.fetch(db, id: id) else { throw StoreError.notFound(subject: .notification, id: "\(id)") }
            guard current.state.canMove(to: next) else {
                throw StoreError.invalidTransition(subject: .notification, id: "\(id)", from: current.state.rawValue, to: next.rawValue)
            }
            var n = current
            n.state = next
            if next == .sending { n.attempts += 1 }
            if next == .sent { n.sentAt = now }
            if next == .failed { n.lastError = error }
            try db.execute(sql: "UPDATE notifications SET state = ?, attempts = ?, sent_at = ?, last_error = ? WHERE id = ?",
                           arguments: [n.state.rawValue, n.attempts, n.sentAt?.storeMilliseconds, n.lastError, id])
            let group = AuditLog.newGroupID()
            try AuditLog.insert(db, at: now, actor: actor, action: "notification \(next.rawValue)", subject: .notification, subjectID: "\(id)",
                                customerID: n.customerID, before: NotificationChange.fields(current), after: NotificationChange.fields(n),
                                comment: comment, groupID: group)
            return group
        }
    }
}

enum NotificationChange {
    static func fields(_ n: CustomerNotification) -> AuditFields {
        AuditFields(["state": n.state.rawValue, "attempts": n.attempts, "sent_at": n.sentAt?.storeMilliseconds, "last_error": n.lastError])
    }
}
