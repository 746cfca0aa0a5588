/// What the console shows instead of a broken layout when the terminal is below the
/// size the screens are designed for.
public enum TooSmallMessage {
    public static let minimum = TerminalSize(width: 40, height: 12)

    public static func isTooSmall(_ size: TerminalSize, minimum: TerminalSize = minimum) -> Bool {
        size.width < minimum.width || size.height < minimum.height
    }

    /// Clears the grid and centres the message.
    public static func render(into grid: inout CellGrid, minimum: TerminalSize = minimum) {
        grid.clear()
        let lines: [(SafeText, StyleRole)] = [
            ("Terminal too small", .warn),
            (SafeText("needs \(minimum.width)×\(minimum.height), now \(grid.width)×\(grid.height)"), .muted),
        ]
        let top = max(0, (grid.height - lines.count) / 2)
        for (i, (text, role)) in lines.enumerated() where top + i < grid.height {
            let w = min(text.width, grid.width)
            grid.put(text, row: top + i, col: max(0, (grid.width - w) / 2), maxWidth: grid.width, role: role, overflow: .ellipsis)
        }
    }
}
