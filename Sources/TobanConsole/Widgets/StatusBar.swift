/// A one-row bar with left and right segments (footer: key hints left, clock and counts right).
/// The right side wins when space is short: it carries what changes (time, new arrivals).
public struct StatusBar: Equatable, Sendable {
    public struct Segment: Equatable, Sendable {
        public var text: SafeText
        public var role: StyleRole?

        public init(_ text: SafeText, role: StyleRole? = nil) {
            self.text = text
            self.role = role
        }
    }

    public var left: [Segment]
    public var right: [Segment]
    public var role: StyleRole
    /// Cells between segments.
    public var spacing: Int

    public init(left: [Segment] = [], right: [Segment] = [], role: StyleRole = .footer, spacing: Int = 2) {
        self.left = left
        self.right = right
        self.role = role
        self.spacing = spacing
    }

    public func render(into grid: inout CellGrid, row: Int, col: Int = 0, width: Int? = nil) {
        let w = width ?? (grid.width - col)
        guard w > 0 else { return }
        grid.fill(Rect(row: row, col: col, width: w, height: 1), role: role)
        let rightWidth = right.reduce(0) { $0 + $1.text.width } + max(0, right.count - 1) * spacing
        var x = col + max(0, w - rightWidth)
        for (i, s) in right.enumerated() {
            if i > 0 { x += spacing }
            x += grid.put(s.text, row: row, col: x, maxWidth: col + w - x, role: s.role ?? role, overflow: .ellipsis)
        }
        // Left segments stop one cell before the right side so the two never touch.
        let leftLimit = col + max(0, w - rightWidth - (right.isEmpty ? 0 : 1))
        x = col
        for (i, s) in left.enumerated() {
            if i > 0 { x += spacing }
            guard x < leftLimit else { break }
            x += grid.put(s.text, row: row, col: x, maxWidth: leftLimit - x, role: s.role ?? role, overflow: .ellipsis)
        }
    }
}
