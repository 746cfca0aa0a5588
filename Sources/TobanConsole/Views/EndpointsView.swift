import Foundation
import TobanCore
import TobanStore

/// Suspect-endpoint triage (被疑端末): internal hosts by risk, with the top reason.
public enum EndpointsView {
    static let columns: [TableColumn] = [
        TableColumn("Risk", minWidth: 5, maxWidth: 5, alignment: .right, priority: 10),
        TableColumn("Customer", minWidth: 8, maxWidth: 16, flex: 1, priority: 7),
        TableColumn("Endpoint", minWidth: 10, maxWidth: 24, flex: 1, priority: 9),
        TableColumn("Why", minWidth: 12, flex: 5, priority: 8),
        TableColumn("Sigs", minWidth: 4, maxWidth: 4, alignment: .right, priority: 4),
        TableColumn("First", minWidth: 5, maxWidth: 5, alignment: .right, priority: 2),
        TableColumn("Last", minWidth: 4, maxWidth: 4, alignment: .right, priority: 5),
        TableColumn("Status", minWidth: 6, maxWidth: 10, priority: 6),
    ]

    static func statusRole(_ s: EndpointStatus) -> StyleRole {
        switch s {
        case .none: return .muted
        case .suspect: return .error
        case .cleared: return .ok
        case .contained: return .warn
        }
    }

    static func render(_ s: EndpointsScreen, state: ConsoleState, env: ConsoleEnvironment, now: Date, area: Rect, into grid: inout CellGrid) {
        let filter = s.queryText.isEmpty ? "" : env.labels.fill(" — filter: {}", s.queryText)
        let position = s.rows.isEmpty ? "" : " — \(s.selected + 1)/\(s.rows.count)\(s.atEnd ? "" : "+")"
        grid.put(SafeText(env.labels.fill("Endpoints ranked by risk{}", filter + position)), row: area.row, col: 0,
                 maxWidth: area.width, role: .muted)
        let rows = s.rows.map { e in
            TableRow([
                TableCell(SafeText(String(format: "%.0f", e.riskScore)), role: e.riskScore >= 70 ? .urgencyP1 : (e.riskScore >= 40 ? .urgencyP2 : nil)),
                TableCell(SafeText(QueueView.customerName(e.customerID, state))),
                TableCell(SafeText(e.hostname.map { "\($0) \(e.address)" } ?? e.address.description)),
                TableCell(SafeText(e.riskExplanation.first.map { EndpointRiskScorer.readable($0, now: now) } ?? "")),
                TableCell(SafeText("\(e.distinctSignatures)")),
                TableCell(SafeText(Formatting.age(e.firstSeen, now: now))),
                TableCell(SafeText(Formatting.age(e.lastSeen, now: now))),
                TableCell(SafeText(e.status == .none ? "-" : e.status.japaneseName), role: statusRole(e.status)),
            ])
        }
        let tableArea = Rect(row: area.row + 1, col: area.col, width: area.width, height: area.height - 1)
        TableView(columns: env.labels.columns(columns), rows: rows, selected: rows.isEmpty ? nil : s.selected).render(into: &grid, area: tableArea, scrollOffset: s.scroll)
        if rows.isEmpty && !s.loading {
            grid.put(SafeText(env.labels("No endpoints implicated yet.")), row: tableArea.row + 2, col: 2, role: .muted)
        }
    }
}
