/// A one-row chart of recent values (arrivals per minute, say).
public enum Sparkline {
    public static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    /// For terminals without block glyphs (non-UTF-8 locale).
    public static let ascii: [Character] = ["_", ".", "-", ":", "=", "+", "*", "#"]

    /// The last `width` values, newest at the right, left-padded with spaces. Zero (and
    /// negative, NaN) shows as a space so "nothing" differs from "a little"; any positive
    /// value shows at least the lowest bar. `maxValue` fixes the scale (nil: the largest value).
    public static func text(_ values: [Double], width: Int, unicode: Bool = true, maxValue: Double? = nil) -> String {
        guard width > 0 else { return "" }
        let levels = unicode ? blocks : ascii
        let shown = values.suffix(width).map { $0.isFinite ? $0 : 0 }
        let top = maxValue ?? shown.max() ?? 0
        var out = String(repeating: " ", count: width - shown.count)
        for v in shown {
            guard v > 0, top > 0 else { out.append(" "); continue }
            let idx = Int((min(v, top) / top * Double(levels.count)).rounded(.up)) - 1
            out.append(levels[min(max(idx, 0), levels.count - 1)])
        }
        return out
    }

    public static func render(_ values: [Double], into grid: inout CellGrid, row: Int, col: Int, width: Int,
                              unicode: Bool = true, maxValue: Double? = nil, role: StyleRole = .sparkline) {
        grid.put(SafeText(text(values, width: width, unicode: unicode, maxValue: maxValue)),
                 row: row, col: col, maxWidth: width, role: role)
    }
}
