import TobanCore

/// Themes compiled into the binary, so the console works with no files at all (a fresh
/// jump host, a broken config directory). `dark` is identical to `themes/dark.toml`; a test
/// loads that file and compares.
public enum BuiltinThemes {
    public static let dark: Theme = {
        let (theme, problems) = ThemeLoader.load(config(darkTables, name: "dark"), file: "<built-in dark>")
        assert(problems.isEmpty, "built-in theme has problems: \(problems)")
        return theme
    }()

    /// The built-in theme called `name`, if there is one.
    public static func named(_ name: String) -> Theme? {
        switch name.lowercased() {
        case "dark", "default": return dark
        default: return nil
        }
    }

    /// Builds the theme-file tree from the compact notation below:
    /// `"fg=#c0caf5 bg=default bold"` → `{ fg = "#c0caf5", bg = "default", bold = true }`.
    static func config(_ tables: [String: [String: String]], name: String) -> ConfigValue {
        var root: [String: ConfigValue] = ["name": .string(name)]
        for (variant, roles) in tables {
            var t: [String: ConfigValue] = [:]
            for (role, spec) in roles {
                var style: [String: ConfigValue] = [:]
                for token in spec.split(separator: " ") {
                    if let eq = token.firstIndex(of: "=") {
                        let key = String(token[..<eq]), value = String(token[token.index(after: eq)...])
                        style[key] = Int(value).map(ConfigValue.integer) ?? .string(value)
                    } else {
                        style[String(token)] = .bool(true)
                    }
                }
                t[role] = .table(style)
            }
            root[variant] = .table(t)
        }
        return .table(root)
    }

    // Must match themes/dark.toml role for role; edit both together (a test compares them).
    static let darkTables: [String: [String: String]] = [
        "truecolor": [
            "text": "fg=#c0caf5",
            "muted": "fg=#737aa2",
            "header": "fg=#7aa2f7 bold",
            "footer": "fg=#a9b1d6 bg=#1f2335",
            "title": "fg=#bb9af7 bold",
            "border": "fg=#3b4261",
            "selection": "fg=#c0caf5 bg=#364a82 bold",
            "marked": "fg=#e0af68 bold",
            "new_arrivals": "fg=#1a1b26 bg=#e0af68 bold",
            "urgency_p1": "fg=#ff5370 bold",
            "urgency_p2": "fg=#ff9e64 bold",
            "urgency_p3": "fg=#e0af68",
            "urgency_p4": "fg=#7dcfff",
            "urgency_p5": "fg=#737aa2",
            "ok": "fg=#9ece6a",
            "warn": "fg=#e0af68",
            "error": "fg=#f7768e bold",
            "accent": "fg=#7dcfff",
            "status_new": "fg=#ff9e64 bold",
            "status_ack": "fg=#7aa2f7",
            "status_escalated": "fg=#f7768e bold",
            "status_closed": "fg=#565f89",
            "input": "fg=#c0caf5 bg=#292e42",
            "input_error": "fg=#f7768e bg=#292e42 bold",
            "key_hint": "fg=#7dcfff bold",
            "sparkline": "fg=#7aa2f7",
        ],
        "c256": [
            "text": "fg=153",
            "muted": "fg=103",
            "header": "fg=111 bold",
            "footer": "fg=146 bg=235",
            "title": "fg=141 bold",
            "border": "fg=239",
            "selection": "fg=153 bg=60 bold",
            "marked": "fg=179 bold",
            "new_arrivals": "fg=234 bg=179 bold",
            "urgency_p1": "fg=203 bold",
            "urgency_p2": "fg=215 bold",
            "urgency_p3": "fg=179",
            "urgency_p4": "fg=117",
            "urgency_p5": "fg=103",
            "ok": "fg=149",
            "warn": "fg=179",
            "error": "fg=210 bold",
            "accent": "fg=117",
            "status_new": "fg=215 bold",
            "status_ack": "fg=111",
            "status_escalated": "fg=210 bold",
            "status_closed": "fg=60",
            "input": "fg=153 bg=236",
            "input_error": "fg=210 bg=236 bold",
            "key_hint": "fg=117 bold",
            "sparkline": "fg=111",
        ],
        "c16": [
            "text": "fg=default",
            "muted": "fg=bright-black",
            "header": "fg=bright-blue bold",
            "footer": "fg=white bg=blue",
            "title": "fg=bright-magenta bold",
            "border": "fg=bright-black",
            "selection": "fg=black bg=cyan bold",
            "marked": "fg=yellow bold",
            "new_arrivals": "fg=black bg=yellow bold",
            "urgency_p1": "fg=bright-red bold",
            "urgency_p2": "fg=yellow bold",
            "urgency_p3": "fg=yellow",
            "urgency_p4": "fg=cyan",
            "urgency_p5": "fg=bright-black",
            "ok": "fg=green",
            "warn": "fg=yellow",
            "error": "fg=bright-red bold",
            "accent": "fg=cyan",
            "status_new": "fg=yellow bold",
            "status_ack": "fg=blue",
            "status_escalated": "fg=bright-red bold",
            "status_closed": "fg=bright-black",
            "input": "fg=default underline",
            "input_error": "fg=bright-red bold underline",
            "key_hint": "fg=cyan bold",
            "sparkline": "fg=blue",
        ],
        "mono": [
            "text": "",
            "muted": "dim",
            "header": "bold",
            "footer": "reverse",
            "title": "bold",
            "border": "dim",
            "selection": "reverse",
            "marked": "bold underline",
            "new_arrivals": "reverse bold",
            "urgency_p1": "bold underline",
            "urgency_p2": "bold",
            "urgency_p3": "",
            "urgency_p4": "dim",
            "urgency_p5": "dim",
            "ok": "",
            "warn": "bold",
            "error": "bold underline",
            "accent": "bold",
            "status_new": "bold",
            "status_ack": "",
            "status_escalated": "bold underline",
            "status_closed": "dim",
            "input": "underline",
            "input_error": "bold underline",
            "key_hint": "bold",
            "sparkline": "",
        ],
    ]
}
