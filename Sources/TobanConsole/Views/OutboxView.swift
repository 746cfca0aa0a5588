import Foundation
import TobanCore
import TobanStore

/// The outbox: what is waiting to go to customers (and pages to the SOC), soonest first,
/// then what went out recently.
public enum OutboxView {
    static let columns: [TableColumn] = [
        TableColumn("#", minWidth: 4, maxWidth: 7, alignment: .right, priority: 9),
        TableColumn("Urg", minWidth: 6, maxWidth: 6, priority: 10),
        TableColumn("Customer", minWidth: 14, maxWidth: 20, flex: 1, priority: 8),
        TableColumn("Kind", minWidth: 8, maxWidth: 8, priority: 7),
        TableColumn("To", minWidth: 10, maxWidth: 30, flex: 2, priority: 6),
        TableColumn("Due", minWidth: 6, maxWidth: 6, alignment: .right, priority: 10),
        TableColumn("State", minWidth: 9, maxWidth: 10, priority: 9),
        TableColumn("Tries", minWidth: 5, maxWidth: 5, alignment: .right, priority: 4),
        TableColumn("Last answer", minWidth: 10, flex: 3, priority: 5),
    ]

    static func stateRole(_ s: NotificationState) -> StyleRole? {
        switch s {
        case .draft, .approved: return nil
        case .held: return .warn
        case .sending: return .accent
        case .sent: return .ok
        case .failed: return .warn
        case .dead: return .error
        case .cancelled: return .muted
        }
    }

    static func render(_ s: OutboxScreen, state: ConsoleState, env: ConsoleEnvironment, now: Date, area: Rect, into grid: inout CellGrid) {
        let waiting = s.rows.filter { $0.state != .sent }.count
        let overdue = s.rows.filter { n in n.nextDue.map { $0 < now } == true || (n.deadline.map { $0 < now } == true && n.state != .sent) }.count
        let labels = env.labels
        var header = labels.fill("Outbox — {} waiting", "\(waiting)")
        if overdue > 0 { header += labels.fill(", {} overdue", "\(overdue)") }
        if s.pendingItems > 0 { header += labels.fill(", {} confirmed item(s) not yet assembled by the dispatcher", "\(s.pendingItems)") }
        if !s.queryText.isEmpty { header += labels.fill(" — filter: {}", s.queryText) }
        if !s.rows.isEmpty { header += " — \(s.selected + 1)/\(s.rows.count)" }
        grid.put(SafeText(header), row: area.row, col: 0, maxWidth: area.width, role: overdue > 0 ? .warn : .muted)
        let rows = s.rows.map { n -> TableRow in
            let due: TableCell
            if n.state == .sent {
                due = TableCell(SafeText(n.sentAt.map { labels.fill("{} ago", Formatting.age($0, now: now)) } ?? labels.term("n", "sent")), role: .muted)
            } else if let next = n.nextDue ?? (n.state == .held ? n.dueAt : nil) {
                let late = next < now || (n.deadline.map { $0 < now } ?? false)
                due = TableCell(SafeText(Formatting.countdown(next, now: now)), role: late ? .urgencyP1 : nil)
            } else {
                due = TableCell("-", role: .muted)
            }
            let answer = n.state == .held ? (n.heldReason.map { labels.fill("held: {}", $0) } ?? labels.term("n", "held")) : (n.lastError ?? n.lastResponse ?? "")
            return TableRow([
                TableCell(SafeText("\(n.id)")),
                TableCell(SafeText(Formatting.urgency(n.urgency, unicode: env.unicode)), role: .urgency(n.urgency.rawValue)),
                TableCell(SafeText(n.kind == .page ? labels("SOC (page)") : QueueView.customerName(n.customerID, state))),
                TableCell(SafeText(labels.term("k", n.kind.rawValue))),
                TableCell(SafeText(n.channel == .mail ? n.recipients.joined(separator: ", ") : n.target)),
                due,
                TableCell(SafeText(labels.term("n", n.state.rawValue) + (n.revision > 0 ? "*" : "")), role: stateRole(n.state)),
                TableCell(SafeText("\(n.attempts)")),
                TableCell(SafeText(answer), role: n.state == .dead || n.state == .failed ? .error : .muted),
            ])
        }
        let tableArea = Rect(row: area.row + 1, col: area.col, width: area.width, height: area.height - 1)
        TableView(columns: env.labels.columns(columns), rows: rows, selected: rows.isEmpty ? nil : s.selected).render(into: &grid, area: tableArea, scrollOffset: s.scroll)
        if rows.isEmpty && !s.loading {
            grid.put(SafeText(labels("Nothing waiting. C confirms a detection to its customer; F9 escalates.")), row: tableArea.row + 2, col: 2, role: .muted)
        }
    }
}

/// A message exactly as it goes out: every line made safe for the terminal.
public enum PreviewView {
    static func render(_ p: PreviewScreen, area: Rect, into grid: inout CellGrid) {
        guard let lines = p.lines else {
            grid.put("loading…", row: area.row + 1, col: 2, role: .muted)
            return
        }
        var out: [(SafeText, StyleRole)] = []
        var inBody = false
        for line in lines {
            if line.isEmpty { inBody = true }
            for row in Formatting.wrap(SafeText(line), width: max(1, area.width)) { out.append((row, inBody ? .text : .header)) }
        }
        ConsoleView.renderLines(out, scroll: p.scroll, area: area, into: &grid)
    }
}
