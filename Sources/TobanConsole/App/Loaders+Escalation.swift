import Foundation
import TobanCore
import TobanStore

extension Loaders {
    static func incidents(_ store: TobanStore, token: Int, generation: Int, filter: IncidentWorklistFilter,
                          after: Incident?, limit: Int) -> Job {
        { inbox in
            guarded(inbox, "incidents") {
                let rows = try store.incidentWorklist(filter, after: after.map(IncidentCursor.init), limit: limit)
                return .incidents(token: token, generation: generation, rows: rows, append: after != nil, full: rows.count >= limit)
            }
        }
    }

    static func incidentPage(_ store: TobanStore, token: Int, id: Int64) -> Job {
        { inbox in
            guarded(inbox, "incident") {
                guard let d = try store.incidentDossier(id: id) else { return .failed("incident \(id) no longer exists") }
                return .incidentPage(token: token, d)
            }
        }
    }

    static func outbox(_ store: TobanStore, token: Int, now: Date) -> Job {
        { inbox in
            guarded(inbox, "outbox") { .outbox(token: token, try store.outboxListing(at: now)) }
        }
    }

    /// The exact message when the notification side is wired in, else what the store
    /// holds (the text of the last attempt, or of the dispatcher's last preview).
    static func preview(_ store: TobanStore, driver: (any OutboxDriver)?, token: Int, id: Int64, now: Date) -> Job {
        { inbox in
            guarded(inbox, "preview") {
                if let driver { return .preview(token: token, lines: try driver.preview(id, at: now)) }
                guard let n = try store.notification(id: id) else { return .failed("notification \(id) no longer exists") }
                var lines = ["To: " + n.recipients.joined(separator: ", "), "Subject: " + n.subject, ""]
                lines += n.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                if n.subject.isEmpty && n.body.isEmpty { lines.append("(not rendered yet: the dispatcher renders it when it assembles it)") }
                return .preview(token: token, lines: lines)
            }
        }
    }

    /// F9: the open incidents of the target's customer, to offer joining one.
    static func escalationChoices(_ store: TobanStore, target: ActionTarget) -> Job {
        { inbox in
            guarded(inbox, "escalate") {
                let ids: [Int64]
                switch target {
                case .ids(let list): ids = list
                case .members(let filter, _): ids = try store.detectionIDs(filter, limit: 1)
                }
                guard let first = ids.first, let d = try store.detection(id: first) else { return .failed("nothing to escalate") }
                return .escalationChoices(target, customer: d.customerID, open: try store.openIncidents(customer: d.customerID))
            }
        }
    }
}
