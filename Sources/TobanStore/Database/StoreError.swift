import Foundation
import TobanCore

/// What the store refuses, in words an analyst can act on.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case notFound(subject: AuditSubject, id: String)
    case invalidTransition(subject: AuditSubject, id: String, from: String, to: String)
    case emptySelection
    case mixedCustomers([String])
    case unknownUndoGroup(String)
    case undoConflict(subject: AuditSubject, id: String, field: String, expected: String, actual: String)
    case notUndoable(subject: AuditSubject, id: String, action: String)
    case incidentTransition(String)
    case invalidArgument(String)
    /// SQLite's quick_check found damage (its first findings).
    case damaged(store: String, findings: [String])
    /// Another process is already the store's ingest writer.
    case writerRunning(store: String, holder: String)

    public var description: String {
        switch self {
        case .notFound(let s, let id): return "no \(s.rawValue) \(id)"
        case .invalidTransition(let s, let id, let from, let to):
            return "\(s.rawValue) \(id) cannot go from \(from) to \(to)"
        case .emptySelection: return "nothing selected"
        case .mixedCustomers(let ids):
            return "an incident belongs to one customer; the selection spans \(ids.joined(separator: ", "))"
        case .unknownUndoGroup(let g): return "no action group \(g) to undo"
        case .undoConflict(let s, let id, let field, let expected, let actual):
            return "cannot undo: \(s.rawValue) \(id) changed since (\(field) is \(actual), the action left \(expected))"
        case .notUndoable(let s, let id, let action):
            return "cannot undo \(action) of \(s.rawValue) \(id)"
        case .incidentTransition(let text): return text
        case .invalidArgument(let text): return text
        case .damaged(let store, let findings):
            return "the store \(store) is damaged (\(findings.joined(separator: "; "))); restore it from a backup, "
                + "or move it aside and start a new one; nothing was written"
        case .writerRunning(let store, let holder):
            return "another toban ingest (\(holder)) is already writing to \(store); one ingest per store, or every detection would be counted twice"
        }
    }
}
