/// A terminal colour as written in a theme, before it is fitted to the terminal.
public enum Color: Hashable, Sendable, CustomStringConvertible {
    /// The terminal's own foreground/background (what the analyst configured).
    case `default`
    /// A palette index: 0–7 the basic colours, 8–15 their bright variants, 16–255 the xterm cube and greys.
    case index(UInt8)
    /// 24-bit colour; downsampled when the terminal has no direct colour.
    case rgb(UInt8, UInt8, UInt8)

    public static let names: [String] = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright-black", "bright-red", "bright-green", "bright-yellow",
        "bright-blue", "bright-magenta", "bright-cyan", "bright-white",
    ]

    /// Parses `default`, a colour name (`red`, `bright-red`, `grey`), an index `0`…`255`,
    /// or `#rrggbb`. Case-insensitive; `_` may stand for `-`.
    public init?(parsing text: String) {
        let t = text.lowercased().replacingOccurrences(of: "_", with: "-")
        if t == "default" || t == "none" { self = .default; return }
        if t == "gray" || t == "grey" { self = .index(8); return }
        if let i = Self.names.firstIndex(of: t) { self = .index(UInt8(i)); return }
        if let n = Int(t), (0...255).contains(n) { self = .index(UInt8(n)); return }
        if t.hasPrefix("#"), t.count == 7, let v = UInt32(t.dropFirst(), radix: 16) {
            self = .rgb(UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF))
            return
        }
        return nil
    }

    public var description: String {
        switch self {
        case .default: return "default"
        case .index(let i): return i < 16 ? Self.names[Int(i)] : String(i)
        case .rgb(let r, let g, let b):
            return "#" + [r, g, b].map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        }
    }

    /// The least depth that can show this colour exactly.
    public var minimumDepth: ColorDepth {
        switch self {
        case .default: return .mono
        case .index(let i): return i < 8 ? .c8 : (i < 16 ? .c16 : .c256)
        case .rgb: return .truecolor
        }
    }

    /// The nearest colour the given depth can show.
    public func fitted(to depth: ColorDepth) -> Color {
        switch (self, depth) {
        case (.default, _), (_, .truecolor): return self
        case (_, .mono): return .default
        case (.index(let i), .c256): return .index(i)
        case (.rgb(let r, let g, let b), .c256): return .index(Self.nearest256(r, g, b))
        case (.index(let i), .c16) where i < 16: return .index(i)
        case (.index(let i), .c8) where i < 8: return .index(i)
        case (.index(let i), .c8) where i < 16: return .index(i - 8) // bright → basic
        case (.index(let i), _):
            let (r, g, b) = Self.rgbOf(index: i)
            return Color.rgb(r, g, b).fitted(to: depth)
        case (.rgb(let r, let g, let b), .c16): return .index(Self.nearest(r, g, b, in: 0..<16))
        case (.rgb(let r, let g, let b), .c8): return .index(Self.nearest(r, g, b, in: 0..<8))
        }
    }

    // MARK: - xterm palette

    /// xterm's default values for the 16 basic colours (terminals differ; close enough to pick a neighbour).
    static let basic: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
    private static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    static func rgbOf(index i: UInt8) -> (UInt8, UInt8, UInt8) {
        if i < 16 { return basic[Int(i)] }
        if i >= 232 { let v = UInt8(8 + 10 * (Int(i) - 232)); return (v, v, v) }
        let n = Int(i) - 16
        return (UInt8(cubeLevels[n / 36]), UInt8(cubeLevels[(n / 6) % 6]), UInt8(cubeLevels[n % 6]))
    }

    /// Nearest xterm-256 index among the colour cube and the grey ramp (16–255: the basic
    /// 16 are skipped because terminals redefine them, so they are not predictable).
    static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        func level(_ v: UInt8) -> Int {
            let v = Int(v)
            return v < 48 ? 0 : (v < 115 ? 1 : (v - 35) / 40)
        }
        let (lr, lg, lb) = (level(r), level(g), level(b))
        let cube = UInt8(16 + 36 * lr + 6 * lg + lb)
        let avg = (Int(r) + Int(g) + Int(b)) / 3
        let greyIndex = avg > 238 ? 23 : max(0, (avg - 3) / 10)
        let grey = UInt8(232 + min(greyIndex, 23))
        return distance(rgbOf(index: cube), (r, g, b)) <= distance(rgbOf(index: grey), (r, g, b)) ? cube : grey
    }

    private static func nearest(_ r: UInt8, _ g: UInt8, _ b: UInt8, in range: Range<Int>) -> UInt8 {
        var best = range.lowerBound
        var bestDistance = Int.max
        for i in range {
            let d = distance(basic[i], (r, g, b))
            if d < bestDistance { best = i; bestDistance = d }
        }
        return UInt8(best)
    }

    /// Weighted RGB distance ("redmean"), cheap and better than plain Euclidean for picking neighbours.
    private static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Int {
        let rm = (Int(a.0) + Int(b.0)) / 2
        let dr = Int(a.0) - Int(b.0), dg = Int(a.1) - Int(b.1), db = Int(a.2) - Int(b.2)
        // Parenthesised: in Swift `>>` binds tighter than `*`.
        return (((512 + rm) * dr * dr) >> 8) + 4 * dg * dg + (((767 - rm) * db * db) >> 8)
    }
}
