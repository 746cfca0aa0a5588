import Foundation
import TobanCore
import TobanStore

/// The whole screen as a pure function of the state: title with breadcrumbs, the screen on
/// top of the stack, the health footer, and the bottom line (prompt, message or key hints).
public enum ConsoleView {
    public static func render(_ state: ConsoleState, environment env: ConsoleEnvironment, now: Date, into grid: inout CellGrid) {
        grid.clear()
        if TooSmallMessage.isTooSmall(TerminalSize(width: grid.width, height: grid.height)) {
            TooSmallMessage.render(into: &grid)
            return
        }
        renderTitle(state, env: env, now: now, into: &grid)
        let banner = state.bannerRows
        if banner > 0 { PageBanner.render(state.overview.pages, env: env, now: now, row: 1, into: &grid) }
        let body = Rect(row: 1 + banner, col: 0, width: grid.width, height: grid.height - 3 - banner)
        switch state.top {
        case .queue(let q): QueueView.render(q, state: state, env: env, now: now, area: body, into: &grid)
        case .detail(let d): DetailView.render(d, state: state, env: env, now: now, area: body, into: &grid)
        case .endpoints(let e): EndpointsView.render(e, state: state, env: env, now: now, area: body, into: &grid)
        case .endpointPage(let p): EndpointPageView.render(p, state: state, env: env, now: now, area: body, into: &grid)
        case .help(let h):
            let help = HelpContent(keymap: env.keymap, labels: env.labels)
            let lines = help.render(into: &grid, area: Rect(row: body.row, col: body.col, width: body.width, height: body.height), firstLine: h.scroll)
            _ = lines
        case .incidents(let s): IncidentsView.render(s, state: state, env: env, now: now, area: body, into: &grid)
        case .incidentPage(let p): IncidentPageView.render(p, state: state, env: env, now: now, area: body, into: &grid)
        case .outbox(let o): OutboxView.render(o, state: state, env: env, now: now, area: body, into: &grid)
        case .preview(let p): PreviewView.render(p, area: body, into: &grid)
        case .health(let h): HealthView.render(h, state: state, env: env, now: now, area: body, into: &grid)
        }
        if let picker = state.picker { PickerView.render(picker, area: body, into: &grid) }
        renderFooter(state, env: env, now: now, into: &grid)
        renderBottomLine(state, env: env, into: &grid)
    }

    static func renderTitle(_ state: ConsoleState, env: ConsoleEnvironment, now: Date, into grid: inout CellGrid) {
        let crumbs = state.stack.map { screen -> String in
            let crumb = breadcrumb(screen, labels: env.labels)
            return state.asciiText ? crumb.filter(\.isASCII).trimmingCharacters(in: .whitespaces) : crumb
        }
            .joined(separator: state.asciiText || !env.unicode ? " > " : " › ")
        let name = state.asciiText ? "Toban" : "当番 Toban"
        // (segment, priority): when the row is short, the least important go first, so the
        // name and where you are always stay.
        var right: [(StatusBar.Segment, Int)] = []
        if case .queue(let q) = state.top {
            if !q.marks.isEmpty { right.append((.init(SafeText(env.labels.fill("{} marked", "\(q.marks.count)")), role: .marked), 4)) }
            if let g = q.grouping { right.append((.init(SafeText(env.labels.fill("by {}", g.rawValue)), role: .accent), 3)) }
            if q.newCount > 0 {
                let count = q.newCount >= Loaders.newArrivalsCap ? "\(Loaders.newArrivalsCap)+" : "\(q.newCount)"
                // A new P1 among them stands out (its colour and its stars), not just a count.
                let template = state.newP1Arrived ? (env.unicode ? "+{} new ★★★ P1 (n)" : "+{} new *** P1 (n)") : "+{} new (n)"
                right.append((.init(SafeText(env.labels.fill(template, count)), role: state.newP1Arrived ? .urgencyP1 : .newArrivals), 7))
            }
            if q.loading { right.append((.init(SafeText(env.labels("loading…")), role: .muted), 2)) }
            // Where you are and what narrows the list, always visible.
            if !q.queryText.isEmpty { right.append((.init(SafeText("/" + q.queryText), role: .accent), 5)) }
            let more = q.isGrouped || q.atEnd ? "" : "+"
            let position = q.rowCount == 0 ? "0" : "\(q.selected + 1)/\(q.rowCount)\(more)"
            right.append((.init(SafeText(position), role: .muted), 6))
        }
        // What awaits confirmation to a customer, and how soon the nearest deadline falls.
        let awaiting = state.overview.awaiting
        if !awaiting.isEmpty {
            let nearest = awaiting.compactMap { env.deadlines.deadline(customer: $0.customerID, urgency: $0.urgency, arrivedAt: $0.arrivedAt) }.min()
            let due = nearest.map { env.labels.fill(" next {}", Formatting.countdown($0, now: now)) } ?? ""
            let urgent = nearest.map { $0.timeIntervalSince(now) < 300 } ?? false
            right.append((.init(SafeText(env.labels.fill("{} to confirm", "\(awaiting.count)") + due), role: urgent ? .urgencyP1 : .warn), 5))
        }
        // Who answers a page now: the first layer (the analyst on duty); `:oncall` names all.
        if let first = env.onCall?(now).first {
            right.append((.init(SafeText(env.labels.fill("on call {}", first)), role: .muted), 1))
        }
        let minimumLeft = SafeText(name).width + 2 + min(SafeText(crumbs).width, 40)
        func width(_ segments: [(StatusBar.Segment, Int)]) -> Int {
            segments.reduce(0) { $0 + $1.0.text.width } + max(0, segments.count - 1) * 2
        }
        while !right.isEmpty, width(right) > grid.width - minimumLeft - 1,
              let lowest = right.indices.min(by: { right[$0].1 < right[$1].1 }) {
            right.remove(at: lowest)
        }
        StatusBar(left: [.init(SafeText(name), role: .title), .init(SafeText(crumbs))], right: right.map(\.0), role: .header)
            .render(into: &grid, row: 0)
    }

