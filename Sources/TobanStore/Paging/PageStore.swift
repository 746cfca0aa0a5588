import Foundation
import GRDB
import TobanCore

/// The on-call ladder's pages: written by the dispatcher, shown as a banner on every
/// console, acknowledged from any of them. Every page and acknowledgement is audited.
extension TobanStore {
    static let pageColumns = """
    id, chain, customer_id, urgency, summary, reason, level, round, layer, login, paged_at, acknowledge_by, \
    acknowledged_at, acknowledged_by, resolved_at
    """

    static func page(_ row: Row) -> Page {
        func date(_ c: String) -> Date? { (row[c] as Int64?).map { Date(storeMilliseconds: $0) } }
        return Page(id: row["id"], chain: row["chain"], customerID: row["customer_id"], urgency: Urgency(rawValue: row["urgency"]) ?? .p1,
                    summary: row["summary"], reason: Page.Reason(rawValue: row["reason"]) ?? .deadlineNear, level: row["level"],
                    round: row["round"], layer: row["layer"], login: row["login"], pagedAt: date("paged_at")!,
                    acknowledgeBy: date("acknowledge_by")!, acknowledgedAt: date("acknowledged_at"), acknowledgedBy: row["acknowledged_by"],
                    resolvedAt: date("resolved_at"))
    }

    /// Records a page and, in the same transaction, the message that carries it on the
    /// SOC's channel (`message` is given the stored page), so neither exists without the other.
    @discardableResult
    public func recordPage(_ page: Page, at now: Date, message: (Page) -> CustomerNotification? = { _ in nil }) throws -> Page {
        try write { db in
            try db.execute(sql: """
                INSERT INTO pages (chain, customer_id, urgency, summary, reason, level, round, layer, login, paged_at, acknowledge_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [page.chain, page.customerID, page.urgency.rawValue, page.summary, page.reason.rawValue, page.level,
                                 page.round, page.layer, page.login, page.pagedAt.storeMilliseconds, page.acknowledgeBy.storeMilliseconds])
            var stored = page
            stored.id = db.lastInsertedRowID
            try AuditLog.insert(db, at: now, actor: "toban-notify", action: "page", subject: .page, subjectID: "\(stored.id)",
                                customerID: page.customerID, before: nil,
                                after: AuditFields(["chain": page.chain, "layer": page.layer, "login": page.login,
                                                    "level": page.level, "round": page.round, "reason": page.reason.rawValue]),
                                comment: page.summary, groupID: AuditLog.newGroupID())
            if let n = message(stored) {
                let created = try NotificationRow.insert(db, n)
                try AuditLog.insert(db, at: now, actor: "toban-notify", action: "create", subject: .notification, subjectID: "\(created.id)",
                                    customerID: created.customerID, before: nil, after: NotificationChange.fields(created), comment: nil,
                                    groupID: AuditLog.newGroupID())
            }
            return stored
        }
    }

    /// The latest page of each chain still waiting for someone (the consoles' banner).
    public func openPages() throws -> [Page] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.pageColumns) FROM pages p
                WHERE acknowledged_at IS NULL AND resolved_at IS NULL
                  AND id = (SELECT MAX(id) FROM pages q WHERE q.chain = p.chain)
                ORDER BY urgency, paged_at
                """).map(Self.page)
        }
    }

    /// The last page of `chain`, if it was ever paged.
    public func lastPage(chain: String) throws -> Page? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.pageColumns) FROM pages WHERE chain = ? ORDER BY id DESC LIMIT 1",
                             arguments: [chain]).map(Self.page)
        }
    }

    public func pages(chain: String) throws -> [Page] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.pageColumns) FROM pages WHERE chain = ? ORDER BY id", arguments: [chain]).map(Self.page)
        }
    }

    /// "I have it": acknowledges the whole chain of `pageID`, whoever was paged (any
    /// console may answer). Returns the chain, or nil when it was already acknowledged.
    @discardableResult
    public func acknowledgePage(_ pageID: Int64, actor: String, at now: Date) throws -> String? {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.pageColumns) FROM pages WHERE id = ?", arguments: [pageID]) else {
                throw StoreError.notFound(subject: .page, id: "\(pageID)")
            }
            let page = Self.page(row)
            let open = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pages WHERE chain = ? AND acknowledged_at IS NULL AND resolved_at IS NULL",
                                        arguments: [page.chain]) ?? 0
            guard open > 0 else { return nil }
            try db.execute(sql: """
                UPDATE pages SET acknowledged_at = ?, acknowledged_by = ? WHERE chain = ? AND acknowledged_at IS NULL AND resolved_at IS NULL
                """, arguments: [now.storeMilliseconds, actor, page.chain])
            try AuditLog.insert(db, at: now, actor: actor, action: "acknowledge page", subject: .page, subjectID: "\(pageID)",
                                customerID: page.customerID, before: nil, after: AuditFields(["chain": page.chain, "acknowledged_by": actor]),
                                comment: page.summary, groupID: AuditLog.newGroupID())
            return page.chain
        }
    }

    /// The chain's reason went away (its detection was confirmed or closed): its open
    /// pages stop, unacknowledged, and leave the banner.
    public func resolvePages(chain: String, at now: Date, reason: String) throws {
        try write { db in
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM pages WHERE chain = ? AND acknowledged_at IS NULL AND resolved_at IS NULL",
                                         arguments: [chain])
            guard let last = ids.last else { return }
            try db.execute(sql: "UPDATE pages SET resolved_at = ? WHERE chain = ? AND acknowledged_at IS NULL AND resolved_at IS NULL",
                           arguments: [now.storeMilliseconds, chain])
            try AuditLog.insert(db, at: now, actor: "toban-notify", action: "page resolved", subject: .page, subjectID: "\(last)",
                                customerID: nil, before: nil, after: AuditFields(["chain": chain]), comment: reason,
                                groupID: AuditLog.newGroupID())
        }
    }

    /// Chains with an open page (to check whether their reason still holds).
    public func openPageChains() throws -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT chain FROM pages WHERE acknowledged_at IS NULL AND resolved_at IS NULL ORDER BY chain")
        }
    }

    /// Whether `chain` was ever paged and acknowledged (an acknowledged chain is not paged
    /// again: someone has it).
    public func chainAcknowledged(_ chain: String) throws -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM pages WHERE chain = ? AND acknowledged_at IS NOT NULL)",
                              arguments: [chain]) ?? false
        }
    }
}
