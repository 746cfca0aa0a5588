import Foundation
import TobanCore
import TobanStore

/// The detection queue: a header with open counts per customer and the arrival rate, then
/// the table of the loaded window (or of the groups).
public enum QueueView {
    /// Widths by what matters: an IPv4 address is never cut (15 cells), the endpoint outlives
    /// the customer on a narrow terminal, and the signature takes what is left.
    static let columns: [TableColumn] = [
        // The mark: a symbol in every theme (mono included), not only a colour.
        TableColumn("", minWidth: 1, maxWidth: 1, priority: 11),
        TableColumn("Urg", minWidth: 6, maxWidth: 6, priority: 10),
        // At 40 columns what remains is urgency, endpoint and signature: what and where.
        TableColumn("Age", minWidth: 4, maxWidth: 4, alignment: .right, priority: 7),
        TableColumn("Customer", minWidth: 14, maxWidth: 18, flex: 1, priority: 6),
        TableColumn("Endpoint", minWidth: 15, maxWidth: 39, priority: 8),
        TableColumn("Signature", minWidth: 12, flex: 5, priority: 8),
        TableColumn("Cnt", minWidth: 4, maxWidth: 6, alignment: .right, priority: 4),
        TableColumn("Sensor", minWidth: 6, maxWidth: 24, flex: 1, priority: 1),
        TableColumn("Status", minWidth: 14, maxWidth: 18, flex: 1, priority: 5),
    ]

    static let groupColumns: [TableColumn] = [
        TableColumn("Urg", minWidth: 6, maxWidth: 6, priority: 10),
        TableColumn("Last", minWidth: 4, maxWidth: 4, alignment: .right, priority: 9),
        TableColumn("Group", minWidth: 12, flex: 5, priority: 8),
        TableColumn("Open", minWidth: 6, maxWidth: 8, alignment: .right, priority: 9),
    ]

    public static func customerName(_ id: String, _ state: ConsoleState) -> String {
        guard let name = state.overview.customerNames[id] else { return id }
        // A name the terminal cannot show is replaced by the id, which it can.
        return state.asciiText && !name.unicodeScalars.allSatisfy(\.isASCII) ? id : name
    }

    static func render(_ q: QueueScreen, state: ConsoleState, env: ConsoleEnvironment, now: Date, area: Rect, into grid: inout CellGrid) {
        renderHeader(state, env: env, row: area.row, width: area.width, into: &grid)
        let tableArea = Rect(row: area.row + 1, col: area.col, width: area.width, height: area.height - 1)
        if q.isGrouped {
            let rows = q.groups.map { g -> TableRow in
                let label: String
                switch g.grouping {
                case .signature: label = g.label
                case .customer: label = customerName(g.key, state)
                case .endpoint: label = "\(g.label)  \(customerName(g.customerID ?? "", state))"
                case .source:
                    let targets = g.targets.map { $0 == 1 ? env.labels("1 target") : env.labels.fill("{} targets", "\($0)") } ?? ""
                    label = "\(g.label) → \(targets)  \(customerName(g.customerID ?? "", state))"
                }
                return TableRow([TableCell(SafeText(Formatting.urgency(g.urgency, unicode: env.unicode)), role: .urgency(g.urgency.rawValue)),
                                 TableCell(SafeText(Formatting.age(g.lastSeen, now: now))),
                                 TableCell(SafeText(label)),
                                 TableCell(SafeText("\(g.count)"))])
            }
            TableView(columns: env.labels.columns(groupColumns), rows: rows, selected: rows.isEmpty ? nil : q.selected)
                .render(into: &grid, area: tableArea, scrollOffset: q.scroll)
            if rows.isEmpty && q.loadedOnce { emptyNote(q, labels: env.labels, area: tableArea, into: &grid) }
            return
        }
        let rows = q.rows.map { d in row(d, state: state, env: env, now: now, marked: q.marks.contains(d.id)) }
        TableView(columns: env.labels.columns(columns), rows: rows, selected: rows.isEmpty ? nil : q.selected)
            .render(into: &grid, area: tableArea, scrollOffset: q.scroll)
        if rows.isEmpty && q.loadedOnce { emptyNote(q, labels: env.labels, area: tableArea, into: &grid) }
    }

