import Foundation
import GRDB
import TobanCore

/// The dispatcher's decision for one pending item: its deadline under the customer's
/// rule, and the channels it goes out on (none: the rule is `none`, or nobody wants it).
public struct OutboxAssignment: Sendable, Equatable {
    public var itemID: Int64
    public var deadline: Date?
    public var deliveries: [Delivery]

    public struct Delivery: Sendable, Equatable {
        /// `mail`, or `webhook:<owner>/<name>`.
        public var target: String
        public var channel: NotificationChannel
        public var recipients: [String]
        public var language: Language
        public var deliveryClass: DeliveryClass
        /// When a new message for it would be due (storm control already applied).
        public var dueAt: Date
        public var kind: NotificationKind

        public init(target: String, channel: NotificationChannel, recipients: [String], language: Language,
                    deliveryClass: DeliveryClass, dueAt: Date, kind: NotificationKind) {
            self.target = target
            self.channel = channel
            self.recipients = recipients
            self.language = language
            self.deliveryClass = deliveryClass
            self.dueAt = dueAt
            self.kind = kind
        }
    }

    public init(itemID: Int64, deadline: Date?, deliveries: [Delivery]) {
        self.itemID = itemID
        self.deadline = deadline
        self.deliveries = deliveries
    }
}

extension TobanStore {
    /// Items confirmed but not yet made into messages, oldest first.
    public func pendingOutboxItems(limit: Int = 1000) throws -> [NotificationItem] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(OutboxItems.columns) FROM notification_items WHERE state = ? ORDER BY id LIMIT ?",
                             arguments: [OutboxItems.pending, limit]).compactMap(OutboxItems.item)
        }
    }

    /// The items a notification carries, in the order they were confirmed.
    public func outboxItems(ofNotification id: Int64) throws -> [NotificationItem] {
        try read { db in try Self.items(db, notification: id) }
    }

    static func items(_ db: Database, notification id: Int64) throws -> [NotificationItem] {
        try Row.fetchAll(db, sql: """
            SELECT \(OutboxItems.qualifiedColumns)
            FROM notification_links l JOIN notification_items i ON i.id = l.item_id
            WHERE l.notification_id = ? ORDER BY i.id
            """, arguments: [id]).compactMap(OutboxItems.item)
    }

    /// When the customer last got (or is being sent) a message on `target` of `deliveryClass`:
    /// storm control waits a group window after it.
    public func lastDelivery(customer: String, target: String, deliveryClass: DeliveryClass) throws -> Date? {
        try read { db in
            try Int64.fetchOne(db, sql: """
                SELECT MAX(COALESCE(sent_at, due_at)) FROM notifications
                WHERE customer_id = ? AND target = ? AND delivery_class = ? AND state IN ('sending', 'sent', 'failed')
                """, arguments: [customer, target, deliveryClass.rawValue]).map { Date(storeMilliseconds: $0) }
        }
    }

    /// Makes pending items part of messages, in one transaction: each delivery joins the
    /// customer's open message of the same target, class and recipients (not yet being
    /// sent, not edited), or starts one. Returns the notifications created or extended.
    @discardableResult
    public func assemble(_ assignments: [OutboxAssignment], messageIDDomain: String, at now: Date) throws -> [Int64] {
        try write { db in
            var touched: [Int64] = []
            for assignment in assignments {
                guard let row = try Row.fetchOne(db, sql: "SELECT \(OutboxItems.columns) FROM notification_items WHERE id = ? AND state = ?",
                                                 arguments: [assignment.itemID, OutboxItems.pending]),
                      let item = OutboxItems.item(row) else { continue }
                try db.execute(sql: "UPDATE notification_items SET state = ?, deadline_at = ? WHERE id = ?",
                               arguments: [assignment.deliveries.isEmpty ? OutboxItems.skipped : OutboxItems.assembled,
                                           assignment.deadline?.storeMilliseconds, item.id])
                for delivery in assignment.deliveries {
                    let id = try Self.place(db, item: item, deadline: assignment.deadline, delivery: delivery,
                                            messageIDDomain: messageIDDomain, at: now)
                    try db.execute(sql: "INSERT OR IGNORE INTO notification_links (notification_id, item_id) VALUES (?, ?)",
                                   arguments: [id, item.id])
                    touched.append(id)
                }
            }
            return touched
        }
    }

    /// The message `item` joins on `delivery`'s target, created when there is none open.
    static func place(_ db: Database, item: NotificationItem, deadline: Date?, delivery: OutboxAssignment.Delivery,
                      messageIDDomain: String, at now: Date) throws -> Int64 {
        let recipients = JSONText.encode(delivery.recipients)
        // More about an incident the customer has heard of threads under its first message.
        var inReplyTo: String?
        if let incident = item.incidentID, delivery.channel == .mail {
            inReplyTo = try String.fetchOne(db, sql: """
                SELECT n.message_id FROM notifications n
                JOIN notification_links l ON l.notification_id = n.id JOIN notification_items i ON i.id = l.item_id
                WHERE i.incident_id = ? AND n.target = ? AND n.state IN ('sending', 'sent') ORDER BY n.id LIMIT 1
                """, arguments: [incident, delivery.target])
        }
        let kind: NotificationKind = inReplyTo != nil && delivery.kind == .single ? .followup : delivery.kind
        if let open = try Row.fetchOne(db, sql: """
            SELECT id, urgency, deadline_at, detection_ids FROM notifications
            WHERE customer_id = ? AND target = ? AND delivery_class = ? AND state IN ('approved', 'held') AND revision = 0
              AND recipients = ? AND kind = ? AND in_reply_to IS ?
            ORDER BY id LIMIT 1
            """, arguments: [item.customerID, delivery.target, delivery.deliveryClass.rawValue, recipients, kind.rawValue, inReplyTo]) {
            let id: Int64 = open["id"]
            let urgency = min(Urgency(rawValue: open["urgency"]) ?? item.urgency, item.urgency)
            let deadlines = [(open["deadline_at"] as Int64?), deadline?.storeMilliseconds].compactMap { $0 }
            var ids = JSONText.decode([Int64].self, from: open["detection_ids"]) ?? []
            ids += item.detectionIDs.filter { !ids.contains($0) }
            try db.execute(sql: "UPDATE notifications SET urgency = ?, deadline_at = ?, detection_ids = ? WHERE id = ?",
                           arguments: [urgency.rawValue, deadlines.min(), JSONText.encode(ids), id])
            return id
        }
        let created = try NotificationRow.insert(db, CustomerNotification(
            customerID: item.customerID, incidentID: item.incidentID, detectionIDs: item.detectionIDs, urgency: item.urgency,
            channel: delivery.channel, recipients: delivery.recipients, language: delivery.language, state: .approved,
            dueAt: delivery.dueAt, createdAt: now, kind: kind, deliveryClass: delivery.deliveryClass, target: delivery.target,
            messageID: "<toban.\(UUID().uuidString.lowercased())@\(messageIDDomain)>", inReplyTo: inReplyTo, deadline: deadline))
        try AuditLog.insert(db, at: now, actor: "toban-notify", action: "notification queued", subject: .notification,
                            subjectID: "\(created.id)", customerID: created.customerID, before: nil,
                            after: NotificationChange.fields(created), comment: nil, groupID: AuditLog.newGroupID())
        return created.id
    }
}

