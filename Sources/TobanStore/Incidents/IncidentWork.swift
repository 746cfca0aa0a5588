import Foundation
import GRDB
import TobanCore

/// Working an incident between its escalation and its close: who owns it, notes, more
/// detections, merging a duplicate, reopening, and the customer's on-site request. Each
/// change is one transaction with its audit row, so the incident page's history is the
/// audit trail.
extension TobanStore {
    /// Sets the owner (claim: `owner == actor`).
    @discardableResult
    public func assignIncident(_ id: Int64, to owner: String, actor: String, at now: Date) throws -> String {
        try changeIncident(id, action: owner == actor ? "claim" : "assign", actor: actor, at: now, comment: nil,
                           before: { AuditFields(["owner": $0.owner]) }, after: AuditFields(["owner": owner])) { db, _ in
            try db.execute(sql: "UPDATE incidents SET owner = ?, updated_at = ? WHERE id = ?", arguments: [owner, now.storeMilliseconds, id])
        }
    }

    /// A note on the incident, kept in its history (not undoable: it was said).
    @discardableResult
    public func addIncidentNote(_ id: Int64, note: String, actor: String, at now: Date) throws -> String {
        let text = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw StoreError.invalidArgument("a note needs some text") }
        return try changeIncident(id, action: "note", actor: actor, at: now, comment: text, before: { _ in nil },
                                  after: AuditFields(["note": text])) { db, _ in
            try db.execute(sql: "UPDATE incidents SET updated_at = ? WHERE id = ?", arguments: [now.storeMilliseconds, id])
        }
    }

    /// Adds detections of the incident's customer to an open incident; they become
    /// `escalated` with it, and the customer hears about them as part of it.
    @discardableResult
    public func linkDetections(_ ids: [Int64], toIncident id: Int64, comment: String?, actor: String, at now: Date) throws -> ActionResult {
        try write { db in
            let group = AuditLog.newGroupID()
            let changed = try Self.join(db, ids: ids, incident: id, comment: comment, actor: actor, at: now, group: group)
            return ActionResult(groupID: group, detectionIDs: changed)
        }
    }

    /// Escalation into an existing open incident (F9's "join"): like `escalate`, without a
    /// new incident.
    @discardableResult
    public func escalate(_ ids: [Int64], joining id: Int64, comment: String, actor: String, at now: Date) throws -> (incident: Incident, result: ActionResult) {
        try write { db in
            let group = AuditLog.newGroupID()
            let changed = try Self.join(db, ids: ids, incident: id, comment: comment, actor: actor, at: now, group: group)
            guard let incident = try IncidentRow.fetch(db, id: id) else { throw StoreError.notFound(subject: .incident, id: "\(id)") }
            return (incident, ActionResult(groupID: group, detectionIDs: changed))
        }
    }

    static func join(_ db: Database, ids: [Int64], incident id: Int64, comment: String?, actor: String, at now: Date,
                     group: String) throws -> [Int64] {
        guard let incident = try IncidentRow.fetch(db, id: id) else { throw StoreError.notFound(subject: .incident, id: "\(id)") }
        guard incident.state != .closed else {
            throw StoreError.incidentTransition("\(Incident.displayID(id: id, createdAt: incident.createdAt)) is closed; reopen it first")
        }
        let unique = DetectionChange.unique(ids).filter { !incident.detectionIDs.contains($0) }
        guard !unique.isEmpty else { throw StoreError.invalidArgument("those detections are already part of the incident") }
        var detections: [Detection] = []
        for d in unique {
            guard let detection = try DetectionRow.fetch(db, id: d) else { throw StoreError.notFound(subject: .detection, id: "\(d)") }
            guard detection.customerID == incident.customerID else { throw StoreError.mixedCustomers([incident.customerID, detection.customerID].sorted()) }
            detections.append(detection)
        }
        for d in unique {
            try db.execute(sql: "INSERT OR IGNORE INTO incident_detections (incident_id, detection_id) VALUES (?, ?)", arguments: [id, d])
        }
        let endpoints = Array(Set(incident.endpoints + detections.compactMap(\.endpoint))).sorted()
        let lead = detections.min { $0.urgency < $1.urgency }!
        let urgency = min(incident.urgency, lead.urgency)
        let reason = lead.urgency < incident.urgency ? lead.urgencyReason : incident.urgencyReason
        try db.execute(sql: "UPDATE incidents SET endpoints = ?, urgency = ?, urgency_reason = ?, updated_at = ? WHERE id = ?",
                       arguments: [JSONText.encode(endpoints.map(\.description)), urgency.rawValue, reason, now.storeMilliseconds, id])
        try AuditLog.insert(db, at: now, actor: actor, action: "link detections", subject: .incident, subjectID: "\(id)",
                            customerID: incident.customerID, before: nil,
                            after: AuditFields(["detections": unique.map(String.init).joined(separator: ",")]), comment: comment, groupID: group)
        let changed = try DetectionChange.apply(db, ids: unique, action: "escalate", actor: actor, at: now, comment: comment, group: group) { d in
            (.escalated, d.disposition, d.assignee ?? actor)
        }
        if let item = OutboxItems.item(kind: .incident, detections: detections, incidentID: id, actor: actor,
                                       note: comment?.isEmpty == false ? comment : nil, at: now) {
            try OutboxItems.insert(db, item, group: group, at: now)
        }
        return changed
    }

    /// Merges `duplicate` into `survivor` (same customer): the duplicate's detections and
    /// its notifications move across, and it closes with the outcome `duplicate`.
    @discardableResult
    public func mergeIncident(_ duplicate: Int64, into survivor: Int64, actor: String, at now: Date, comment: String? = nil) throws -> String {
        guard duplicate != survivor else { throw StoreError.invalidArgument("an incident cannot be merged into itself") }
        return try write { db in
            guard let dup = try IncidentRow.fetch(db, id: duplicate) else { throw StoreError.notFound(subject: .incident, id: "\(duplicate)") }
            guard let keep = try IncidentRow.fetch(db, id: survivor) else { throw StoreError.notFound(subject: .incident, id: "\(survivor)") }
            guard dup.customerID == keep.customerID else { throw StoreError.mixedCustomers([dup.customerID, keep.customerID].sorted()) }
            for i in [dup, keep] where i.state == .closed {
                throw StoreError.incidentTransition("\(Incident.displayID(id: i.id, createdAt: i.createdAt)) is closed; only open incidents merge")
            }
            let group = AuditLog.newGroupID()
            try db.execute(sql: """
                INSERT OR IGNORE INTO incident_detections (incident_id, detection_id)
                SELECT ?, detection_id FROM incident_detections WHERE incident_id = ?
                """, arguments: [survivor, duplicate])
            try db.execute(sql: "DELETE FROM incident_detections WHERE incident_id = ?", arguments: [duplicate])
            try db.execute(sql: "UPDATE notifications SET incident_id = ? WHERE incident_id = ?", arguments: [survivor, duplicate])
            try db.execute(sql: "UPDATE notification_items SET incident_id = ? WHERE incident_id = ?", arguments: [survivor, duplicate])
            let endpoints = Array(Set(dup.endpoints + keep.endpoints)).sorted()
            let urgency = min(dup.urgency, keep.urgency)
            let reason = dup.urgency < keep.urgency ? dup.urgencyReason : keep.urgencyReason
            try db.execute(sql: "UPDATE incidents SET endpoints = ?, urgency = ?, urgency_reason = ?, updated_at = ? WHERE id = ?",
                           arguments: [JSONText.encode(endpoints.map(\.description)), urgency.rawValue, reason, now.storeMilliseconds, survivor])
            try db.execute(sql: "UPDATE incidents SET state = 'closed', outcome = 'duplicate', merged_into = ?, updated_at = ? WHERE id = ?",
                           arguments: [survivor, now.storeMilliseconds, duplicate])
            let dupName = Incident.displayID(id: dup.id, createdAt: dup.createdAt)
            let keepName = Incident.displayID(id: keep.id, createdAt: keep.createdAt)
            try AuditLog.insert(db, at: now, actor: actor, action: "merge", subject: .incident, subjectID: "\(duplicate)",
                                customerID: dup.customerID, before: AuditFields(["state": dup.state.rawValue, "outcome": nil]),
                                after: AuditFields(["merged_into": keepName]), comment: comment, groupID: group)
            try AuditLog.insert(db, at: now, actor: actor, action: "absorb", subject: .incident, subjectID: "\(survivor)",
                                customerID: keep.customerID, before: nil,
                                after: AuditFields(["merged_from": dupName, "detections": dup.detectionIDs.map(String.init).joined(separator: ",")]),
                                comment: comment, groupID: group)
            return group
        }
    }

    /// A closed incident is final; reopening makes a new open incident, linked to the old
    /// one, with its detections and endpoints. Returns the new incident.
    @discardableResult
    public func reopenIncident(_ id: Int64, comment: String, actor: String, at now: Date) throws -> Incident {
        try write { db in
            guard let old = try IncidentRow.fetch(db, id: id) else { throw StoreError.notFound(subject: .incident, id: "\(id)") }
            guard old.state == .closed else {
                throw StoreError.incidentTransition("\(Incident.displayID(id: id, createdAt: old.createdAt)) is still open; only a closed incident is reopened")
            }
            var fresh = Incident(customerID: old.customerID, title: old.title, urgency: old.urgency, detectionIDs: old.detectionIDs,
                                 endpoints: old.endpoints, owner: actor, createdAt: now, comment: comment,
                                 urgencyReason: old.urgencyReason, reopenedFrom: id)
            try db.execute(sql: """
                INSERT INTO incidents (customer_id, title, urgency, state, outcome, endpoints, owner, escalated_to, acknowledge_by,
                                       created_at, updated_at, comment, urgency_reason, reopened_from)
                VALUES (?, ?, ?, 'open', NULL, ?, ?, NULL, NULL, ?, ?, ?, ?, ?)
                """, arguments: [fresh.customerID, fresh.title, fresh.urgency.rawValue, JSONText.encode(fresh.endpoints.map(\.description)),
                                 actor, now.storeMilliseconds, now.storeMilliseconds, comment, fresh.urgencyReason, id])
            fresh.id = db.lastInsertedRowID
            for d in old.detectionIDs {
                try db.execute(sql: "INSERT OR IGNORE INTO incident_detections (incident_id, detection_id) VALUES (?, ?)", arguments: [fresh.id, d])
            }
            let group = AuditLog.newGroupID()
            try AuditLog.insert(db, at: now, actor: actor, action: "reopen", subject: .incident, subjectID: "\(fresh.id)",
                                customerID: fresh.customerID, before: nil,
                                after: AuditFields(["reopened_from": Incident.displayID(id: id, createdAt: old.createdAt)]),
                                comment: comment, groupID: group)
            try AuditLog.insert(db, at: now, actor: actor, action: "reopened as", subject: .incident, subjectID: "\(id)",
                                customerID: old.customerID, before: nil,
                                after: AuditFields(["reopened_as": Incident.displayID(id: fresh.id, createdAt: now)]),
                                comment: comment, groupID: group)
            return fresh
        }
    }

    /// Records the customer's on-site request (駆け付け) on the incident.
    @discardableResult
    public func recordOnSiteRequest(_ id: Int64, note: String, actor: String, at now: Date) throws -> String {
        let request = OnSiteRequest(requestedBy: actor, requestedAt: now, note: note)
        return try changeIncident(id, action: "on-site request", actor: actor, at: now, comment: note.isEmpty ? nil : note,
                                  before: { _ in nil }, after: AuditFields(["on_site_request": "requested"])) { db, _ in
            try db.execute(sql: "UPDATE incidents SET on_site_request = ?, updated_at = ? WHERE id = ?",
                           arguments: [JSONText.encode(codable: request), now.storeMilliseconds, id])
        }
    }

    private func changeIncident(_ id: Int64, action: String, actor: String, at now: Date, comment: String?,
                                before: (Incident) -> AuditFields?, after: AuditFields,
                                _ body: (Database, Incident) throws -> Void) throws -> String {
        try write { db in
            guard let incident = try IncidentRow.fetch(db, id: id) else { throw StoreError.notFound(subject: .incident, id: "\(id)") }
            try body(db, incident)
            let group = AuditLog.newGroupID()
            try AuditLog.insert(db, at: now, actor: actor, action: action, subject: .incident, subjectID: "\(id)",
                                customerID: incident.customerID, before: before(incident), after: after, comment: comment, groupID: group)
            return group
        }
    }
}
