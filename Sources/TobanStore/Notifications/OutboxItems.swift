import Foundation
import GRDB
import TobanCore

/// Writing items into the outbox, inside the transaction of the action that confirms them
/// (escalation, an endpoint marked suspect, an incident closed), so that a confirmation
/// without its notification, or a notification without its confirmation, cannot exist.
enum OutboxItems {
    /// Not yet turned into messages by the dispatcher.
    static let pending = "pending"
    /// Part of one message per channel.
    static let assembled = "assembled"
    /// The customer's rule is `none`, or no channel wants it: counted, never sent.
    static let skipped = "skipped"
    /// Undone before it went out.
    static let cancelled = "cancelled"

    static let columns = "id, customer_id, incident_id, kind, urgency, arrived_at, confirmed_at, confirmed_by, state, deadline_at, content"
    /// The same, of the table aliased `i` (joined to its links).
    static let qualifiedColumns = columns.split(separator: ",").map { "i." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")

    @discardableResult
    static func insert(_ db: Database, _ item: NotificationItem, group: String, at now: Date) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO notification_items (customer_id, incident_id, kind, urgency, arrived_at, confirmed_at, confirmed_by, state,
                                            content, audit_group, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [item.customerID, item.incidentID, item.kind.rawValue, item.urgency.rawValue, item.arrivedAt.storeMilliseconds,
                             item.confirmedAt.storeMilliseconds, item.confirmedBy, pending, JSONText.encode(codable: item), group,
                             now.storeMilliseconds])
        return db.lastInsertedRowID
    }

    static func item(_ row: Row) -> NotificationItem? {
        guard var item = JSONText.decode(NotificationItem.self, from: row["content"]) else { return nil }
        item.id = row["id"]
        return item
    }

    /// What escalating `detections` tells the customer: the most urgent one leads, the
    /// others add their counts, endpoints and evidence.
    static func item(kind: NotificationItem.Kind, detections: [Detection], incidentID: Int64?, actor: String, note: String?,
                     at now: Date) -> NotificationItem? {
        guard let lead = detections.min(by: { ($0.urgency, $1.lastSeen) < ($1.urgency, $0.lastSeen) }) else { return nil }
        var evidence: [String] = []
        for d in detections.sorted(by: { $0.urgency < $1.urgency }) {
            for line in d.evidence.lines where !evidence.contains(line) && evidence.count < 8 { evidence.append(line) }
        }
        let endpoints = Array(Set(detections.compactMap(\.endpoint))).sorted()
        let hostname = lead.evidence.sourceHostname
        return NotificationItem(
            customerID: lead.customerID, kind: kind, urgency: lead.urgency, urgencyReason: lead.urgencyReason, incidentID: incidentID,
            detectionIDs: detections.map(\.id).sorted(), endpoint: (lead.endpoint ?? endpoints.first).map(\.description),
            hostname: hostname, signatureID: lead.signature.id, signature: lead.signature.name, category: lead.signature.category,
            evidence: evidence, count: detections.reduce(0) { $0 + $1.count },
            firstSeen: detections.map(\.firstSeen).min() ?? lead.firstSeen, lastSeen: detections.map(\.lastSeen).max() ?? lead.lastSeen,
            arrivedAt: detections.map(\.ingestTime).min() ?? lead.ingestTime, confirmedAt: now, confirmedBy: actor, note: note)
    }

    /// An endpoint marked suspect: told with its most urgent recent detections.
    static func endpointItem(_ db: Database, customer: String, address: IPAddress, actor: String, note: String?,
                             at now: Date) throws -> NotificationItem? {
        let endpointRows = EndpointHash.rows(customer: customer, endpoints: [address.description])
        let ids = try Int64.fetchAll(db, sql: """
            SELECT id FROM detections WHERE \(endpointRows.sql) ORDER BY urgency, last_seen DESC LIMIT 20
            """, arguments: endpointRows.arguments)
        let detections = try ids.compactMap { try DetectionRow.fetch(db, id: $0) }
        guard var item = item(kind: .endpoint, detections: detections, incidentID: nil, actor: actor, note: note, at: now) else { return nil }
        item.endpoint = address.description
        return item
    }

    /// Undo of the confirmation `group`: its items that have not gone out are cancelled,
    /// and messages left with nothing to say are cancelled with them. What went out stays.
    static func cancel(_ db: Database, group: String, actor: String, at now: Date) throws {
        let items = try Int64.fetchAll(db, sql: "SELECT id FROM notification_items WHERE audit_group = ? AND state IN (?, ?)",
                                       arguments: [group, pending, assembled])
        guard !items.isEmpty else { return }
        let open = "('\(NotificationState.approved.rawValue)', '\(NotificationState.held.rawValue)')"
        let marks = [Int64].marks(items.count)
        let affected = try Int64.fetchAll(db, sql: """
            SELECT DISTINCT l.notification_id FROM notification_links l JOIN notifications n ON n.id = l.notification_id
            WHERE l.item_id IN (\(marks)) AND n.state IN \(open)
            """, arguments: StatementArguments(items))
        for id in affected {
            try db.execute(sql: "DELETE FROM notification_links WHERE notification_id = ? AND item_id IN (\(marks))",
                           arguments: StatementArguments([id] + items))
        }
        // An item some message already carried out stays as it is: that delivery happened.
        let delivered = try Int64.fetchSet(db, sql: """
            SELECT DISTINCT l.item_id FROM notification_links l WHERE l.item_id IN (\(marks))
            """, arguments: StatementArguments(items))
        for item in items where !delivered.contains(item) {
            try db.execute(sql: "UPDATE notification_items SET state = ? WHERE id = ?", arguments: [cancelled, item])
        }
        for id in affected where try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notification_links WHERE notification_id = ?",
                                                   arguments: [id]) == 0 {
            guard let before = try NotificationRow.fetch(db, id: id) else { continue }
            try db.execute(sql: "UPDATE notifications SET state = ? WHERE id = ?", arguments: [NotificationState.cancelled.rawValue, id])
            var after = before
            after.state = .cancelled
            try AuditLog.insert(db, at: now, actor: actor, action: "notification cancelled", subject: .notification, subjectID: "\(id)",
                                customerID: before.customerID, before: NotificationChange.fields(before),
                                after: NotificationChange.fields(after), comment: "its confirmation was undone",
                                groupID: AuditLog.newGroupID())
        }
    }
}
