import Foundation
import GRDB
import TobanCore

/// An audit entry with the action group it belongs to (bulk actions share one).
public struct AuditRecord: Sendable, Equatable {
    public var entry: AuditEntry
    public var groupID: String?
}

enum AuditLog {
    static func newGroupID() -> String { UUID().uuidString.lowercased() }

    /// Inserts one audit row, in the caller's transaction (the same as the change itself).
    static func insert(_ db: Database, at: Date, actor: String, action: String, subject: AuditSubject, subjectID: String,
                       customerID: String?, before: AuditFields?, after: AuditFields?, comment: String?, groupID: String?) throws {
        try db.cachedStatement(sql: """
            INSERT INTO audit (at, actor, action, subject, subject_id, customer_id, before, after, comment, group_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [at.storeMilliseconds, actor, action, subject.rawValue, subjectID, customerID,
                                     before?.json, after?.json, comment, groupID])
    }

    static let columns = "id, at, actor, action, subject, subject_id, before, after, comment, group_id"

    static func record(_ row: Row) -> AuditRecord {
        AuditRecord(entry: AuditEntry(id: row["id"], at: Date(storeMilliseconds: row["at"]), actor: row["actor"], action: row["action"],
                                      subject: AuditSubject(rawValue: row["subject"]) ?? .detection, subjectID: row["subject_id"],
                                      before: row["before"], after: row["after"], comment: row["comment"]),
                    groupID: row["group_id"])
    }
}

extension TobanStore {
    /// The audit trail of one subject, oldest first.
    public func audit(subject: AuditSubject, id: String) throws -> [AuditRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(AuditLog.columns) FROM audit WHERE subject = ? AND subject_id = ? ORDER BY id",
                             arguments: [subject.rawValue, id]).map(AuditLog.record)
        }
    }

    /// Every entry of one action group, in the order written.
    public func audit(group: String) throws -> [AuditRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(AuditLog.columns) FROM audit WHERE group_id = ? ORDER BY id", arguments: [group])
                .map(AuditLog.record)
        }
    }

    /// The most recent audit entries (newest first), ids below `before`.
    public func recentAudit(before id: Int64? = nil, limit: Int = 100) throws -> [AuditRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(AuditLog.columns) FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?",
                             arguments: [id ?? Int64.max, limit]).map(AuditLog.record)
        }
    }
}
