import Foundation
import GRDB
import TobanCore

/// Where each audited subject lives and which of its columns undo may restore. Column
/// names from audit JSON are checked against these lists before they reach SQL; audited
/// columns not listed (a notification's attempts, sent time, last error) are facts about
/// the world that no undo can take back.
enum AuditedTable {
    case detection, endpoint, incident, notification

    init?(_ subject: AuditSubject) {
        switch subject {
        case .detection: self = .detection
        case .endpoint: self = .endpoint
        case .incident: self = .incident
        case .notification: self = .notification
        case .customer, .page: return nil
        }
    }

    var table: String {
        switch self {
        case .detection: return "detections"
        case .endpoint: return "endpoints"
        case .incident: return "incidents"
        case .notification: return "notifications"
        }
    }

    var restorable: Set<String> {
        switch self {
        case .detection: return ["status", "disposition", "assignee"]
        case .endpoint: return ["status", "status_note"]
        case .incident: return ["state", "outcome", "owner", "escalated_to"]
        case .notification: return ["state", "held_reason", "due_at"]
        }
    }

    /// Whether an action that left the subject with `after` may be undone at all. Nothing
    /// undoes a delivery: once a notification was handed to the mail program or a webhook
    /// (sending, and what follows from it), the customer may have read it.
    func mayUndo(leaving after: AuditFields) -> Bool {
        guard self == .notification else { return true }
        guard let text = after.values["state"].flatMap({ String.fromDatabaseValue($0) }),
              let state = NotificationState(rawValue: text) else { return false }
        return !state.followsDeliveryAttempt
    }

    /// WHERE clause and arguments locating the subject.
    func key(_ subjectID: String) -> (String, StatementArguments)? {
        switch self {
        case .detection, .incident, .notification:
            guard let id = Int64(subjectID) else { return nil }
            return ("id = ?", [id])
        case .endpoint:
            guard let bar = subjectID.lastIndex(of: "|") else { return nil }
            return ("customer_id = ? AND ip = ?", [String(subjectID[..<bar]), String(subjectID[subjectID.index(after: bar)...])])
        }
    }
}

extension TobanStore {
    /// Restores every row an action group changed to its state before the action, provided
    /// none of them was changed since (else throws `StoreError.undoConflict` naming the
    /// first conflict, and nothing is written). Creations made by the group (an escalation's
    /// incident) are deleted. The undo is itself audited, as a new group, which is returned.
    @discardableResult
    public func undo(group: String, actor: String, at now: Date) throws -> String {
        try write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT \(AuditLog.columns), customer_id FROM audit WHERE group_id = ? ORDER BY id DESC",
                                        arguments: [group])
            guard !rows.isEmpty else { throw StoreError.unknownUndoGroup(group) }
            let undoGroup = AuditLog.newGroupID()
            var touchedDetections: [Int64] = []
            for row in rows {
                let record = AuditLog.record(row)
                let e = record.entry
                guard let spec = AuditedTable(e.subject), let (keySQL, keyArgs) = spec.key(e.subjectID),
                      let after = AuditFields(json: e.after) else {
                    throw StoreError.notUndoable(subject: e.subject, id: e.subjectID, action: e.action)
                }
                let before = AuditFields(json: e.before).map { AuditFields($0.values.filter { spec.restorable.contains($0.key) }) }
                let columns = after.values.keys.filter(spec.restorable.contains).sorted()
                guard !columns.isEmpty, spec.mayUndo(leaving: after) else {
                    throw StoreError.notUndoable(subject: e.subject, id: e.subjectID, action: e.action)
                }
                guard let current = try Row.fetchOne(db, sql: "SELECT \(columns.joined(separator: ", ")) FROM \(spec.table) WHERE \(keySQL)",
                                                     arguments: keyArgs) else {
                    throw StoreError.undoConflict(subject: e.subject, id: e.subjectID, field: "row", expected: "present", actual: "deleted")
                }
                for column in columns where current[column] as DatabaseValue != after.values[column] {
                    throw StoreError.undoConflict(subject: e.subject, id: e.subjectID, field: column,
                                                  expected: AuditFields.text(after.values[column]),
                                                  actual: AuditFields.text(current[column] as DatabaseValue))
                }
                if let before {
                    let names = before.values.keys.sorted()
                    var args = StatementArguments(names.map { before.values[$0]! })
                    args += keyArgs
                    try db.execute(sql: "UPDATE \(spec.table) SET \(names.map { "\($0) = ?" }.joined(separator: ", ")) WHERE \(keySQL)",
                                   arguments: args)
                } else {
                    try db.execute(sql: "DELETE FROM \(spec.table) WHERE \(keySQL)", arguments: keyArgs)
                }
                try AuditLog.insert(db, at: now, actor: actor, action: "undo \(e.action)", subject: e.subject, subjectID: e.subjectID,
                                    customerID: row["customer_id"], before: after, after: before,
                                    comment: "undo of \(group)", groupID: undoGroup)
                if e.subject == .detection, let id = Int64(e.subjectID) { touchedDetections.append(id) }
            }
            try EndpointScoring.rescoreEndpoints(ofDetections: touchedDetections, db, now: now)
            try OutboxItems.cancel(db, group: group, actor: actor, at: now)
            return undoGroup
        }
    }
}
