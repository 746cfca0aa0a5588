import Foundation
import GRDB
import TobanCore

/// What the console's outbox screen lists.
public struct OutboxListing: Sendable, Equatable {
    /// Every notification not yet final (draft, approved, held, sending, failed, dead),
    /// soonest due first, then the recently sent ones, newest first.
    public var notifications: [CustomerNotification]
    /// Confirmed items the dispatcher has not yet turned into messages.
    public var pendingItems: Int
}

extension TobanStore {
    /// The outbox as of `now`: what is waiting (at most `limit`) and what went out in the
    /// last `recentWindow` seconds (at most `recentLimit`).
    public func outboxListing(at now: Date, limit: Int = 500, recentWindow: TimeInterval = 86_400,
                              recentLimit: Int = 100) throws -> OutboxListing {
        return try read { db in
            // The partial index of exactly the waiting ones, in due order.
            var list = try Row.fetchAll(db, sql: """
                SELECT \(NotificationRow.columns) FROM notifications INDEXED BY notifications_waiting
                WHERE state NOT IN ('sent', 'cancelled') ORDER BY due_at, id LIMIT ?
                """, arguments: [limit]).map(NotificationRow.notification)
            list += try Row.fetchAll(db, sql: """
                SELECT \(NotificationRow.columns) FROM notifications WHERE state = 'sent' AND due_at >= ?
                ORDER BY due_at DESC, id DESC LIMIT ?
                """, arguments: [now.addingTimeInterval(-recentWindow).storeMilliseconds, recentLimit]).map(NotificationRow.notification)
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notification_items WHERE state = ?",
                                           arguments: [OutboxItems.pending]) ?? 0
            return OutboxListing(notifications: list, pendingItems: pending)
        }
    }
}
