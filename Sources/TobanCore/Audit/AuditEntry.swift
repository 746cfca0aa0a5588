import Foundation

/// One change an analyst (or the system) made, with the state before and after.
/// The store writes it in the same transaction as the change itself, so the audit
/// trail can never disagree with the data.
public struct AuditEntry: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var at: Date
    /// Login name of the analyst, or "system" / "ingest" for automatic changes.
    public var actor: String
    public var action: String
    public var subject: AuditSubject
    public var subjectID: String
    /// Compact JSON of the changed fields before and after (nil for creations/deletions).
    public var before: String?
    public var after: String?
    public var comment: String?

    public init(id: Int64 = 0, at: Date, actor: String, action: String, subject: AuditSubject, subjectID: String,
                before: String? = nil, after: String? = nil, comment: String? = nil) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.subject = subject
        self.subjectID = subjectID
        self.before = before
        self.after = after
        self.comment = comment
    }
}

public enum AuditSubject: String, Codable, Sendable, CaseIterable {
    case detection
    case endpoint
    case incident
    case notification
    case customer
    /// A page of the on-call ladder (paged, acknowledged).
    case page
}