    /// Keeps the selection in view, moving the window as little as possible from where the
    /// selection sits (rows never jump when others arrive: the window itself is stable).
    static func scrollOffset(_ q: QueueScreen, visible: Int) -> Int {
        TableView.scrollOffset(selected: q.selected, current: q.scroll, visibleRows: visible, rowCount: q.rows.count)
    }

    static func emptyNote(_ q: QueueScreen, labels: Labels, area: Rect, into grid: inout CellGrid) {
        let text = SafeText(q.queryText.isEmpty ? labels("No open detections. 異常なし") : labels.fill("Nothing matches /{}", q.queryText))
        grid.put(text, row: area.row + 2, col: area.col + 2, maxWidth: area.width - 2, role: .muted, overflow: .ellipsis)
    }

    static func row(_ d: Detection, state: ConsoleState, env: ConsoleEnvironment, now: Date, marked: Bool) -> TableRow {
        TableRow([
            TableCell(marked ? (env.unicode ? "●" : "*") : "", role: .marked),
            TableCell(SafeText(Formatting.urgency(d.urgency, unicode: env.unicode)), role: .urgency(d.urgency.rawValue)),
            TableCell(SafeText(Formatting.age(d.lastSeen, now: now))),
            TableCell(SafeText(customerName(d.customerID, state))),
            TableCell(SafeText(Formatting.address(Formatting.endpoint(d), width: 39))),
            TableCell(SafeText(d.signature.name)),
            TableCell(SafeText("\(d.count)")),
            TableCell(SafeText(d.sensor), role: .muted),
            TableCell(SafeText(Formatting.status(d)), role: Formatting.statusRole(d.status)),
        ], role: d.status == .closed ? .muted : .text, isMarked: marked)
    }

    /// `open P1/P2/P3/P4/P5  株式会社アクメ 2/5/1/0/3  …` and the arrivals-per-minute sparkline.
    static func renderHeader(_ state: ConsoleState, env: ConsoleEnvironment, row: Int, width: Int, into grid: inout CellGrid) {
        let sparkWidth = min(30, max(0, width / 4))
        let rate = state.overview.rate.map(Double.init)
        var x = grid.put(SafeText(env.labels("open P1/2/3/4/5")), row: row, col: 0, role: .muted) + 1
        var byCustomer: [String: [Int]] = [:]
        for c in state.overview.openCounts { byCustomer[c.customerID, default: [0, 0, 0, 0, 0]][c.urgency.rawValue - 1] += c.count }
        let limit = width - sparkWidth - 1
        // Worst urgency first (most P1, then most P2, …); what does not fit is counted, never dropped silently.
        let sorted = byCustomer.sorted { a, b in
            a.value != b.value ? a.value.lexicographicallyPrecedes(b.value, by: >) : a.key < b.key
        }
        for (n, (id, counts)) in sorted.enumerated() {
            let name = SafeText(customerName(id, state)).truncated(to: 16)
            let nums = SafeText(counts.map(String.init).joined(separator: "/"))
            let remaining = sorted.count - n - 1
            let moreWidth = remaining > 0 ? SafeText(" +\(remaining) more").width : 0
            guard x + 1 + name.width + 1 + nums.width + moreWidth < limit else {
                x += 1
                grid.put(SafeText(env.labels.fill("+{} more", "\(sorted.count - n)")), row: row, col: x, maxWidth: max(0, limit - x), role: .warn)
                break
            }
            x += 1
            x += grid.put(name, row: row, col: x)
            x += 1
            x += grid.put(nums, row: row, col: x, role: counts[0] > 0 ? .urgencyP1 : .text)
        }
        if sparkWidth > 0 {
            Sparkline.render(rate, into: &grid, row: row, col: width - sparkWidth, width: sparkWidth, unicode: env.unicode)
        }
    }
}
