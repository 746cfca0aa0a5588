import Foundation
import GRDB
import TobanCore

enum NotificationRow {
    static let columns = """
    id, customer_id, incident_id, detection_ids, urgency, channel, recipients, language, subject, body, state, \
    due_at, sent_at, attempts, last_error, created_at, kind, delivery_class, target, message_id, in_reply_to, \
    deadline_at, held_reason, next_attempt_at, revision, last_response
    """

    static func notification(_ row: Row) -> CustomerNotification {
        func date(_ column: String) -> Date? { (row[column] as Int64?).map { Date(storeMilliseconds: $0) } }
        return CustomerNotification(
            id: row["id"], customerID: row["customer_id"], incidentID: row["incident_id"],
            detectionIDs: JSONText.decode([Int64].self, from: row["detection_ids"]) ?? [],
            urgency: Urgency(rawValue: row["urgency"]) ?? .p3,
            channel: NotificationChannel(rawValue: row["channel"]) ?? .mail,
            recipients: JSONText.strings(row["recipients"]),
            language: Language(rawValue: row["language"]) ?? .ja,
            subject: row["subject"], body: row["body"],
            state: NotificationState(rawValue: row["state"]) ?? .draft,
            dueAt: Date(storeMilliseconds: row["due_at"]),
            sentAt: date("sent_at"),
            attempts: row["attempts"], lastError: row["last_error"],
            createdAt: Date(storeMilliseconds: row["created_at"]),
            kind: NotificationKind(rawValue: row["kind"]) ?? .single,
            deliveryClass: DeliveryClass(rawValue: row["delivery_class"]) ?? .prompt,
            target: row["target"], messageID: row["message_id"], inReplyTo: row["in_reply_to"],
            deadline: date("deadline_at"), heldReason: row["held_reason"], nextAttemptAt: date("next_attempt_at"),
            revision: row["revision"], lastResponse: row["last_response"])
    }

    static func fetch(_ db: Database, id: Int64) throws -> CustomerNotification? {
        try Row.fetchOne(db, sql: "SELECT \(columns) FROM notifications WHERE id = ?", arguments: [id]).map(notification)
    }

    /// Inserts `n` (its id is ignored) and returns it with its id.
    static func insert(_ db: Database, _ notification: CustomerNotification) throws -> CustomerNotification {
        var n = notification
        try db.execute(sql: """
            INSERT INTO notifications (customer_id, incident_id, detection_ids, urgency, channel, recipients, language, subject, body,
                                       state, due_at, sent_at, attempts, last_error, created_at, kind, delivery_class, target,
                                       message_id, in_reply_to, deadline_at, held_reason, next_attempt_at, revision, last_response)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [n.customerID, n.incidentID, JSONText.encode(n.detectionIDs), n.urgency.rawValue, n.channel.rawValue,
                             JSONText.encode(n.recipients), n.language.rawValue, n.subject, n.body, n.state.rawValue,
                             n.dueAt.storeMilliseconds, n.sentAt?.storeMilliseconds, n.attempts, n.lastError, n.createdAt.storeMilliseconds,
                             n.kind.rawValue, n.deliveryClass.rawValue, n.target, n.messageID, n.inReplyTo,
                             n.deadline?.storeMilliseconds, n.heldReason, n.nextAttemptAt?.storeMilliseconds, n.revision, n.lastResponse])
        n.id = db.lastInsertedRowID
        return n
    }
}