    /// A screen's place in the title, in the console's language.
    static func breadcrumb(_ screen: Screen, labels: Labels) -> String {
        switch screen {
        case .queue(let q) where q.token == 1: return labels(q.title)
        case .detail(let d): return labels.fill("Detection #{}", "\(d.detectionID)")
        case .preview(let p): return labels.fill("Message #{}", "\(p.notificationID)")
        case .help, .endpoints, .incidents, .outbox, .health: return labels(screen.breadcrumb)
        default: return screen.breadcrumb
        }
    }

    static func renderFooter(_ state: ConsoleState, env: ConsoleEnvironment, now: Date, into grid: inout CellGrid) {
        var left: [StatusBar.Segment] = []
        if let h = state.overview.health {
            let lag = h.sources.compactMap(\.lag).max()
            left.append(.init(SafeText(env.labels.fill("lag {}", lag.map(Formatting.duration) ?? "-")), role: (lag ?? 0) > 300 ? .warn : nil))
            left.append(.init(SafeText(env.labels.fill("quar {}", "\(h.quarantined)")), role: h.quarantined > 0 ? .warn : nil))
            let gaps = HealthView.gaps(h, env: env, now: now).count
            left.append(.init(SafeText(env.labels.fill("silent {}", "\(gaps)")), role: gaps == 0 ? nil : .error))
            left.append(.init(SafeText(env.labels.fill("unassigned {}", "\(h.unassignedEvents)")), role: h.unassignedEvents > 0 ? .warn : nil))
        } else {
            left.append(.init(SafeText(env.labels("ingest health …")), role: .muted))
        }
        let right: [StatusBar.Segment] = [
            .init(SafeText(env.analyst), role: .accent),
            .init(SafeText(Formatting.clock(now, zone: Formatting.jst) + " JST")),
            .init(SafeText(Formatting.clock(now, zone: Formatting.utc) + " UTC"), role: .muted),
        ]
        StatusBar(left: left, right: right, role: .footer).render(into: &grid, row: grid.height - 2)
    }

