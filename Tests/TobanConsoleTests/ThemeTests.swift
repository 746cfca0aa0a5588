import Foundation
import Testing
import TobanCore
@testable import TobanConsole
import TobanTestSupport

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite struct ColorTests {
    @Test func parsesNamesIndexesAndHex() {
        #expect(Color(parsing: "default") == .default)
        #expect(Color(parsing: "red") == .index(1))
        #expect(Color(parsing: "bright-red") == .index(9))
        #expect(Color(parsing: "Bright_White") == .index(15))
        #expect(Color(parsing: "grey") == .index(8))
        #expect(Color(parsing: "208") == .index(208))
        #expect(Color(parsing: "#ff8000") == .rgb(255, 128, 0))
        #expect(Color(parsing: "#FF8000")?.description == "#ff8000")
        for bad in ["", "reddish", "256", "-1", "#ff80", "#gg0000", "bright-pink"] {
            #expect(Color(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func downsamplesTruecolor() {
        #expect(Color.rgb(255, 0, 0).fitted(to: .c256) == .index(196))
        #expect(Color.rgb(0, 0, 0).fitted(to: .c256) == .index(16))
        #expect(Color.rgb(128, 128, 128).fitted(to: .c256) == .index(244)) // grey ramp beats the cube
        #expect(Color.rgb(255, 0, 0).fitted(to: .c16) == .index(9))
        #expect(Color.rgb(200, 0, 0).fitted(to: .c8) == .index(1))
        #expect(Color.rgb(10, 10, 10).fitted(to: .c16) == .index(0))
        #expect(Color.index(9).fitted(to: .c8) == .index(1)) // bright red → red
        #expect(Color.index(196).fitted(to: .c16) == .index(9))
        #expect(Color.index(196).fitted(to: .mono) == .default)
        #expect(Color.rgb(1, 2, 3).fitted(to: .truecolor) == .rgb(1, 2, 3))
        #expect(Color.default.fitted(to: .c8) == .default)
    }

    @Test func brightForegroundOnEightColoursBecomesBold() {
        // muted text must not become black-on-black on the Linux console
        #expect(Style(fg: .index(8)).fitted(to: .c8) == Style(fg: .index(0), attributes: .bold))
        #expect(Style(fg: .rgb(255, 80, 80)).fitted(to: .c8) == Style(fg: .index(1), attributes: .bold))
        #expect(Style(fg: .index(1)).fitted(to: .c8) == Style(fg: .index(1)))
        #expect(Style(fg: .index(8)).fitted(to: .c16) == Style(fg: .index(8)))
        #expect(Style(bg: .index(12)).fitted(to: .c8) == Style(bg: .index(4))) // backgrounds just lose brightness
    }
}

@Suite struct ColorDepthTests {
    @Test func noColorWins() {
        #expect(ColorDepth.detect(environment: ["NO_COLOR": "1", "TERM": "xterm-256color", "COLORTERM": "truecolor"]) == .mono)
        // set but empty does not count (no-color.org)
        #expect(ColorDepth.detect(environment: ["NO_COLOR": "", "TERM": "xterm-256color"]) == .c256)
    }

    @Test func termRules() {
        #expect(ColorDepth.detect(environment: ["TERM": "vt100"]) == .mono)
        #expect(ColorDepth.detect(environment: ["TERM": "dumb"]) == .mono)
        #expect(ColorDepth.detect(environment: [:]) == .mono)
        #expect(ColorDepth.detect(environment: ["TERM": "xterm-256color"]) == .c256)
        #expect(ColorDepth.detect(environment: ["TERM": "tmux-256color"]) == .c256)
        #expect(ColorDepth.detect(environment: ["TERM": "xterm"]) == .c16)
        #expect(ColorDepth.detect(environment: ["TERM": "linux"]) == .c8)
        #expect(ColorDepth.detect(environment: ["TERM": "xterm-direct"]) == .truecolor)
        #expect(ColorDepth.detect(environment: ["TERM": "xterm-256color", "COLORTERM": "truecolor"]) == .truecolor)
        #expect(ColorDepth.detect(environment: ["TERM": "xterm-256color", "COLORTERM": "24bit"]) == .truecolor)
    }

    @Test func cappedByWhatTerminfoReports() {
        // COLORTERM says truecolor but terminfo only admits 256: ncurses can emit 256.
        #expect(ColorDepth.detect(environment: ["TERM": "xterm-256color", "COLORTERM": "truecolor"], reportedColors: 256) == .c256)
        #expect(ColorDepth.detect(environment: ["TERM": "xterm"], reportedColors: 8) == .c8)
        #expect(ColorDepth.detect(environment: ["TERM": "xterm-direct"], reportedColors: 1 << 24) == .truecolor)
        #expect(ColorDepth.detect(environment: ["TERM": "xterm-256color"], reportedColors: 0) == .mono)
    }

    @Test func bordersFollowLocaleAndTerminal() {
        #expect(BorderSet.choose(environment: ["LANG": "en_US.UTF-8", "TERM": "xterm"], depth: .c16) == .boxDrawing)
        #expect(BorderSet.choose(environment: ["LANG": "ja_JP.utf8", "TERM": "xterm"], depth: .c16) == .boxDrawing)
        #expect(BorderSet.choose(environment: ["LANG": "C", "TERM": "xterm-256color"], depth: .c256) == .ascii)
        #expect(BorderSet.choose(environment: ["TERM": "xterm"], depth: .c16) == .ascii) // no locale at all is C
        #expect(BorderSet.choose(environment: ["LANG": "ja_JP.eucJP", "TERM": "xterm"], depth: .c16) == .ascii)
        // LC_ALL overrides LANG; LC_CTYPE overrides LANG
        #expect(BorderSet.choose(environment: ["LANG": "en_US.UTF-8", "LC_ALL": "C", "TERM": "xterm"], depth: .c16) == .ascii)
        #expect(BorderSet.choose(environment: ["LANG": "C", "LC_CTYPE": "C.UTF-8", "TERM": "xterm"], depth: .c16) == .boxDrawing)
        #expect(BorderSet.choose(environment: ["LANG": "en_US.UTF-8", "TERM": "vt100"], depth: .mono) == .ascii)
    }
}

@Suite struct ThemeLoaderTests {
    func style(_ fields: [String: ConfigValue]) -> ConfigValue { .table(fields) }

    @Test func loadsVariantsAndResolvesPerDepth() {
        let config: ConfigValue = .table([
            "name": .string("test"),
            "truecolor": .table([
                "text": style(["fg": .string("#ff0000")]),
                "selection": style(["fg": .string("black"), "bg": .string("#00ff00"), "bold": .bool(true)]),
            ]),
            "c16": .table(["text": style(["fg": .string("yellow")])]),
            "mono": .table(["selection": style(["reverse": .bool(true), "underline": .bool(true)])]),
        ])
        let (theme, problems) = ThemeLoader.load(config, file: "test.toml")
        #expect(problems.isEmpty)
        #expect(theme.name == "test")
        let tc = theme.palette(for: .truecolor)
        #expect(tc[.text] == Style(fg: .rgb(255, 0, 0)))
        #expect(tc[.selection] == Style(fg: .index(0), bg: .rgb(0, 255, 0), attributes: .bold))
        // 256: no [c256] table, so [truecolor] downsampled
        #expect(theme.palette(for: .c256)[.text] == Style(fg: .index(196)))
        // 16: the [c16] table wins over downsampling
        #expect(theme.palette(for: .c16)[.text] == Style(fg: .index(3)))
        // 8: [c16] fitted down
        #expect(theme.palette(for: .c8)[.selection] == Style(fg: .index(0), bg: .index(2), attributes: .bold))
        // mono: own table; roles it lacks come from the built-in theme's mono table
        let mono = theme.palette(for: .mono)
        #expect(mono[.selection] == Style(attributes: [.reverse, .underline]))
        #expect(mono[.header] == BuiltinThemes.dark.palette(for: .mono)[.header])
        // a role the theme never mentions falls back to the built-in dark theme
        #expect(tc[.urgencyP1] == BuiltinThemes.dark.palette(for: .truecolor)[.urgencyP1])
        for depth in ColorDepth.allCases {
            let p = theme.palette(for: depth)
            for role in StyleRole.allCases {
                #expect(p[role].fg.minimumDepth <= depth && p[role].bg.minimumDepth <= max(depth, .mono))
            }
        }
    }

    @Test func reportsBadColoursRolesAndKeys() {
        let config: ConfigValue = .table([
            "name": .string("broken"),
            "truecolor": .table([
                "text": style(["fg": .string("reddish")]),
                "selectoin": style(["fg": .string("red")]),
                "header": style(["fg": .integer(300), "blod": .bool(true)]),
                "muted": .string("grey"),
                "error": style(["bold": .string("yes")]),
            ]),
            "c16": .table(["text": style(["fg": .string("#123456")])]),
            "c256": .table(["text": style(["fg": .string("#123456")])]),
            "mono": .table(["text": style(["fg": .string("red")])]),
            "c255": .table([:]),
        ])
        let (theme, problems) = ThemeLoader.load(config, file: "broken.toml")
        let keys = Set(problems.map(\.key))
        #expect(keys == ["truecolor.text.fg", "truecolor.selectoin", "truecolor.header.fg", "truecolor.header.blod",
                         "truecolor.muted", "truecolor.error.bold", "c16.text.fg", "c256.text.fg", "mono.text.fg", "c255"])
        #expect(problems.allSatisfy { $0.file == "broken.toml" })
        #expect(problems.first { $0.key == "truecolor.text.fg" }?.reason.contains("\"reddish\"") == true)
        #expect(problems.first { $0.key == "truecolor.selectoin" }?.reason.contains("unknown role") == true)
        // the bad colour is dropped, the good parts of the theme still load
        #expect(theme.variants[.truecolor]?[.text] == Style())
        #expect(theme.variants[.truecolor]?[.header] == Style())
    }

    @Test func notATableIsOneProblem() {
        let (theme, problems) = ThemeLoader.load(.string("dark"), file: "x.toml", defaultName: "x")
        #expect(problems.count == 1)
        #expect(theme.name == "x")
    }
}

