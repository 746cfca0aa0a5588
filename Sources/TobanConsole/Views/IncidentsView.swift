import Foundation
import TobanCore
import TobanStore

/// The incident list: id, customer, urgency, state, owner, age, what it holds, when the
/// customer was told, and the acknowledge-by countdown.
public enum IncidentsView {
    static let columns: [TableColumn] = [
        TableColumn("Incident", minWidth: 13, maxWidth: 13, priority: 10),
        TableColumn("Urg", minWidth: 6, maxWidth: 6, priority: 10),
        TableColumn("Customer", minWidth: 14, maxWidth: 20, flex: 1, priority: 8),
        TableColumn("State", minWidth: 13, maxWidth: 24, flex: 1, priority: 9),
        TableColumn("Owner", minWidth: 6, maxWidth: 10, flex: 1, priority: 6),
        TableColumn("Age", minWidth: 4, maxWidth: 4, alignment: .right, priority: 7),
        TableColumn("Title", minWidth: 12, flex: 4, priority: 8),
        TableColumn("Det", minWidth: 3, maxWidth: 4, alignment: .right, priority: 4),
        TableColumn("Endpoints", minWidth: 15, maxWidth: 32, flex: 1, priority: 5),
        TableColumn("Notified", minWidth: 8, maxWidth: 8, priority: 6),
        TableColumn("Ack by", minWidth: 6, maxWidth: 6, alignment: .right, priority: 7),
    ]

    static func stateRole(_ s: IncidentState) -> StyleRole? {
        switch s {
        case .open: return .statusNew
        case .investigating: return .statusAck
        case .customerNotified, .contained: return .statusEscalated
        case .closed: return .statusClosed
        }
    }

    static func render(_ s: IncidentsScreen, state: ConsoleState, env: ConsoleEnvironment, now: Date, area: Rect, into grid: inout CellGrid) {
        let filter = s.queryText.isEmpty ? env.labels("open incidents") : env.labels.fill("filter: {}", s.queryText)
        let position = s.rows.isEmpty ? "0" : "\(s.selected + 1)/\(s.rows.count)\(s.atEnd ? "" : "+")"
        grid.put(SafeText(env.labels.fill("Incidents by urgency, oldest first — {} — {}", filter, position)), row: area.row, col: 0, maxWidth: area.width, role: .muted)
        let rows = s.rows.map { entry -> TableRow in
            let i = entry.incident
            let ack: TableCell
            if let by = i.acknowledgeBy, i.state != .closed {
                ack = TableCell(SafeText(Formatting.countdown(by, now: now)), role: by < now ? .urgencyP1 : .warn)
            } else {
                ack = TableCell("-", role: .muted)
            }
            return TableRow([
                TableCell(SafeText(Incident.displayID(id: i.id, createdAt: i.createdAt))),
                TableCell(SafeText(Formatting.urgency(i.urgency, unicode: env.unicode)), role: .urgency(i.urgency.rawValue)),
                TableCell(SafeText(QueueView.customerName(i.customerID, state))),
                TableCell(SafeText(i.state == .closed ? env.labels.fill("closed ({})", env.labels.term("outcome", (i.outcome?.label ?? "-")))
                                   : env.labels.term("state", i.state.label)), role: stateRole(i.state)),
                TableCell(SafeText(i.owner ?? "-")),
                TableCell(SafeText(Formatting.age(i.createdAt, now: now))),
                TableCell(SafeText(i.title)),
                TableCell(SafeText("\(i.detectionIDs.count)")),
                TableCell(SafeText(i.endpoints.map(\.description).joined(separator: " "))),
                TableCell(SafeText(entry.notifiedAt.map { Formatting.clock($0, zone: Formatting.jst).prefix(5) + " " } ?? env.labels("not yet")),
                          role: entry.notifiedAt == nil ? .muted : .ok),
                ack,
            ])
        }
        let tableArea = Rect(row: area.row + 1, col: area.col, width: area.width, height: area.height - 1)
        TableView(columns: env.labels.columns(columns), rows: rows, selected: rows.isEmpty ? nil : s.selected).render(into: &grid, area: tableArea, scrollOffset: s.scroll)
        if rows.isEmpty && !s.loading {
            grid.put(SafeText(env.labels("No incidents here. F9 on a detection escalates one.")), row: tableArea.row + 2, col: 2, role: .muted)
        }
    }
}
