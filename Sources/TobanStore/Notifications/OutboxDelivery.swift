import Foundation
import GRDB
import TobanCore

/// How one delivery attempt ended.
public enum DeliveryOutcome: Sendable, Equatable {
    /// Accepted by the mail program or the receiver; the response says how.
    case sent(response: String)
    /// A temporary failure (EX_TEMPFAIL, 5xx, 429, a network error): tried again at `retryAt`.
    case retry(error: String, retryAt: Date)
    /// A permanent failure: shown in the outbox until an analyst acts.
    case dead(error: String)
}

extension TobanStore {
    /// Notifications the dispatcher should attempt at `now`, most urgent and oldest first:
    /// queued ones that are due, failed ones whose retry time has come, and attempts whose
    /// dispatcher died (their lease ran out).
    public func dueNotifications(at now: Date, limit: Int = 500) throws -> [CustomerNotification] {
        let t = now.storeMilliseconds
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(NotificationRow.columns) FROM notifications
                WHERE (state = 'approved' AND due_at <= ?)
                   OR (state = 'failed' AND COALESCE(next_attempt_at, due_at) <= ?)
                   OR (state = 'sending' AND lease_until < ?)
                ORDER BY urgency, due_at, id LIMIT ?
                """, arguments: [t, t, t, limit]).map(NotificationRow.notification)
        }
    }

    /// When the next notification falls due (the daemon sleeps until then or a store change).
    public func nextNotificationDue() throws -> Date? {
        try read { db in
            try Int64.fetchOne(db, sql: """
                SELECT MIN(t) FROM (
                    SELECT MIN(due_at) AS t FROM notifications WHERE state = 'approved'
                    UNION ALL SELECT MIN(COALESCE(next_attempt_at, due_at)) FROM notifications WHERE state = 'failed'
                    UNION ALL SELECT MIN(lease_until) FROM notifications WHERE state = 'sending')
                """).map { Date(storeMilliseconds: $0) }
        }
    }

    /// Messages sent to `customer` on `target` since `since`, and the oldest of them: the
    /// hourly cap counts them.
    public func deliveries(customer: String, target: String, since: Date) throws -> (count: Int, oldest: Date?) {
        try read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS n, MIN(sent_at) AS oldest FROM notifications
                WHERE customer_id = ? AND target = ? AND state = 'sent' AND sent_at >= ?
                """, arguments: [customer, target, since.storeMilliseconds])
            return (row?["n"] ?? 0, (row?["oldest"] as Int64?).map { Date(storeMilliseconds: $0) })
        }
    }

    /// Moves a queued notification's due time (the hourly cap): items confirmed meanwhile
    /// join it, so nothing is dropped and the customer gets one message when the cap allows.
    public func postponeNotification(_ id: Int64, until due: Date, reason: String) throws {
        try write { db in
            try db.execute(sql: "UPDATE notifications SET due_at = ?, last_response = ? WHERE id = ? AND state = 'approved'",
                           arguments: [due.storeMilliseconds, reason, id])
        }
    }

    /// Keeps the text a queued notification would be sent with now, so anything that reads
    /// the store (the console's outbox, `toban outbox --json`) can show it without the
    /// templates; the attempt renders it again from its items. Edited ones keep their text.
    public func storePreview(_ id: Int64, subject: String, body: String) throws {
        try write { db in
            try db.execute(sql: """
                UPDATE notifications SET subject = ?, body = ? WHERE id = ? AND revision = 0 AND state IN ('approved', 'held')
                """, arguments: [subject, body, id])
        }
    }

    /// Claims a due notification for one attempt, under a lease, and commits the attempt
    /// before it is made: the content to send (rendered by `render` from its items unless an
    /// analyst edited it) is stored with it, so the outbox shows exactly what went out, and
    /// a crash between this commit and the result repeats the attempt at most once, with
    /// the same Message-ID. Returns nil when it is no longer due or another dispatcher
    /// holds it.
    public func claimNotification(_ id: Int64, owner: String, at now: Date, lease: TimeInterval,
                                  render: (CustomerNotification, [NotificationItem]) throws -> (subject: String, body: String))
        throws -> (notification: CustomerNotification, items: [NotificationItem])? {
        let t = now.storeMilliseconds
        return try write { db in
            guard let current = try NotificationRow.fetch(db, id: id) else { return nil }
            switch current.state {
            case .approved where current.dueAt <= now: break
            case .failed where (current.nextAttemptAt ?? current.dueAt) <= now: break
            case .sending:
                let lease = try Int64.fetchOne(db, sql: "SELECT lease_until FROM notifications WHERE id = ?", arguments: [id]) ?? 0
                guard lease < t else { return nil }
            default: return nil
            }
            let items = try Self.items(db, notification: id)
            var next = current
            if current.revision == 0 {
                let content = try render(current, items)
                next.subject = content.subject
                next.body = content.body
            }
            next.state = .sending
            next.attempts += 1
            try db.execute(sql: """
                UPDATE notifications SET state = 'sending', attempts = ?, subject = ?, body = ?, lease_owner = ?, lease_until = ?
                WHERE id = ?
                """, arguments: [next.attempts, next.subject, next.body, owner, t + Int64(lease * 1000), id])
            try AuditLog.insert(db, at: now, actor: owner, action: "notification attempt", subject: .notification, subjectID: "\(id)",
                                customerID: current.customerID, before: NotificationChange.fields(current),
                                after: NotificationChange.fields(next), comment: nil, groupID: AuditLog.newGroupID())
            return (next, items)
        }
    }

    /// Records how an attempt ended, if `owner` still holds it (a dispatcher whose lease was
    /// taken over does not overwrite the newer attempt's result).
    @discardableResult
    public func recordDelivery(_ id: Int64, owner: String, outcome: DeliveryOutcome, at now: Date) throws -> Bool {
        try write { db in
            guard let current = try NotificationRow.fetch(db, id: id), current.state == .sending,
                  try String.fetchOne(db, sql: "SELECT lease_owner FROM notifications WHERE id = ?", arguments: [id]) == owner else {
                return false
            }
            var next = current
            switch outcome {
            case .sent(let response):
                next.state = .sent
                next.sentAt = now
                next.lastResponse = response
                next.lastError = nil
                next.nextAttemptAt = nil
            case .retry(let error, let retryAt):
                next.state = .failed
                next.lastError = error
                next.lastResponse = error
                next.nextAttemptAt = retryAt
            case .dead(let error):
                next.state = .dead
                next.lastError = error
                next.lastResponse = error
                next.nextAttemptAt = nil
            }
            try db.execute(sql: """
                UPDATE notifications SET state = ?, sent_at = ?, last_error = ?, last_response = ?, next_attempt_at = ?,
                    lease_owner = NULL, lease_until = NULL WHERE id = ?
                """, arguments: [next.state.rawValue, next.sentAt?.storeMilliseconds, next.lastError, next.lastResponse,
                                 next.nextAttemptAt?.storeMilliseconds, id])
            try AuditLog.insert(db, at: now, actor: owner, action: "notification \(next.state.rawValue)", subject: .notification,
                                subjectID: "\(id)", customerID: current.customerID, before: NotificationChange.fields(current),
                                after: NotificationChange.fields(next), comment: next.lastResponse, groupID: AuditLog.newGroupID())
            return true
        }
    }
}
