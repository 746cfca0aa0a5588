import Foundation
import GRDB
import TobanCore

extension TobanStore {
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
                // A paging service resolves the event it opened for the incident.
                let resolved = NotificationItem(customerID: incident.customerID, kind: .resolved, urgency: incident.urgency,
                                                incidentID: id, detectionIDs: incident.detectionIDs, signature: incident.title,
                                                firstSeen: incident.createdAt, lastSeen: now, arrivedAt: incident.createdAt,
                                                confirmedAt: now, confirmedBy: actor, note: comment)
                try OutboxItems.insert(db, resolved, group: group, at: now)
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
}
