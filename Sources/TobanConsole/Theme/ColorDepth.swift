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
