import Foundation
import TobanCore
import TobanStore

/// An audit record as a sentence an analyst reads at a glance:
/// "03:12 tanaka marked 10.0.0.10 被疑: beaconing to C2", not JSON and ids.
public enum HistorySentence {
    public static func text(_ record: AuditRecord, zone: TimeZone = Formatting.jst, labels: Labels = Labels()) -> String {
        let e = record.entry
        let after = fields(e.after), before = fields(e.before)
        let (template, values) = phrase(e, before: before, after: after, labels: labels)
        var what = labels(template)
        for v in values {
            guard let hole = what.range(of: "{}") else { break }
            what.replaceSubrange(hole, with: v)
        }
        let comment = e.comment.map { ": " + $0 } ?? ""
        return "\(Formatting.clock(e.at, zone: zone)) \(e.actor) \(what)\(comment)"
    }

    /// One sentence per action: the per-detection rows of one action ("escalated #1",
    /// "escalated #2") read as one ("escalated #1 #2").
    static func lines(_ history: [AuditRecord], labels: Labels = Labels()) -> [String] {
        var out: [String] = []
        var i = 0
        while i < history.count {
            let r = history[i]
            var j = i + 1
            var subjects = [r.entry.subjectID]
            while j < history.count, let g = r.groupID, history[j].groupID == g, history[j].entry.action == r.entry.action,
                  history[j].entry.subject == r.entry.subject, history[j].entry.subject == .detection {
                subjects.append(history[j].entry.subjectID)
                j += 1
            }
            var sentence = text(r, labels: labels)
            if subjects.count > 1 {
                sentence = sentence.replacingOccurrences(of: "#\(r.entry.subjectID)", with: subjects.map { "#\($0)" }.joined(separator: " "))
            }
            out.append(sentence)
            i = j
        }
        return out
    }

    static func fields(_ json: String?) -> [String: String] {
        guard let json, let data = json.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in object where !(v is NSNull) { out[k] = "\(v)" }
        return out
    }

    static func subject(_ e: AuditEntry, labels: Labels) -> String {
        switch e.subject {
        case .detection: return "#\(e.subjectID)"
        case .endpoint: return e.subjectID.split(separator: "|").last.map(String.init) ?? e.subjectID
        case .incident: return labels("the incident")
        case .notification: return labels.fill("message #{}", e.subjectID)
        case .customer: return labels.fill("customer {}", e.subjectID)
        case .page: return labels.fill("page {}", e.subjectID)
        }
    }

    /// The sentence as an English template with `{}` holes and what fills them (the label
    /// table gives the Japanese template).
    static func phrase(_ e: AuditEntry, before: [String: String], after: [String: String], labels: Labels) -> (String, [String]) {
        let s = subject(e, labels: labels)
        switch (e.subject, e.action) {
        case (.detection, "acknowledge"): return ("acknowledged {}", [s])
        case (.detection, "claim"): return ("claimed {}", [s])
        case (.detection, "dispose"):
            let d = after["disposition"].flatMap(Disposition.init(rawValue:))?.shortLabel ?? "closed"
            return ("closed {} as {}", [s, d])
        case (.detection, "escalate"): return ("escalated {}", [s])
        case (.detection, "confirm to customer"): return ("confirmed {} to the customer", [s])
        case (.detection, let a) where a.hasPrefix("close with incident"): return ("closed {} with the incident", [s])
        case (.endpoint, "endpoint status"):
            let status = after["status"].flatMap(EndpointStatus.init(rawValue:))
            let name = status.map { $0 == .none ? labels("unmarked") : "\($0.rawValue) (\($0.japaneseName))" } ?? labels("changed")
            return ("marked {} {}", [s, labels.language == .ja ? (status.map { $0 == .none ? name : $0.japaneseName } ?? name) : name])
        case (.incident, "create"): return ("opened the incident", [])
        case (.incident, "claim"): return ("took the incident", [])
        case (.incident, "assign"): return ("assigned the incident to {}", [after["owner"] ?? "?"])
        case (.incident, "note"): return ("noted", [])
        case (.incident, "link detections"):
            return ("linked {}", [after["detections"].map { $0.split(separator: ",").map { "#\($0)" }.joined(separator: " ") } ?? "?"])
        case (.incident, "merge"): return ("merged this incident into {}", [after["merged_into"] ?? "?"])
        case (.incident, "absorb"): return ("merged {} into this one", [after["merged_from"] ?? "?"])
        case (.incident, "reopen"): return ("reopened {} as this one", [after["reopened_from"] ?? "?"])
        case (.incident, "reopened as"): return ("reopened it as {}", [after["reopened_as"] ?? "?"])
        case (.incident, "on-site request"): return ("recorded an on-site request (駆け付け)", [])
        case (.incident, let a) where a.hasPrefix("incident "):
            if let outcome = after["outcome"].flatMap(IncidentOutcome.init(rawValue:)) {
                return ("closed the incident as {}", [labels.term("outcome", outcome.label)])
            }
            let state = after["state"].flatMap(IncidentState.init(rawValue:))?.label ?? String(a.dropFirst("incident ".count))
            return ("moved the incident to {}", [labels.term("state", state)])
        case (.notification, "notification queued"): return ("queued {} for the customer", [s])
        case (.notification, "create"): return ("created {}", [s])
        case (.notification, "notification attempt"): return ("sent {} (attempt)", [s])
        case (.notification, "hold"): return ("held {}", [s])
        case (.notification, "release"): return ("released {}", [s])
        case (.notification, "cancel"), (.notification, "notification cancelled"): return ("cancelled {}", [s])
        case (.notification, "send now"): return ("asked to send {} now", [s])
        case (.notification, "edit"): return ("edited {}", [s])
        case (.notification, "merge into digest"): return ("moved {} into the next digest", [s])
        case (.notification, let a) where a.hasPrefix("notification "):
            let state = after["state"] ?? String(a.dropFirst("notification ".count))
            switch state {
            case "sent": return ("delivered {}", [s])
            case "failed": return ("could not deliver {} (will retry)", [s])
            case "dead": return ("gave up delivering {}", [s])
            default: return ("{}: {}", [s, labels.term("n", state)])
            }
        case (_, let a) where a.hasPrefix("undo "): return ("undid \"{}\" on {}", [String(a.dropFirst(5)), s])
        default:
            return ("{} {}", [e.action, s])
        }
    }
}
