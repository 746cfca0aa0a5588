import TobanCore

/// Reads a theme from a configuration tree (the executable parses the TOML).
///
/// Shape (documented again at the top of each shipped theme file):
///
///     name = "dark"
///     [truecolor]
///     text      = { fg = "#c0caf5", bg = "default" }
///     selection = { fg = "#1a1b26", bg = "#7aa2f7", bold = true }
///     [c256]   ...same, colours 0–255 or names...
///     [c16]    ...same, only the 16 named colours...
///     [mono]   ...attributes only (bold, dim, reverse, underline, italic)...
///
/// Problems are collected, never thrown: a typo in one role must not cost the analyst
/// the whole theme at 3 a.m.; the bad entry falls back and `toban config check` lists it.
public enum ThemeLoader {
    static let styleKeys: Set<String> = Set(["fg", "bg"] + TextAttributes.named.map(\.0))

    public static func load(_ config: ConfigValue, file: String, defaultName: String? = nil) -> (theme: Theme, problems: [ConfigProblem]) {
        let reader = ConfigReader(file: file)
        var theme = Theme(name: defaultName ?? "unnamed", variants: [:])
        guard let root = reader.table(config, at: "") else { return (theme, reader.problems) }
        reader.rejectUnknownKeys(root, known: Set(["name"] + Theme.Variant.allCases.map(\.rawValue)), at: "")
        if let name = reader.string(root["name"], at: "name") { theme.name = name }
        for variant in Theme.Variant.allCases {
            guard let table = reader.table(root[variant.rawValue], at: variant.rawValue) else { continue }
            var styles: [StyleRole: Style] = [:]
            for key in table.keys.sorted() {
                let path = "\(variant.rawValue).\(key)"
                guard let role = StyleRole(rawValue: key) else {
                    reader.problem(path, "unknown role (known: \(StyleRole.allCases.map(\.rawValue).joined(separator: ", ")))")
                    continue
                }
                if let style = readStyle(table[key], at: path, variant: variant, reader: reader) { styles[role] = style }
            }
            theme.variants[variant] = styles
        }
        return (theme, reader.problems)
    }

    private static func readStyle(_ value: ConfigValue?, at path: String, variant: Theme.Variant, reader: ConfigReader) -> Style? {
        guard let t = reader.table(value, at: path) else { return nil }
        reader.rejectUnknownKeys(t, known: styleKeys, at: path)
        var style = Style()
        if let fg = readColor(t["fg"], at: "\(path).fg", variant: variant, reader: reader) { style.fg = fg }
        if let bg = readColor(t["bg"], at: "\(path).bg", variant: variant, reader: reader) { style.bg = bg }
        for (name, attribute) in TextAttributes.named {
            if reader.bool(t[name], at: "\(path).\(name)") == true { style.attributes.insert(attribute) }
        }
        return style
    }

    private static func readColor(_ value: ConfigValue?, at path: String, variant: Theme.Variant, reader: ConfigReader) -> Color? {
        guard let value else { return nil }
        let color: Color?
        switch value {
        case .string(let s): color = Color(parsing: s)
        case .integer(let i) where (0...255).contains(i): color = .index(UInt8(i))
        default: color = nil
        }
        guard let color else {
            reader.problem(path, "not a colour: \(describe(value)) (use default, a name like red or bright-red, 0–255, or #rrggbb)")
            return nil
        }
        if color.minimumDepth > variant.maximumDepth {
            if variant == .mono {
                reader.problem(path, "[mono] takes attributes only, not colours")
            } else {
                reader.problem(path, "\(color) needs \(color.minimumDepth); [\(variant.rawValue)] allows at most \(variant.maximumDepth)")
            }
        }
        return color
    }

    private static func describe(_ value: ConfigValue) -> String {
        switch value {
        case .string(let s): return "\"\(s)\""
        case .integer(let i): return String(i)
        default: return value.kindName
        }
    }
}