    static func renderBottomLine(_ state: ConsoleState, env: ConsoleEnvironment, into grid: inout CellGrid) {
        let row = grid.height - 1
        if let p = state.prompt {
            let note = p.error ?? p.hint
            let noteWidth = note.map { min(SafeText($0).width + 2, grid.width / 2) } ?? 0
            p.input.render(into: &grid, row: row, col: 0, width: grid.width - noteWidth, prompt: SafeText(p.prompt(env.labels)))
            if let note {
                grid.put(SafeText(note), row: row, col: grid.width - noteWidth + 1, maxWidth: noteWidth - 1,
                         role: p.error != nil ? .inputError : .muted, overflow: .ellipsis)
            }
            return
        }
        if let m = state.message {
            grid.put(SafeText(m), row: row, col: 0, maxWidth: grid.width, role: state.messageIsError ? .error : .ok, overflow: .ellipsis)
            return
        }
        let hints: [(Action, String)]
        switch state.top {
        case .queue: hints = [(.drillIn, "open"), (.filter, "filter"), (.toggleGroup, "group"), (.toggleMark, "mark"), (.acknowledge, "ack"),
                              (.claim, "claim"), (.disposition(1), "close"), (.escalate, "escalate"), (.viewEndpoints, "endpoints"), (.help, "help")]
        case .detail: hints = [(.back, "back"), (.acknowledge, "ack"), (.claim, "claim"), (.disposition(1), "close"), (.escalate, "escalate"),
                               (.drillIn, "endpoint"), (.help, "help")]
        case .endpoints: hints = [(.drillIn, "open"), (.markSuspect, "suspect"), (.markCleared, "cleared"), (.markContained, "contained"),
                                  (.back, "back"), (.help, "help")]
        case .endpointPage: hints = [(.drillIn, "open"), (.markSuspect, "suspect"), (.markCleared, "cleared"), (.markContained, "contained"), (.undo, "undo"),
                                     (.back, "back")]
        case .help: hints = [(.back, "back")]
        case .incidents: hints = [(.drillIn, "open"), (.filter, "filter"), (.advanceIncident, "advance"), (.closeIncident, "close"),
                                  (.claim, "claim"), (.addNote, "note"), (.mergeIncident, "merge"), (.back, "back"), (.help, "help")]
        case .incidentPage: hints = [(.drillIn, "open"), (.advanceIncident, "advance"), (.closeIncident, "close"), (.claim, "claim"),
                                     (.assignIncident, "assign"), (.addNote, "note"), (.linkMarked, "link marked"), (.mergeIncident, "merge"),
                                     (.reopenIncident, "reopen"), (.recordOnSite, "on-site"), (.back, "back")]
        case .outbox: hints = [(.preview, "preview"), (.sendNow, "send now"), (.holdMessage, "hold"), (.releaseMessage, "release"),
                               (.editMessage, "edit"), (.mergeIntoDigest, "to digest"), (.cancelMessage, "cancel"), (.retryMessage, "retry"),
                               (.back, "back")]
        case .preview: hints = [(.sendNow, "send now"), (.editMessage, "edit"), (.holdMessage, "hold"), (.cancelMessage, "cancel"),
                                (.back, "back")]
        case .health: hints = [(.back, "back"), (.refresh, "redraw")]
        }
        if state.picker != nil {
            grid.put(SafeText(env.labels("j/k move · Enter or 1–9 choose · Esc cancel")), row: row, col: 0, maxWidth: grid.width, role: .keyHint)
            return
        }
        var x = 0
        let context = state.top.keyContext
        for (action, label) in hints {
            let keys = env.keymap.effectiveBindings(in: context).first { $0.action == action }.map { KeyNotation.label($0.keys) }
            guard let keys else { continue }
            let needed = SafeText(keys).width + 1 + SafeText(env.labels(label)).width
            if x + needed > grid.width { break }
            x += grid.put(SafeText(keys), row: row, col: x, role: .keyHint)
            x += 1
            x += grid.put(SafeText(env.labels(label)), row: row, col: x, role: .muted)
            x += 2
        }
    }

    /// Draws scrolled lines into `area`; returns the offset used (clamped).
    @discardableResult
    static func renderLines(_ lines: [(SafeText, StyleRole)], scroll: Int, area: Rect, into grid: inout CellGrid) -> Int {
        let maxScroll = max(0, lines.count - area.height)
        let offset = min(max(0, scroll), maxScroll)
        for (i, line) in lines.dropFirst(offset).prefix(area.height).enumerated() {
            grid.put(line.0, row: area.row + i, col: area.col, maxWidth: area.width, role: line.1, overflow: .ellipsis)
        }
        return offset
    }
}
