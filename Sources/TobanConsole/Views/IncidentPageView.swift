import Foundation
import TobanCore
import TobanStore

/// One incident, top to bottom: what it is and where it stands, its detections (the
/// cursor picks one for Enter), its endpoints' verdicts, what the customer was sent, the
/// ★★★ on-site window, and the history in sentences.
public enum IncidentPageView {
    static func render(_ p: IncidentPageScreen, state: ConsoleState, env: ConsoleEnvironment, now: Date, area: Rect, into grid: inout CellGrid) {
        guard let data = p.data else {
            grid.put(SafeText(env.labels("loading…")), row: area.row + 1, col: 2, role: .muted)
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
        let labels = env.labels
        var stateText = labels.fill("state    {}", labels.term("state", i.state.label))
        if let o = i.outcome { stateText += labels.fill(" — outcome {}", labels.term("outcome", o.label)) }
        if let m = data.mergedIntoName { stateText += labels.fill(" — merged into {}", m) }
        out.append((SafeText(stateText), IncidentsView.stateRole(i.state) ?? .text))
        out.append((SafeText(labels.fill("customer {}   owner {}   opened {} JST ({} ago)", QueueView.customerName(i.customerID, state),
                                         i.owner ?? labels("nobody"), Formatting.timestamp(i.createdAt), Formatting.age(i.createdAt, now: now))), .text))
        out.append((SafeText(labels.fill("urgency  {} because ", i.urgency.label))
                    + SafeText(i.urgencyReason.isEmpty ? labels("of its lead detection") : i.urgencyReason), .text))
        if let by = i.acknowledgeBy, i.state != .closed {
            out.append((SafeText(labels.fill("ack by   {} JST ({})", Formatting.timestamp(by), Formatting.countdown(by, now: now))), by < now ? .urgencyP1 : .warn))
        }
        if let r = data.reopenedFromName { out.append((SafeText(labels.fill("reopened from {}", r)), .muted)) }
        if !i.comment.isEmpty { out.append((SafeText(labels("escalated: ")) + SafeText(i.comment), .text)) }

        // ★★★ on-site response (駆け付け).
        if let window = OnSiteWindow(starNoticeReceivedAt: data.starNoticeSentAt, days: env.onSiteWindowDays) {
            let star = env.unicode ? "★★★" : "***"
            if let request = i.onSiteRequest {
                out.append((SafeText(labels.fill("on-site  requested by {} at {} JST: ", request.requestedBy, Formatting.timestamp(request.requestedAt)))
                            + SafeText(request.note), .accent))
            } else if window.isOpen(at: now) {
                out.append((SafeText(labels.fill("on-site  {} window open: {} left (until {} JST) — V records a request", star,
                                                 Formatting.daysLeft(window.remaining(at: now)), Formatting.timestamp(window.closes))), .accent))
            } else {
                out.append((SafeText(labels.fill("on-site  {} window closed at {} JST", star, Formatting.timestamp(window.closes))), .muted))
            }
        }

        section(labels.fill("Detections ({}) — Enter opens one", "\(i.detectionIDs.count)"))
        for (n, d) in data.detections.enumerated() {
            let selected = n == cursor
            if selected { cursorLine = out.count }
            let line = SafeText(selected ? "› " : "  ") + SafeText(Formatting.urgency(d.urgency, unicode: env.unicode)).fitted(to: 6) + " "
                + SafeText("#\(d.id) ") + SafeText(d.signature.name) + SafeText("  ×\(d.count)  \(Formatting.endpoint(d))  [\(Formatting.status(d))]")
            out.append((line, selected ? .selection : .urgency(d.urgency.rawValue)))
        }
        if i.detectionIDs.count > data.detections.count {
            out.append((SafeText(labels.fill("  … and {} more", "\(i.detectionIDs.count - data.detections.count)")), .muted))
        }

        section(labels("Endpoints"))
        if data.endpoints.isEmpty { out.append((SafeText("  " + labels("(none)")), .muted)) }
        for (n, e) in data.endpoints.enumerated() {
            let selected = data.detections.count + n == cursor
            if selected { cursorLine = out.count }
            let verdict = e.status == .none ? labels("no verdict") : labels.status(e.status)
            out.append((SafeText(selected ? "› " : "  ") + SafeText("\(e.displayName)  risk \(Int(e.riskScore))  \(verdict)")
                        + SafeText(e.statusNote.map { " — \($0)" } ?? ""), selected ? .selection : EndpointsView.statusRole(e.status)))
        }

        section(labels("Notifications"))
        if data.notifications.isEmpty { out.append((SafeText("  " + labels("(nothing sent to the customer yet)")), .muted)) }
        for n in data.notifications {
            let when = n.sentAt.map { labels.fill("sent {} JST", Formatting.timestamp($0)) } ?? labels.fill("due {} JST", Formatting.timestamp(n.dueAt))
            let to = n.channel == .mail ? n.recipients.joined(separator: ", ") : n.target
            out.append((SafeText("  #\(n.id) \(labels.term("k", n.kind.rawValue)) \(labels.term("n", n.state.rawValue)) \(when) → ") + SafeText(to),
                        OutboxView.stateRole(n.state) ?? .text))
            if let answer = n.lastError ?? n.lastResponse {
                out.append((SafeText(labels("      server: ")) + SafeText(answer), n.lastError != nil ? .error : .muted))
            }
        }

        let notes = data.history.filter { $0.entry.subject == .incident && $0.entry.action == "note" }
        section(labels.fill("Notes ({}) — N adds one", "\(notes.count)"))
        for r in notes {
            out.append((SafeText("  \(Formatting.timestamp(r.entry.at)) \(r.entry.actor): ") + SafeText(r.entry.comment ?? ""), .text))
        }

        section(labels("History"))
        for sentence in HistorySentence.lines(data.history, labels: labels) { out.append((SafeText("  ") + SafeText(sentence), .text)) }
        return (out, cursorLine)
    }
}
