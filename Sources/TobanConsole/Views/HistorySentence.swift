import Foundation
import TobanCore
import TobanStore

/// An audit record as a sentence an analyst reads at a glance:
/// "03:12 tanaka marked 10.0.0.10 被疑: beaconing to C2", not JSON and ids.
public enum HistorySentence {
    public static func text(_ record: AuditRecord, zone: TimeZone = Formatting.jst) -> String {
        let e = record.entry
        let after = fields(e.after), before = fields(e.before)
        let what = phrase(e, before: before, after: after)
        let comment = e.comment.map { ": " + $0 } ?? ""
        return "\(Formatting.clock(e.at, zone: zone)) \(e.actor) \(what)\(comment)"
    }

    static func fields(_ json: String?) -> [String: String] {
        guard let json, let data = json.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in object where !(v is NSNull) { out[k] = "\(v)" }
        return out
    }

    static func subject(_ e: AuditEntry) -> String {
        switch e.subject {
        case .detection: return "#\(e.subjectID)"
        case .endpoint: return e.subjectID.split(separator: "|").last.map(String.init) ?? e.subjectID
        case .incident: return "the incident"
        case .notification: return "message #\(e.subjectID)"
        case .customer: return "customer \(e.subjectID)"
        case .page: return "page \(e.subjectID)"
        }
    }

    static func phrase(_ e: AuditEntry, before: [String: String], after: [String: String]) -> String {
        let s = subject(e)
        switch (e.subject, e.action) {
        case (.detection, "acknowledge"): return "acknowledged \(s)"
        case (.detection, "claim"): return "claimed \(s)"
        case (.detection, "dispose"):
            let d = after["disposition"].flatMap(Disposition.init(rawValue:))?.shortLabel ?? "closed"
            return "closed \(s) as \(d)"
        case (.detection, "escalate"): return "escalated \(s)"
        case (.detection, "confirm to customer"): return "confirmed \(s) to the customer"
        case (.detection, let a) where a.hasPrefix("close with incident"): return "closed \(s) with the incident"
        case (.endpoint, "endpoint status"):
            let status = after["status"].flatMap(EndpointStatus.init(rawValue:))
            let name = status.map { $0 == .none ? "unmarked" : "\($0.rawValue) (\($0.japaneseName))" } ?? "changed"
            return "marked \(s) \(name)"
        case (.incident, "create"): return "opened the incident"
        case (.incident, "claim"): return "took the incident"
        case (.incident, "assign"): return "assigned the incident to \(after["owner"] ?? "?")"
        case (.incident, "note"): return "noted"
        case (.incident, "link detections"): return "linked \(after["detections"].map { $0.split(separator: ",").map { "#\($0)" }.joined(separator: " ") } ?? "detections")"
        case (.incident, "merge"): return "merged this incident into \(after["merged_into"] ?? "another")"
        case (.incident, "absorb"): return "merged \(after["merged_from"] ?? "an incident") into this one"
        case (.incident, "reopen"): return "reopened \(after["reopened_from"] ?? "a closed incident") as this one"
        case (.incident, "reopened as"): return "reopened it as \(after["reopened_as"] ?? "a new incident")"
        case (.incident, "on-site request"): return "recorded an on-site request (駆け付け)"
        case (.incident, let a) where a.hasPrefix("incident "):
            let state = after["state"].flatMap(IncidentState.init(rawValue:))?.label ?? String(a.dropFirst("incident ".count))
            if let outcome = after["outcome"].flatMap(IncidentOutcome.init(rawValue:)) { return "closed the incident as \(outcome.label)" }
            return "moved the incident to \(state)"
        case (.notification, "notification queued"): return "queued \(s) for the customer"
        case (.notification, "create"): return "created \(s)"
        case (.notification, "notification attempt"): return "sent \(s) (attempt)"
        case (.notification, "hold"): return "held \(s)"
        case (.notification, "release"): return "released \(s)"
        case (.notification, "cancel"), (.notification, "notification cancelled"): return "cancelled \(s)"
        case (.notification, "send now"): return "asked to send \(s) now"
        case (.notification, "edit"): return "edited \(s)"
        case (.notification, "merge into digest"): return "moved \(s) into the next digest"
        case (.notification, let a) where a.hasPrefix("notification "):
            let state = after["state"] ?? String(a.dropFirst("notification ".count))
            switch state {
            case "sent": return "delivered \(s)"
            case "failed": return "could not deliver \(s) (will retry)"
            case "dead": return "gave up delivering \(s)"
            default: return "\(s): \(state)"
            }
        case (_, let a) where a.hasPrefix("undo "): return "undid \"\(a.dropFirst(5))\" on \(s)"
        default:
            return "\(e.action) \(s)"
        }
    }
}
