import TobanCore

/// The whole screen as values: views draw here, tests read it back as text, and the
/// terminal driver flushes only the cells that changed since the previous frame.
///
/// Every write is clipped to the grid; nothing here can fail or touch the terminal.
public struct CellGrid: Equatable, Sendable {
    public let width: Int
    public let height: Int
    private var cells: [Cell]

    public init(width: Int, height: Int, role: StyleRole = .text) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank(role), count: self.width * self.height)
    }

    public var bounds: Rect { Rect(row: 0, col: 0, width: width, height: height) }

    public subscript(row: Int, col: Int) -> Cell {
        precondition(contains(row: row, col: col), "cell \(row),\(col) outside \(width)×\(height)")
        return cells[row * width + col]
    }

    public func contains(row: Int, col: Int) -> Bool { row >= 0 && row < height && col >= 0 && col < width }

    // MARK: - Writing

    /// How text longer than the space it is given ends.
    public enum Overflow: Sendable {
        /// Cut at the edge.
        case clip
        /// End with `…` (never splitting a wide character).
        case ellipsis
    }

    /// Writes `text` at `row`, `col`, using at most `maxWidth` columns (and never past the
    /// right edge). Returns the columns used. A wide character that does not fit in the last
    /// remaining column becomes a space, so the row stays aligned.
    @discardableResult
    public mutating func put(_ text: SafeText, row: Int, col: Int, maxWidth: Int? = nil,
                             role: StyleRole = .text, overflow: Overflow = .clip) -> Int {
        // Views lay text out from column 0 rightwards; a negative start is a layout bug
        // upstream and draws nothing rather than something misaligned.
        guard row >= 0, row < height, col >= 0, col < width else { return 0 }
        let start = col
        let limit = min(width - start, maxWidth ?? Int.max)
        guard limit > 0 else { return 0 }
        var string = text.string
        if overflow == .ellipsis, DisplayWidth.of(string) > limit {
            string = DisplayWidth.truncate(string, to: limit)
        }
        var x = start
        rowLoop: for cluster in string {
            for (ch, w) in DisplayWidth.pieces(of: cluster) {
                if w == 0 { continue } // a lone mark has nothing to combine with here
                let used = x - start
                if used + w > limit {
                    if used < limit { setCell(row: row, col: x, .blank(role)); x += 1 }
                    break rowLoop
                }
                if w >= 2 {
                    setCell(row: row, col: x, Cell(character: ch, isWide: true, role: role))
                    setCell(row: row, col: x + 1, .continuation(role))
                    x += 2
                } else {
                    setCell(row: row, col: x, Cell(character: ch, role: role))
                    x += 1
                }
            }
        }
        return x - start
    }

    /// Convenience: sanitises unconditionally, then writes.
    @discardableResult
    public mutating func put(_ string: String, row: Int, col: Int, maxWidth: Int? = nil,
                             role: StyleRole = .text, overflow: Overflow = .clip) -> Int {
        put(SafeText(string), row: row, col: col, maxWidth: maxWidth, role: role, overflow: overflow)
    }

    /// Fills a rectangle with one narrow character (sanitised; a wide or unsafe one becomes a space).
    public mutating func fill(_ rect: Rect, with character: Character = " ", role: StyleRole = .text) {
        let ch = Self.narrowSafe(character)
        let r = clip(rect)
        guard !r.isEmpty else { return }
        for y in r.row..<r.maxRow {
            for x in r.col..<r.maxCol { setCell(row: y, col: x, Cell(character: ch, role: role)) }
        }
    }

    /// Blanks the whole grid.
    public mutating func clear(role: StyleRole = .text) { fill(bounds, role: role) }

    /// Blanks one row.
    public mutating func clear(row: Int, role: StyleRole = .text) {
        fill(Rect(row: row, col: 0, width: width, height: 1), role: role)
    }

    /// A horizontal line of `character` (use the theme's `BorderSet.horizontal`).
    public mutating func horizontalRule(row: Int, col: Int = 0, width w: Int? = nil,
                                        character: Character, role: StyleRole = .border) {
        fill(Rect(row: row, col: col, width: w ?? (width - col), height: 1), with: character, role: role)
    }

    /// A vertical line of `character`.
    public mutating func verticalRule(col: Int, row: Int = 0, height h: Int? = nil,
                                      character: Character, role: StyleRole = .border) {
        fill(Rect(row: row, col: col, width: 1, height: h ?? (height - row)), with: character, role: role)
    }

    /// A box outline around `rect`.
    public mutating func box(_ rect: Rect, borders: BorderSet, role: StyleRole = .border) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        horizontalRule(row: rect.row, col: rect.col + 1, width: rect.width - 2, character: borders.horizontal, role: role)
        horizontalRule(row: rect.maxRow - 1, col: rect.col + 1, width: rect.width - 2, character: borders.horizontal, role: role)
        verticalRule(col: rect.col, row: rect.row + 1, height: rect.height - 2, character: borders.vertical, role: role)
        verticalRule(col: rect.maxCol - 1, row: rect.row + 1, height: rect.height - 2, character: borders.vertical, role: role)
        fill(Rect(row: rect.row, col: rect.col, width: 1, height: 1), with: borders.topLeft, role: role)
        fill(Rect(row: rect.row, col: rect.maxCol - 1, width: 1, height: 1), with: borders.topRight, role: role)
        fill(Rect(row: rect.maxRow - 1, col: rect.col, width: 1, height: 1), with: borders.bottomLeft, role: role)
        fill(Rect(row: rect.maxRow - 1, col: rect.maxCol - 1, width: 1, height: 1), with: borders.bottomRight, role: role)
    }

    /// Changes the style of existing cells without touching their characters (selection bars).
    public mutating func restyle(_ rect: Rect, role: StyleRole) {
        let r = clip(rect)
        guard !r.isEmpty else { return }
        for y in r.row..<r.maxRow {
            for x in r.col..<r.maxCol { cells[y * width + x].role = role }
        }
    }

    // MARK: - Reading (tests, diffing)

    /// The characters of one row, wide characters once, trailing spaces trimmed.
    public func rowText(_ row: Int) -> String {
        guard row >= 0, row < height else { return "" }
        var s = ""
        for x in 0..<width {
            let c = cells[row * width + x]
            if !c.isContinuation { s.append(c.character) }
        }
        while s.last == " " { s.removeLast() }
        return s
    }

    /// All rows joined by newlines (trailing spaces trimmed per row).
    public func snapshot() -> String { (0..<height).map(rowText).joined(separator: "\n") }

    /// The roles of one row, one per column (for asserting styling in tests).
    public func roles(row: Int) -> [StyleRole] {
        guard row >= 0, row < height else { return [] }
        return (0..<width).map { cells[row * width + $0].role }
    }

    /// Cells that differ from `previous`, in row-major order. Every cell when the size changed.
    public func diff(from previous: CellGrid?) -> [CellChange] {
        var changes: [CellChange] = []
        guard let previous, previous.width == width, previous.height == height else {
            changes.reserveCapacity(cells.count)
            for (i, c) in cells.enumerated() { changes.append(CellChange(row: i / max(width, 1), col: i % max(width, 1), cell: c)) }
            return changes
        }
        for i in cells.indices where cells[i] != previous.cells[i] {
            changes.append(CellChange(row: i / width, col: i % width, cell: cells[i]))
        }
        return changes
    }

    // MARK: - Internals

    private func clip(_ rect: Rect) -> Rect {
        let r0 = max(0, rect.row), c0 = max(0, rect.col)
        let r1 = min(height, rect.maxRow), c1 = min(width, rect.maxCol)
        return Rect(row: r0, col: c0, width: c1 - c0, height: r1 - r0)
    }

    /// Writes one cell, first blanking the other half of any wide character it cuts through,
    /// so a half-overwritten wide character never leaves a stray continuation behind.
    private mutating func setCell(row: Int, col: Int, _ cell: Cell) {
        guard contains(row: row, col: col) else { return }
        let i = row * width + col
        let old = cells[i]
        if old.isContinuation, col > 0, cells[i - 1].isWide {
            cells[i - 1] = .blank(cells[i - 1].role)
        }
        if old.isWide, col + 1 < width, cells[i + 1].isContinuation {
            cells[i + 1] = .blank(cells[i + 1].role)
        }
        cells[i] = cell
    }

    private static func narrowSafe(_ c: Character) -> Character {
        for s in c.unicodeScalars where !Sanitizer.isSafe(s) { return " " }
        return DisplayWidth.of(c) == 1 ? c : " "
    }
}