@Suite struct ShippedThemeTests {
    static let names = ["dark", "light", "high-contrast", "mono"]

    func load(_ name: String) throws -> (Theme, [ConfigProblem]) {
        let url = repositoryRoot.appendingPathComponent("themes/\(name).toml")
        let text = try String(contentsOf: url, encoding: .utf8)
        return ThemeLoader.load(try MiniTOML.parse(text), file: "themes/\(name).toml")
    }

    @Test(arguments: names)
    func loadsWithoutProblems(name: String) throws {
        let (theme, problems) = try load(name)
        #expect(problems.isEmpty, "\(problems)")
        #expect(theme.name == name)
        #expect(theme.variants[.mono] != nil, "every theme must say how it looks without colour")
    }

    @Test(arguments: ["dark", "light", "high-contrast"])
    func colourThemesDefineEveryRoleAtEveryDepth(name: String) throws {
        let (theme, _) = try load(name)
        for variant in Theme.Variant.allCases {
            let missing = StyleRole.allCases.filter { theme.variants[variant]?[$0] == nil }
            #expect(missing.isEmpty, "\(name) [\(variant.rawValue)] lacks \(missing.map(\.rawValue))")
        }
    }

    @Test func builtinEqualsDarkFile() throws {
        let (file, _) = try load("dark")
        #expect(file == BuiltinThemes.dark)
        #expect(BuiltinThemes.dark.variants.count == 4)
    }

