/// One column of a table.
public struct TableColumn: Equatable, Sendable {
    public var title: SafeText
    /// Never narrower than this while the column is shown.
    public var minWidth: Int
    /// Never wider than this (nil: no limit).
    public var maxWidth: Int?
    /// Share of spare width (0: stays at `minWidth`).
    public var flex: Int
    public var alignment: DisplayWidth.Alignment
    /// When the terminal is too narrow, lower priorities are hidden first (ties: rightmost first).
    public var priority: Int

    public init(_ title: SafeText, minWidth: Int, maxWidth: Int? = nil, flex: Int = 0,
                alignment: DisplayWidth.Alignment = .left, priority: Int = 0) {
        self.title = title
        self.minWidth = max(1, minWidth)
        self.maxWidth = maxWidth.map { max($0, max(1, minWidth)) }
        self.flex = max(0, flex)
        self.alignment = alignment
        self.priority = priority
    }
}

/// One cell of a table row; `role` nil uses the row's role.
public struct TableCell: Equatable, Sendable, ExpressibleByStringLiteral {
    public var text: SafeText
    public var role: StyleRole?

    public init(_ text: SafeText, role: StyleRole? = nil) {
        self.text = text
        self.role = role
    }

    public init(_ string: String, role: StyleRole? = nil) { self.init(SafeText(string), role: role) }
    public init(stringLiteral value: String) { self.init(SafeText(value)) }
}

public struct TableRow: Equatable, Sendable {
    public var cells: [TableCell]
    public var role: StyleRole
    /// Marked for a bulk action; drawn in the `marked` role unless selected.
    public var isMarked: Bool

    public init(_ cells: [TableCell], role: StyleRole = .text, isMarked: Bool = false) {
        self.cells = cells
        self.role = role
        self.isMarked = isMarked
    }
}

/// A column table: widths from the column specs, cells truncated with `…` and aligned by
/// display width (so `株式会社アクメ` and `ACME Corp` line up), a header row, a selection bar.
public struct TableView: Equatable, Sendable {
    public var columns: [TableColumn]
    public var rows: [TableRow]
    public var selected: Int?
    public var showHeader: Bool
    /// Cells between columns.
    public var gap: Int

    public init(columns: [TableColumn], rows: [TableRow], selected: Int? = nil, showHeader: Bool = true, gap: Int = 1) {
        self.columns = columns
        self.rows = rows
        self.selected = selected
        self.showHeader = showHeader
        self.gap = max(0, gap)
    }

    /// Column widths for `width` cells; 0 means hidden.
    public static func layout(_ columns: [TableColumn], width: Int, gap: Int = 1) -> [Int] {
        guard width > 0, !columns.isEmpty else { return columns.map { _ in 0 } }
        var shown = Array(repeating: true, count: columns.count)
        func needed() -> Int {
            let idx = columns.indices.filter { shown[$0] }
            return idx.reduce(0) { $0 + columns[$1].minWidth } + max(0, idx.count - 1) * gap
        }
        // Hide the least important columns until the rest fit at their minimum.
        let dropOrder = columns.indices.sorted { a, b in
            columns[a].priority != columns[b].priority ? columns[a].priority < columns[b].priority : a > b
        }
        for i in dropOrder where needed() > width && shown.filter({ $0 }).count > 1 { shown[i] = false }

        var widths = columns.indices.map { shown[$0] ? columns[$0].minWidth : 0 }
        var spare = width - needed()
        if spare < 0 { // a single column wider than the screen
            if let only = shown.firstIndex(of: true) { widths[only] = width }
            return widths
        }
        func room(_ i: Int) -> Int { (columns[i].maxWidth ?? Int.max) - widths[i] }
        while spare > 0 {
            let growable = columns.indices.filter { shown[$0] && columns[$0].flex > 0 && room($0) > 0 }
            guard !growable.isEmpty else { break }
            let totalFlex = growable.reduce(0) { $0 + columns[$1].flex }
            var given = 0
            for i in growable {
                let share = min(room(i), spare * columns[i].flex / totalFlex)
                widths[i] += share
                given += share
            }
            if given == 0 { // shares rounded to 0: hand out the remainder one cell at a time, biggest flex first
                for i in growable.sorted(by: { columns[$0].flex > columns[$1].flex }) where spare - given > 0 && room(i) > 0 {
                    widths[i] += 1
                    given += 1
                }
            }
            spare -= given
        }
        return widths
    }

    /// The first row to show so that `selected` is visible, moving the window as little as possible.
    public static func scrollOffset(selected: Int?, current: Int, visibleRows: Int, rowCount: Int) -> Int {
        guard visibleRows > 0, rowCount > visibleRows else { return 0 }
        var offset = min(max(0, current), rowCount - visibleRows)
        if let s = selected {
            if s < offset { offset = s }
            if s >= offset + visibleRows { offset = s - visibleRows + 1 }
        }
        return offset
    }

    /// Draws into `area` starting at data row `scrollOffset`. Returns the offset actually used
    /// (adjusted to keep the selection visible) so the caller can keep it for the next frame.
    @discardableResult
    public func render(into grid: inout CellGrid, area: Rect, scrollOffset: Int = 0) -> Int {
        guard !area.isEmpty else { return scrollOffset }
        let widths = Self.layout(columns, width: area.width, gap: gap)
        var row = area.row
        if showHeader {
            grid.fill(Rect(row: row, col: area.col, width: area.width, height: 1), role: .header)
            drawCells(columns.map { TableCell($0.title) }, widths: widths, into: &grid, row: row, col: area.col, rowRole: .header, force: true)
            row += 1
        }
        let visible = area.maxRow - row
        let offset = Self.scrollOffset(selected: selected, current: scrollOffset, visibleRows: visible, rowCount: rows.count)
        for (i, data) in rows.enumerated().dropFirst(offset).prefix(max(0, visible)) {
            let isSelected = i == selected
            let role: StyleRole = isSelected ? .selection : (data.isMarked ? .marked : data.role)
            grid.fill(Rect(row: row, col: area.col, width: area.width, height: 1), role: role)
            drawCells(data.cells, widths: widths, into: &grid, row: row, col: area.col, rowRole: role,
                      force: isSelected || data.isMarked)
            row += 1
        }
        return offset
    }

    /// `force`: the row role overrides cell roles (selection and marks must read as one bar).
    private func drawCells(_ cells: [TableCell], widths: [Int], into grid: inout CellGrid,
                           row: Int, col: Int, rowRole: StyleRole, force: Bool) {
        var x = col
        var first = true
        for (i, w) in widths.enumerated() where w > 0 {
            if !first { x += gap }
            first = false
            let cell = i < cells.count ? cells[i] : TableCell(SafeText.empty)
            let fitted = cell.text.fitted(to: w, alignment: columns[i].alignment)
            grid.put(fitted, row: row, col: x, maxWidth: w, role: force ? rowRole : (cell.role ?? rowRole))
            x += w
        }
    }
}
