/// How many colours the terminal at the other end of the SSH session can show.
public enum ColorDepth: Int, Comparable, CaseIterable, Sendable, CustomStringConvertible {
    case mono = 0, c8, c16, c256, truecolor

    public static func < (a: ColorDepth, b: ColorDepth) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .mono: return "mono"
        case .c8: return "8 colours"
        case .c16: return "16 colours"
        case .c256: return "256 colours"
        case .truecolor: return "truecolor"
        }
    }

    /// The depth a colour count reported by terminfo (`COLORS`) supports.
    public init(colorCount: Int) {
        switch colorCount {
        case (1 << 24)...: self = .truecolor
        case 256...: self = .c256
        case 16...: self = .c16
        case 8...: self = .c8
        default: self = .mono
        }
    }

    /// Chooses the depth from the environment, capped by what the terminal description
    /// reports (ncurses cannot emit more colours than terminfo admits, whatever
    /// `COLORTERM` claims). A pure function so every rule is testable.
    ///
    /// - `NO_COLOR` set and non-empty → mono (https://no-color.org).
    /// - `TERM` empty, `dumb`, or a hardware VT (`vt100`, `vt220`, …) → mono.
    /// - `COLORTERM=truecolor|24bit` or a `-direct` TERM → truecolor.
    /// - `TERM` containing `256color` → 256.
    /// - `linux` (the VGA console) → 8; other known emulators (`xterm`, `screen`, `tmux`, `rxvt`) → 16.
    /// - anything else → 8.
    public static func detect(environment env: [String: String], reportedColors: Int? = nil) -> ColorDepth {
        if let noColor = env["NO_COLOR"], !noColor.isEmpty { return .mono }
        let term = (env["TERM"] ?? "").lowercased()
        let colorterm = (env["COLORTERM"] ?? "").lowercased()
        let wanted: ColorDepth
        if term.isEmpty || term == "dumb" || term.hasPrefix("vt") {
            wanted = .mono
        } else if colorterm == "truecolor" || colorterm == "24bit" || term.hasSuffix("-direct") || term.contains("direct") {
            wanted = .truecolor
        } else if term.contains("256color") {
            wanted = .c256
        } else if term == "linux" || term.hasPrefix("linux-") {
            wanted = .c8
        } else if ["xterm", "screen", "tmux", "rxvt", "putty", "alacritty", "kitty", "foot", "wezterm"].contains(where: { term.hasPrefix($0) }) {
            wanted = .c16
        } else {
            wanted = .c8
        }
        guard let reportedColors else { return wanted }
        return min(wanted, ColorDepth(colorCount: reportedColors))
    }
}

/// Characters for lines and boxes.
public struct BorderSet: Equatable, Sendable {
    public var horizontal: Character
    public var vertical: Character
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    /// Whether block/box glyphs (▁▂▃, ─) may be used elsewhere too, e.g. in sparklines.
    public var isUnicode: Bool

    public static let boxDrawing = BorderSet(horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐",
                                             bottomLeft: "└", bottomRight: "┘", isUnicode: true)
    public static let ascii = BorderSet(horizontal: "-", vertical: "|", topLeft: "+", topRight: "+",
                                        bottomLeft: "+", bottomRight: "+", isUnicode: false)

    /// ASCII when the locale is not UTF-8 (ncurses would print box glyphs as mojibake) or on
    /// a monochrome hardware VT (no UTF-8 font); box drawing otherwise.
    public static func choose(environment env: [String: String], depth: ColorDepth) -> BorderSet {
        guard localeIsUTF8(environment: env) else { return .ascii }
        let term = (env["TERM"] ?? "").lowercased()
        if depth == .mono && (term.hasPrefix("vt") || term == "dumb" || term.isEmpty) { return .ascii }
        return .boxDrawing
    }

    /// The effective `LC_CTYPE` as POSIX resolves it (LC_ALL, then LC_CTYPE, then LANG)
    /// names a UTF-8 codeset. An unset locale is "C", which is not UTF-8.
    public static func localeIsUTF8(environment env: [String: String]) -> Bool {
        let locale = [env["LC_ALL"], env["LC_CTYPE"], env["LANG"]].compactMap { $0 }.first { !$0.isEmpty } ?? "C"
        let l = locale.lowercased()
        return l.contains("utf-8") || l.contains("utf8")
    }
}
