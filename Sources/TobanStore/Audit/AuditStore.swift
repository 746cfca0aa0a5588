import Foundation
import TobanCore

/// Who did what, when, to which subject, and taking it back within the undo window.
/// `TobanStore` implements it.
public protocol AuditStore: AnyObject, Sendable {
    func audit(subject: AuditSubject, id: String) throws -> [AuditRecord]
    func audit(group: String) throws -> [AuditRecord]
    func recentAudit(before id: Int64?, limit: Int) throws -> [AuditRecord]
    func undo(group: String, actor: String, at now: Date) throws -> String
}

extension TobanStore: AuditStore {}
