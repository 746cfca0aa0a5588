/// Text attributes a terminal can show without colour.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let dim = TextAttributes(rawValue: 1 << 1)
    public static let reverse = TextAttributes(rawValue: 1 << 2)
    public static let underline = TextAttributes(rawValue: 1 << 3)
    public static let italic = TextAttributes(rawValue: 1 << 4)

    /// Theme-file keys, in a stable order.
    public static let named: [(String, TextAttributes)] = [
        ("bold", .bold), ("dim", .dim), ("reverse", .reverse), ("underline", .underline), ("italic", .italic),
    ]
}

/// How a role looks: colours plus attributes.
public struct Style: Hashable, Sendable, CustomStringConvertible {
    public var fg: Color
    public var bg: Color
    public var attributes: TextAttributes

    public init(fg: Color = .default, bg: Color = .default, attributes: TextAttributes = []) {
        self.fg = fg
        self.bg = bg
        self.attributes = attributes
    }

    public static let plain = Style()

    /// The same style with colours fitted to `depth`.
    ///
    /// On an 8-colour terminal a bright foreground becomes its basic colour plus bold: the
    /// Linux console and xterm draw bold as bright, and without it `bright-black` (muted
    /// text) would turn into black on a black background.
    public func fitted(to depth: ColorDepth) -> Style {
        var attributes = attributes
        if depth == .c8, case .index(let i) = fg.fitted(to: .c16), (8..<16).contains(i) {
            attributes.insert(.bold)
        }
        return Style(fg: fg.fitted(to: depth), bg: bg.fitted(to: depth), attributes: attributes)
    }

    public var description: String {
        var parts = ["fg=\(fg)", "bg=\(bg)"]
        for (name, a) in TextAttributes.named where attributes.contains(a) { parts.append(name) }
        return parts.joined(separator: " ")
    }
}
