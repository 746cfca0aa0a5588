import Foundation
import GRDB
import TobanCore

/// What analysts do to the outbox, each audited (who, when, before and after, the reason)
/// without the message's content, which only those who handle it should read.
extension TobanStore {
    /// Holds a queued (or failed) notification: it is not sent until released.
    @discardableResult
    public func holdNotification(_ id: Int64, reason: String, actor: String, at now: Date) throws -> String {
        try changeNotification(id, action: "hold", actor: actor, at: now, comment: reason) { n in
            guard n.state.canMove(to: .held) else { return nil }
            n.state = .held
            n.heldReason = reason
            return "state = 'held', held_reason = ?"
        } arguments: { n in [n.heldReason] }
    }

    /// Releases a held notification: it goes at its due time (at once if that has passed).
    @discardableResult
    public func releaseNotification(_ id: Int64, actor: String, at now: Date, comment: String? = nil) throws -> String {
        try changeNotification(id, action: "release", actor: actor, at: now, comment: comment) { n in
            guard n.state == .held else { return nil }
            n.state = .approved
            n.heldReason = nil
            return "state = 'approved', held_reason = NULL"
        } arguments: { _ in [] }
    }

    /// Cancels a notification that has not gone out, with the reason.
    @discardableResult
    public func cancelNotification(_ id: Int64, reason: String, actor: String, at now: Date) throws -> String {
        try changeNotification(id, action: "cancel", actor: actor, at: now, comment: reason) { n in
            guard n.state.canMove(to: .cancelled) else { return nil }
            n.state = .cancelled
            return "state = 'cancelled', lease_owner = NULL, lease_until = NULL"
        } arguments: { _ in [] }
    }

    /// Sends at the next dispatcher pass, whatever its due time or retry backoff (held ones
    /// are released). A dead one is tried again.
    @discardableResult
    public func sendNotificationNow(_ id: Int64, actor: String, at now: Date, comment: String? = nil) throws -> String {
        try changeNotification(id, action: "send now", actor: actor, at: now, comment: comment) { n in
            switch n.state {
            case .approved, .held, .dead:
                n.state = .approved
            case .failed:
                break
            default:
                return nil
            }
            n.heldReason = nil
            n.dueAt = now
            n.nextAttemptAt = nil
            return "state = ?, held_reason = NULL, due_at = ?, next_attempt_at = NULL"
        } arguments: { n in [n.state.rawValue, n.dueAt.storeMilliseconds] }
    }

    /// Replaces what will be sent with an analyst's text: a new revision, sent as written
    /// (no longer rendered from its items, so nothing joins it any more).
    @discardableResult
    public func editNotification(_ id: Int64, subject: String, body: String, actor: String, at now: Date) throws -> String {
        try changeNotification(id, action: "edit", actor: actor, at: now, comment: nil) { n in
            guard [.approved, .held, .failed, .dead].contains(n.state) else { return nil }
            n.subject = subject
            n.body = body
            n.revision += 1
            return "subject = ?, body = ?, revision = ?"
        } arguments: { n in [n.subject, n.body, n.revision] }
    }

    /// Moves a queued notification's items into the customer's next digest on the same
    /// target (made if there is none) and cancels it: for news that can wait.
    @discardableResult
    public func mergeIntoNextDigest(_ id: Int64, digestDue: Date, actor: String, at now: Date) throws -> Int64 {
        try write { db in
            guard let n = try NotificationRow.fetch(db, id: id) else { throw StoreError.notFound(subject: .notification, id: "\(id)") }
            guard [.approved, .held].contains(n.state), n.revision == 0, n.deliveryClass == .prompt else {
                throw StoreError.invalidTransition(subject: .notification, id: "\(id)", from: n.state.rawValue, to: "merged")
            }
            let recipients = JSONText.encode(n.recipients)
            var digest = try Row.fetchOne(db, sql: """
                SELECT \(NotificationRow.columns) FROM notifications WHERE customer_id = ? AND target = ? AND delivery_class = 'digest'
                  AND state IN ('approved', 'held') AND revision = 0 AND recipients = ? ORDER BY id LIMIT 1
                """, arguments: [n.customerID, n.target, recipients]).map(NotificationRow.notification)
            if digest == nil {
                var made = n
                made.kind = .digest
                made.deliveryClass = .digest
                made.state = .approved
                made.heldReason = nil
                made.dueAt = digestDue
                made.inReplyTo = nil
                made.messageID = n.messageID.replacingOccurrences(of: "<toban.", with: "<toban.digest.")
                made.createdAt = now
                digest = try NotificationRow.insert(db, made)
            }
            let target = digest!
            try db.execute(sql: "INSERT OR IGNORE INTO notification_links (notification_id, item_id) SELECT ?, item_id FROM notification_links WHERE notification_id = ?",
                           arguments: [target.id, id])
            try db.execute(sql: "DELETE FROM notification_links WHERE notification_id = ?", arguments: [id])
            try db.execute(sql: "UPDATE notifications SET state = 'cancelled', last_response = ? WHERE id = ?",
                           arguments: ["merged into #\(target.id)", id])
            var after = n
            after.state = .cancelled
            try AuditLog.insert(db, at: now, actor: actor, action: "merge into digest", subject: .notification, subjectID: "\(id)",
                                customerID: n.customerID, before: NotificationChange.fields(n), after: NotificationChange.fields(after),
                                comment: "merged into #\(target.id)", groupID: AuditLog.newGroupID())
            return target.id
        }
    }

    /// One audited change of a notification: `change` edits the value and gives the SET
    /// clause (nil: not allowed from its state), `arguments` the values the clause needs.
    private func changeNotification(_ id: Int64, action: String, actor: String, at now: Date, comment: String?,
                                    _ change: (inout CustomerNotification) -> String?,
                                    arguments: (CustomerNotification) -> [(any DatabaseValueConvertible)?]) throws -> String {
        try write { db in
            guard let current = try NotificationRow.fetch(db, id: id) else { throw StoreError.notFound(subject: .notification, id: "\(id)") }
            var next = current
            guard let set = change(&next) else {
                throw StoreError.invalidTransition(subject: .notification, id: "\(id)", from: current.state.rawValue, to: action)
            }
            try db.execute(sql: "UPDATE notifications SET \(set) WHERE id = ?", arguments: StatementArguments(arguments(next) + [id]))
            let group = AuditLog.newGroupID()
            var before = NotificationChange.fields(current)
            var after = NotificationChange.fields(next)
            if next.revision != current.revision {
                before.values["revision"] = current.revision.databaseValue
                after.values["revision"] = next.revision.databaseValue
            }
            try AuditLog.insert(db, at: now, actor: actor, action: "notification \(action)", subject: .notification, subjectID: "\(id)",
                                customerID: current.customerID, before: before, after: after, comment: comment, groupID: group)
            return group
        }
    }
}
