import Foundation
import TobanCore
import TobanStore

/// One incident, top to bottom: what it is and where it stands, its detections (the
/// cursor picks one for Enter), its endpoints' verdicts, what the customer was sent, the
/// ★★★ on-site window, and the history in sentences.
public enum IncidentPageView {
    static func render(_ p: IncidentPageScreen, state: ConsoleState, env: ConsoleEnvironment, now: Date, area: Rect, into grid: inout CellGrid) {
        guard let data = p.data else {
            grid.put("loading…", row: area.row + 1, col: 2, role: .muted)
            return
        }
        let (lines, cursorLine) = lines(data, cursor: p.cursor, state: state, env: env, now: now)
        // Keep the cursor's line on screen; otherwise scroll as asked.
        var scroll = p.scroll
        if let c = cursorLine {
            if c < scroll { scroll = c } else if c >= scroll + area.height { scroll = c - area.height + 1 }
        }
        ConsoleView.renderLines(lines, scroll: scroll, area: area, into: &grid)
    }

    public static func lines(_ data: IncidentDossier, cursor: Int, state: ConsoleState, env: ConsoleEnvironment,
                             now: Date) -> (lines: [(SafeText, StyleRole)], cursorLine: Int?) {
        let i = data.incident
        var out: [(SafeText, StyleRole)] = []
        var cursorLine: Int?
        func section(_ title: String) {
            out.append(("", .text))
            out.append((SafeText(title), .header))
        }
        let name = Incident.displayID(id: i.id, createdAt: i.createdAt)
        out.append((SafeText("\(name)  \(Formatting.urgency(i.urgency, unicode: env.unicode))  ") + SafeText(i.title), .urgency(i.urgency.rawValue)))
        var stateText = "state    \(i.state.label)"
        if let o = i.outcome { stateText += " — outcome \(o.label)" }
        if let m = data.mergedIntoName { stateText += " — merged into \(m)" }
        out.append((SafeText(stateText), IncidentsView.stateRole(i.state) ?? .text))
        out.append((SafeText("customer \(QueueView.customerName(i.customerID, state))   owner \(i.owner ?? "nobody")   opened \(Formatting.timestamp(i.createdAt)) JST (\(Formatting.age(i.createdAt, now: now)) ago)"), .text))
        out.append((SafeText("urgency  \(i.urgency.label) because ") + SafeText(i.urgencyReason.isEmpty ? "of its lead detection" : i.urgencyReason), .text))
        if let by = i.acknowledgeBy, i.state != .closed {
            out.append((SafeText("ack by   \(Formatting.timestamp(by)) JST (\(Formatting.countdown(by, now: now)))"), by < now ? .urgencyP1 : .warn))
        }
        if let r = data.reopenedFromName { out.append((SafeText("reopened from \(r)"), .muted)) }
        if !i.comment.isEmpty { out.append((SafeText("escalated: ") + SafeText(i.comment), .text)) }

        // ★★★ on-site response (駆け付け).
        if let window = OnSiteWindow(starNoticeReceivedAt: data.starNoticeSentAt, days: env.onSiteWindowDays) {
            let star = env.unicode ? "★★★" : "***"
            if let request = i.onSiteRequest {
                out.append((SafeText("on-site  requested by \(request.requestedBy) at \(Formatting.timestamp(request.requestedAt)) JST: ") + SafeText(request.note), .accent))
            } else if window.isOpen(at: now) {
                out.append((SafeText("on-site  \(star) window open: \(Formatting.daysLeft(window.remaining(at: now))) left (until \(Formatting.timestamp(window.closes)) JST) — V records a request"), .accent))
            } else {
                out.append((SafeText("on-site  \(star) window closed at \(Formatting.timestamp(window.closes)) JST"), .muted))
            }
        }

        section("Detections (\(i.detectionIDs.count)) — Enter opens one")
        for (n, d) in data.detections.enumerated() {
            let selected = n == cursor
            if selected { cursorLine = out.count }
            let line = SafeText(selected ? "› " : "  ") + SafeText(Formatting.urgency(d.urgency, unicode: env.unicode)).fitted(to: 6) + " "
                + SafeText("#\(d.id) ") + SafeText(d.signature.name) + SafeText("  ×\(d.count)  \(Formatting.endpoint(d))  [\(Formatting.status(d))]")
            out.append((line, selected ? .selection : .urgency(d.urgency.rawValue)))
        }
        if i.detectionIDs.count > data.detections.count {
            out.append((SafeText("  … and \(i.detectionIDs.count - data.detections.count) more"), .muted))
        }

        section("Endpoints")
        if data.endpoints.isEmpty { out.append(("  (none)", .muted)) }
        for (n, e) in data.endpoints.enumerated() {
            let selected = data.detections.count + n == cursor
            if selected { cursorLine = out.count }
            let verdict = e.status == .none ? "no verdict" : env.labels.status(e.status)
            out.append((SafeText(selected ? "› " : "  ") + SafeText("\(e.displayName)  risk \(Int(e.riskScore))  \(verdict)")
                        + SafeText(e.statusNote.map { " — \($0)" } ?? ""), selected ? .selection : EndpointsView.statusRole(e.status)))
        }

        section("Notifications")
        if data.notifications.isEmpty { out.append(("  (nothing sent to the customer yet)", .muted)) }
        for n in data.notifications {
            let when = n.sentAt.map { "sent \(Formatting.timestamp($0)) JST" } ?? "due \(Formatting.timestamp(n.dueAt)) JST"
            let to = n.channel == .mail ? n.recipients.joined(separator: ", ") : n.target
            out.append((SafeText("  #\(n.id) \(n.kind.rawValue) \(n.state.rawValue) \(when) → ") + SafeText(to), OutboxView.stateRole(n.state) ?? .text))
            if let answer = n.lastError ?? n.lastResponse {
                out.append((SafeText("      server: ") + SafeText(answer), n.lastError != nil ? .error : .muted))
            }
        }

        let notes = data.history.filter { $0.entry.subject == .incident && $0.entry.action == "note" }
        section("Notes (\(notes.count)) — N adds one")
        for r in notes {
            out.append((SafeText("  \(Formatting.timestamp(r.entry.at)) \(r.entry.actor): ") + SafeText(r.entry.comment ?? ""), .text))
        }

        section("History")
        for sentence in sentences(data.history) { out.append((SafeText("  ") + SafeText(sentence), .text)) }
        return (out, cursorLine)
    }

    /// One sentence per action: the per-detection rows of one action ("escalated #1",
    /// "escalated #2") read as one ("escalated #1 #2").
    static func sentences(_ history: [AuditRecord]) -> [String] {
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
            var text = HistorySentence.text(r)
            if subjects.count > 1 {
                text = text.replacingOccurrences(of: "#\(r.entry.subjectID)", with: subjects.map { "#\($0)" }.joined(separator: " "))
            }
            out.append(text)
            i = j
        }
        return out
    }
}
