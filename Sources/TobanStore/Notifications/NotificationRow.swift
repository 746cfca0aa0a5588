import Foundation
import GRDB
import TobanCore

enum NotificationRow {
    static let columns = """
    id, customer_id, incident_id, detection_ids, urgency, channel, recipients, language, subject, body, state, \
    due_at, sent_at, attempts, last_error, created_at
    """

    static func notification(_ row: Row) -> CustomerNotification {
        CustomerNotification(
            id: row["id"], customerID: row["customer_id"], incidentID: row["incident_id"],
            detectionIDs: JSONText.decode([Int64].self, from: row["detection_ids"]) ?? [],
            urgency: Urgency(rawValue: row["urgency"]) ?? .p3,
            channel: NotificationChannel(rawValue: row["channel"]) ?? .mail,
            recipients: JSONText.strings(row["recipients"]),
            language: Language(rawValue: row["language"]) ?? .ja,
            subject: row["subject"], body: row["body"],
            state: NotificationState(rawValue: row["state"]) ?? .draft,
            dueAt: Date(storeMilliseconds: row["due_at"]),
            sentAt: (row["sent_at"] as Int64?).map { Date(storeMilliseconds: $0) },
            attempts: row["attempts"], lastError: row["last_error"],
            createdAt: Date(storeMilliseconds: row["created_at"]))
    }

    static func fetch(_ db: Database, id: Int64) throws -> CustomerNotification? {
        try Row.fetchOne(db, sql: "SELECT \(columns) FROM notifications WHERE id = ?", arguments: [id]).map(notification)
    }
}
