import Foundation
import GRDB
import TobanCore

/// What an analyst action did: its audit group (for undo) and the rows it changed.
public struct ActionResult: Sendable, Equatable {
    public var groupID: String
    public var detectionIDs: [Int64]
}

extension TobanStore {
    /// new → acknowledged, for each detection (all or none).
    @discardableResult
    public func acknowledge(_ ids: [Int64], actor: String, at now: Date, comment: String? = nil) throws -> ActionResult {
        try write { db in
            let group = AuditLog.newGroupID()
            let changed = try DetectionChange.apply(db, ids: ids, action: "acknowledge", actor: actor, at: now, comment: comment, group: group) { d in
                (.acknowledged, d.disposition, d.assignee)
            }
            return ActionResult(groupID: group, detectionIDs: changed)
        }
    }

    /// Takes detections into triage: assignee = actor, status in_triage.
    @discardableResult
    public func claim(_ ids: [Int64], actor: String, at now: Date, comment: String? = nil) throws -> ActionResult {
        try write { db in
            let group = AuditLog.newGroupID()
            let changed = try DetectionChange.apply(db, ids: ids, action: "claim", actor: actor, at: now, comment: comment, group: group) { d in
                (.inTriage, d.disposition, actor)
            }
            return ActionResult(groupID: group, detectionIDs: changed)
        }
    }

    /// Closes detections with a disposition and re-scores their endpoints.
    @discardableResult
    public func dispose(_ ids: [Int64], disposition: Disposition, actor: String, at now: Date, comment: String? = nil) throws -> ActionResult {
        try write { db in
            let group = AuditLog.newGroupID()
            let changed = try DetectionChange.apply(db, ids: ids, action: "dispose", actor: actor, at: now, comment: comment, group: group) { d in
                (.closed, disposition, d.assignee ?? actor)
            }
            try EndpointScoring.rescoreEndpoints(ofDetections: changed, db, now: now)
            return ActionResult(groupID: group, detectionIDs: changed)
        }
    }

    /// Escalates detections (one customer) into a new open incident that carries them and
    /// their endpoints; the detections become `escalated`, and the customer's notification
    /// is written to the outbox with them (undo cancels it while it has not gone out).
    /// Returns the incident and the group.
    @discardableResult
    public func escalate(_ ids: [Int64], comment: String, actor: String, at now: Date, to escalatedTo: String? = nil,
                         acknowledgeBy: Date? = nil) throws -> (incident: Incident, result: ActionResult) {
        try write { db in
            let unique = DetectionChange.unique(ids)
            guard !unique.isEmpty else { throw StoreError.emptySelection }
            var detections: [Detection] = []
            for id in unique {
                guard let d = try DetectionRow.fetch(db, id: id) else { throw StoreError.notFound(subject: .detection, id: "\(id)") }
                detections.append(d)
            }
            let customers = Set(detections.map(\.customerID))
            guard customers.count == 1 else { throw StoreError.mixedCustomers(customers.sorted()) }
            let lead = detections.min { ($0.urgency, $1.lastSeen) < ($1.urgency, $0.lastSeen) }!
            let title = detections.count == 1 ? lead.signature.name : "\(lead.signature.name) (+\(detections.count - 1) more)"
            let endpoints = Array(Set(detections.compactMap(\.endpoint))).sorted()
            var incident = Incident(customerID: lead.customerID, title: title, urgency: lead.urgency, detectionIDs: unique,
                                    endpoints: endpoints, owner: actor, escalatedTo: escalatedTo, acknowledgeBy: acknowledgeBy,
                                    createdAt: now, comment: comment, urgencyReason: lead.urgencyReason)
            try db.execute(sql: """
                INSERT INTO incidents (customer_id, title, urgency, state, outcome, endpoints, owner, escalated_to, acknowledge_by,
                                       created_at, updated_at, comment, urgency_reason)
                VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [incident.customerID, incident.title, incident.urgency.rawValue, incident.state.rawValue,
                                 JSONText.encode(endpoints.map(\.description)), actor, escalatedTo,
                                 acknowledgeBy?.storeMilliseconds, now.storeMilliseconds, now.storeMilliseconds, comment,
                                 lead.urgencyReason])
            incident.id = db.lastInsertedRowID
            for id in unique {
                try db.execute(sql: "INSERT INTO incident_detections (incident_id, detection_id) VALUES (?, ?)", arguments: [incident.id, id])
            }
            let group = AuditLog.newGroupID()
            try AuditLog.insert(db, at: now, actor: actor, action: "create", subject: .incident, subjectID: "\(incident.id)",
                                customerID: incident.customerID, before: nil,
                                after: AuditFields(["state": incident.state.rawValue, "outcome": nil, "owner": actor, "escalated_to": escalatedTo]),
                                comment: comment, groupID: group)
            let changed = try DetectionChange.apply(db, ids: unique, action: "escalate", actor: actor, at: now, comment: comment, group: group) { d in
                (.escalated, d.disposition, d.assignee ?? actor)
            }
            // Escalating is the analyst's confirmation: the customer is told, in this transaction.
            if let item = OutboxItems.item(kind: .incident, detections: detections, incidentID: incident.id, actor: actor,
                                           note: comment.isEmpty ? nil : comment, at: now) {
                try OutboxItems.insert(db, item, group: group, at: now)
            }
            return (incident, ActionResult(groupID: group, detectionIDs: changed))
        }
    }
}

/// The one way detection status, disposition and assignee change: validated with Core's
/// `canMove`, written with an audit row per detection, in the caller's transaction.
enum DetectionChange {
    typealias Target = (status: DetectionStatus, disposition: Disposition?, assignee: String?)

    static func unique(_ ids: [Int64]) -> [Int64] {
        var seen = Set<Int64>()
        return ids.filter { seen.insert($0).inserted }
    }

    static func fields(_ t: Target) -> AuditFields {
        AuditFields(["status": t.status.rawValue, "disposition": t.disposition?.rawValue, "assignee": t.assignee])
    }

    @discardableResult
    static func apply(_ db: Database, ids: [Int64], action: String, actor: String, at now: Date, comment: String?, group: String,
                      target: (Detection) -> Target) throws -> [Int64] {
        let ids = unique(ids)
        guard !ids.isEmpty else { throw StoreError.emptySelection }
        let update = try db.cachedStatement(sql: "UPDATE detections SET status = ?, disposition = ?, assignee = ? WHERE id = ?")
        for id in ids {
            guard let d = try DetectionRow.fetch(db, id: id) else { throw StoreError.notFound(subject: .detection, id: "\(id)") }
            let next = target(d)
            guard d.status.canMove(to: next.status) else {
                throw StoreError.invalidTransition(subject: .detection, id: "\(id)", from: d.status.rawValue, to: next.status.rawValue)
            }
            try update.execute(arguments: [next.status.rawValue, next.disposition?.rawValue, next.assignee, id])
            try AuditLog.insert(db, at: now, actor: actor, action: action, subject: .detection, subjectID: "\(id)", customerID: d.customerID,
                                before: fields((d.status, d.disposition, d.assignee)), after: fields(next), comment: comment, groupID: group)
        }
        return ids
    }
}
