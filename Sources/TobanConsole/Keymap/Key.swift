/// One key press, decoded from the terminal.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    /// A printable character (including space).
    case character(Character)
    /// Control plus a letter, lower-cased: ctrl-f is `.ctrl("f")`.
    case ctrl(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, backspace, delete, tab, backTab
    /// F1…F24 (shifted F-keys arrive as F13 and up on most terminals).
    case function(Int)
    /// The terminal changed size; re-read it.
    case resize
    /// The input is gone (SSH session dropped, stdin closed).
    case eof

    /// The key in binding notation (`j`, `<C-f>`, `<PgDn>`, `<F9>`), the inverse of `KeyNotation.parse`.
    public var notation: String {
        switch self {
        case .character(" "): return "<Space>"
        case .character("<"): return "<lt>"
        case .character(let c): return String(c)
        case .ctrl(let c): return "<C-\(c)>"
        case .up: return "<Up>"
        case .down: return "<Down>"
        case .left: return "<Left>"
        case .right: return "<Right>"
        case .pageUp: return "<PgUp>"
        case .pageDown: return "<PgDn>"
        case .home: return "<Home>"
        case .end: return "<End>"
        case .enter: return "<Enter>"
        case .escape: return "<Esc>"
        case .backspace: return "<BS>"
        case .delete: return "<Del>"
        case .tab: return "<Tab>"
        case .backTab: return "<S-Tab>"
        case .function(let n): return "<F\(n)>"
        case .resize: return "<Resize>"
        case .eof: return "<EOF>"
        }
    }

    /// How help shows the key to a person (`↓`, `PgDn`, `Ctrl-f`, `F9`, `Space`).
    public var label: String {
        switch self {
        case .character(" "): return "Space"
        case .character(let c): return String(c)
        case .ctrl(let c): return "Ctrl-\(c)"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .function(let n): return "F\(n)"
        case .resize: return "Resize"
        case .eof: return "EOF"
        }
    }

    public var description: String { notation }
}

/// Binding notation, as in vim and the keymap config:
/// `j`, `G`, `gg` (two keys), `<C-f>`, `<PgDn>`, `<F9>`, `<Space>`, `<lt>` (a literal `<`).
public enum KeyNotation {
    static let named: [String: Key] = [
        "up": .up, "down": .down, "left": .left, "right": .right,
        "pgup": .pageUp, "pageup": .pageUp, "pgdn": .pageDown, "pagedown": .pageDown,
        "home": .home, "end": .end, "enter": .enter, "cr": .enter, "return": .enter,
        "esc": .escape, "escape": .escape, "bs": .backspace, "backspace": .backspace,
        "del": .delete, "delete": .delete, "tab": .tab, "s-tab": .backTab, "backtab": .backTab,
        "space": .character(" "), "lt": .character("<"),
    ]

    /// Parses a key sequence; nil if any part is not a key name or the sequence is empty.
    public static func parse(_ text: String) -> [Key]? {
        var keys: [Key] = []
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == "<", let close = text[i...].firstIndex(of: ">"), close > text.index(after: i) {
                let name = String(text[text.index(after: i)..<close])
                guard let key = parseNamed(name) else { return nil }
                keys.append(key)
                i = text.index(after: close)
                continue
            }
            // A lone "<" with no closing ">" is not a key: "<F9" is a typo, not three keys.
            if c == "<" { return nil }
            guard c.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else { return nil }
            keys.append(.character(c))
            i = text.index(after: i)
        }
        return keys.isEmpty ? nil : keys
    }

    private static func parseNamed(_ name: String) -> Key? {
        let lower = name.lowercased()
        if let k = named[lower] { return k }
        if lower.hasPrefix("c-"), name.count == 3, let ch = lower.last, ch.isLetter, ch.isASCII {
            return .ctrl(ch)
        }
        if lower.hasPrefix("f"), let n = Int(lower.dropFirst()), (1...24).contains(n) { return .function(n) }
        return nil
    }

    public static func format(_ keys: [Key]) -> String { keys.map(\.notation).joined() }

    /// For help: `g g` for sequences, single keys as their label.
    public static func label(_ keys: [Key]) -> String {
        if keys.allSatisfy({ if case .character(let c) = $0, c != " " { return true } else { return false } }) {
            return keys.map(\.label).joined()
        }
        return keys.map(\.label).joined(separator: " ")
    }
}