    @Test func monoThemeUsesNoColourAtAnyDepth() throws {
        let (theme, _) = try load("mono")
        for depth in ColorDepth.allCases {
            let p = theme.palette(for: depth)
            for role in StyleRole.allCases { #expect(p[role].fg == .default && p[role].bg == .default) }
        }
    }

    @Test func selectionIsDistinguishableFromTextEverywhere() throws {
        for name in Self.names {
            let (theme, _) = try load(name)
            for depth in ColorDepth.allCases {
                let p = theme.palette(for: depth)
                #expect(p[.selection] != p[.text], "\(name) at \(depth): selection looks like text")
            }
        }
    }
}

@Suite struct ThemeLocatorTests {
    @Test func candidateOrder() {
        let locator = ThemeLocator(environment: ["XDG_CONFIG_HOME": "/home/a/.cfg", "HOME": "/home/a"],
                                   workingDirectory: "/srv/toban", executablePath: "/repo/.build/debug/toban",
                                   fileExists: { _ in false }, readFile: { _ in "" })
        let c = locator.candidates(for: "light")
        #expect(Array(c.prefix(3)) == ["/home/a/.cfg/toban/themes/light.toml", "/srv/toban/themes/light.toml",
                                       "/repo/.build/debug/themes/light.toml"])
        #expect(c.contains("/repo/themes/light.toml"))
        let home = ThemeLocator(environment: ["HOME": "/home/b"], workingDirectory: "/w", executablePath: nil,
                                fileExists: { _ in false }, readFile: { _ in "" })
        #expect(home.candidates(for: "dark") == ["/home/b/.config/toban/themes/dark.toml", "/w/themes/dark.toml"])
        #expect(home.candidates(for: "my/theme.toml") == ["/w/my/theme.toml"])
        #expect(home.candidates(for: "/etc/t.toml") == ["/etc/t.toml"])
    }

    @Test func loadsFirstExistingFileThroughInjectedParser() {
        let files = ["/w/themes/night.toml": "unused by the fake parser"]
        let locator = ThemeLocator(environment: ["HOME": "/h"], workingDirectory: "/w", executablePath: nil,
                                   fileExists: { files[$0] != nil }, readFile: { files[$0]! })
        let (theme, problems, file) = locator.load("night") { text, file in
            #expect(text == "unused by the fake parser")
            #expect(file == "/w/themes/night.toml")
            return .table(["truecolor": .table(["text": .table(["fg": .string("#010203")])])])
        }
        #expect(problems.isEmpty)
        #expect(file == "/w/themes/night.toml")
        #expect(theme.name == "night") // from the file name when the file has no name
        #expect(theme.palette(for: .truecolor)[.text].fg == .rgb(1, 2, 3))
    }

    @Test func missingThemeFallsBackWithAProblem() {
        let locator = ThemeLocator(environment: [:], workingDirectory: "/w", executablePath: nil,
                                   fileExists: { _ in false }, readFile: { _ in "" })
        let (theme, problems, _) = locator.load("neon") { _, _ in .table([:]) }
        #expect(theme == BuiltinThemes.dark)
        #expect(problems.count == 1 && problems[0].reason.contains("not found"))
        let (dark, none, _) = locator.load("dark") { _, _ in .table([:]) }
        #expect(dark == BuiltinThemes.dark && none.isEmpty)
    }

    @Test func parseErrorFallsBackWithAProblem() {
        struct Bad: Error {}
        let locator = ThemeLocator(environment: [:], workingDirectory: "/w", executablePath: nil,
                                   fileExists: { _ in true }, readFile: { _ in "x" })
        let (theme, problems, _) = locator.load("dark") { _, _ in throw Bad() }
        #expect(theme == BuiltinThemes.dark)
        #expect(problems.count == 1 && problems[0].reason.contains("cannot read theme"))
    }
}
