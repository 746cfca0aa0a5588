import TobanCore

/// A named set of styles, one table per colour depth, so a theme can choose real
/// alternatives for each terminal (a 16-colour palette is not a blurred truecolor one).
///
/// Any table and any role may be missing: `palette(for:)` looks for the role in the
/// table for the terminal's depth, then in the richer tables (downsampled), then in the
/// poorer ones, and finally in the fallback theme (the built-in dark theme).
public struct Theme: Equatable, Sendable {
    /// The tables a theme file may hold, named as in the file.
    public enum Variant: String, CaseIterable, Sendable {
        case truecolor, c256, c16, mono

        /// The richest colour a table may use.
        var maximumDepth: ColorDepth {
            switch self {
            case .truecolor: return .truecolor
            case .c256: return .c256
            case .c16: return .c16
            case .mono: return .mono
            }
        }
    }

    public var name: String
    public var variants: [Variant: [StyleRole: Style]]

    public init(name: String, variants: [Variant: [StyleRole: Style]]) {
        self.name = name
        self.variants = variants
    }

    /// Tables to search for a role, best first.
    static func searchOrder(for depth: ColorDepth) -> [Variant] {
        switch depth {
        case .truecolor: return [.truecolor, .c256, .c16, .mono]
        case .c256: return [.c256, .truecolor, .c16, .mono]
        case .c16, .c8: return [.c16, .c256, .truecolor, .mono]
        case .mono: return [.mono]
        }
    }

    /// The style of `role`, if this theme defines it for some table usable at `depth`.
    public func style(for role: StyleRole, depth: ColorDepth) -> Style? {
        for v in Self.searchOrder(for: depth) {
            if let s = variants[v]?[role] { return s.fitted(to: depth) }
        }
        return nil
    }

    /// Every role resolved for one terminal: what the driver draws with.
    public func palette(for depth: ColorDepth, fallback: Theme? = BuiltinThemes.dark) -> Palette {
        var styles: [StyleRole: Style] = [:]
        for role in StyleRole.allCases {
            styles[role] = style(for: role, depth: depth) ?? fallback?.style(for: role, depth: depth) ?? Palette.lastResort(role)
        }
        return Palette(depth: depth, styles: styles)
    }
}

/// A theme resolved for one colour depth: every role has a style the terminal can show.
public struct Palette: Equatable, Sendable {
    public let depth: ColorDepth
    private let styles: [StyleRole: Style]

    public init(depth: ColorDepth, styles: [StyleRole: Style]) {
        self.depth = depth
        self.styles = styles
    }

    public subscript(role: StyleRole) -> Style { styles[role] ?? Self.lastResort(role) }

    /// Attributes that keep the console usable with no theme at all.
    static func lastResort(_ role: StyleRole) -> Style {
        switch role {
        case .selection, .input: return Style(attributes: .reverse)
        case .header, .title, .urgencyP1, .error, .statusNew, .newArrivals: return Style(attributes: .bold)
        case .muted, .statusClosed, .border: return Style(attributes: .dim)
        case .marked: return Style(attributes: .underline)
        default: return .plain
        }
    }
}
