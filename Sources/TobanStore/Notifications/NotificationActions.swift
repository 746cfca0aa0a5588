import Foundation
import GRDB
import TobanCore

extension TobanStore {
    /// Stores a new notification (a draft unless given otherwise); audited without its
    /// subject or body, which only those who handle it should read.
    @discardableResult
    public func createNotification(_ notification: CustomerNotification, actor: String, at now: Date) throws -> CustomerNotification {
        try write { db in
            let n = try NotificationRow.insert(db, notification)
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
        AuditFields(["state": n.state.rawValue, "attempts": n.attempts, "sent_at": n.sentAt?.storeMilliseconds, "last_error": n.lastError,
                     "held_reason": n.heldReason, "due_at": n.dueAt.storeMilliseconds])
    }
}
