import Foundation
import Testing
import TobanCore
@testable import TobanConsole
import TobanTestSupport

@Suite struct KeyNotationTests {
    @Test func parsesSingleNamedAndMultiKeys() {
        #expect(KeyNotation.parse("j") == [.character("j")])
        #expect(KeyNotation.parse("gg") == [.character("g"), .character("g")])
        #expect(KeyNotation.parse("<F9>") == [.function(9)])
        #expect(KeyNotation.parse("<C-f>") == [.ctrl("f")])
        #expect(KeyNotation.parse("<c-F>") == [.ctrl("f")])
        #expect(KeyNotation.parse("<PgDn>") == [.pageDown])
        #expect(KeyNotation.parse("<Space>") == [.character(" ")])
        #expect(KeyNotation.parse("<lt>") == [.character("<")])
        #expect(KeyNotation.parse("g<Down>") == [.character("g"), .down])
        #expect(KeyNotation.parse("株") == [.character("株")])
    }

    @Test func rejectsGarbage() {
        for bad in ["", "<F99>", "<F0>", "<C-1>", "<Foo>", "<F9", "<>", "a\u{1b}"] {
            #expect(KeyNotation.parse(bad) == nil, "\(bad.debugDescription)")
        }
    }

    @Test func notationRoundTrips() {
        let keys: [Key] = [.character("a"), .character(" "), .character("<"), .ctrl("w"), .up, .down, .left, .right,
                           .pageUp, .pageDown, .home, .end, .enter, .escape, .backspace, .delete, .tab, .backTab, .function(12)]
        for k in keys { #expect(KeyNotation.parse(k.notation) == [k], "\(k)") }
    }
}

@Suite struct KeymapTests {
    let map = Keymap.defaults

    @Test func defaultsFollowVimAndK9s() {
        #expect(map.action(for: [.character("j")], in: .queue) == .moveDown)
        #expect(map.action(for: [.down], in: .queue) == .moveDown)
        #expect(map.action(for: [.character("k")], in: .detail) == .moveUp)
        #expect(map.action(for: [.character("g"), .character("g")], in: .queue) == .top)
        #expect(map.action(for: [.character("G")], in: .queue) == .bottom)
        #expect(map.action(for: [.ctrl("f")], in: .queue) == .pageDown)
        #expect(map.action(for: [.ctrl("b")], in: .queue) == .pageUp)
        #expect(map.action(for: [.pageDown], in: .endpoints) == .pageDown)
        #expect(map.action(for: [.enter], in: .queue) == .drillIn)
        #expect(map.action(for: [.escape], in: .detail) == .back)
        #expect(map.action(for: [.character("q")], in: .detail) == .back)
        #expect(map.action(for: [.character("/")], in: .queue) == .filter)
        #expect(map.action(for: [.character(":")], in: .queue) == .command)
        #expect(map.action(for: [.character("?")], in: .queue) == .help)
        #expect(map.action(for: [.character("v")], in: .queue) == .toggleMark)
        #expect(map.action(for: [.character(" ")], in: .queue) == .toggleMark)
        #expect(map.action(for: [.character("a")], in: .queue) == .acknowledge)
        #expect(map.action(for: [.character("c")], in: .queue) == .claim)
        #expect(map.action(for: [.character("u")], in: .queue) == .undo)
        #expect(map.action(for: [.character("n")], in: .queue) == .jumpToNew)
        #expect(map.action(for: [.character("e")], in: .queue) == .viewEndpoints)
        for n in 1...7 {
            #expect(map.action(for: [.function(n)], in: .queue) == .disposition(n))
            #expect(map.action(for: [.character(Character(String(n)))], in: .queue) == .disposition(n))
            #expect(map.action(for: [.function(n)], in: .detail) == .disposition(n))
        }
        #expect(map.action(for: [.function(8)], in: .queue) == .noAction)
        #expect(map.action(for: [.function(9)], in: .queue) == .escalate)
        #expect(map.action(for: [.character("9")], in: .detail) == .escalate)
    }

    @Test func contextsAreSeparate() {
        #expect(map.action(for: [.character("a")], in: .endpoints) == nil) // acknowledging is for detections
        #expect(map.action(for: [.character("s")], in: .endpoints) == .markSuspect)
        #expect(map.action(for: [.character("s")], in: .queue) == nil)
        // a prompt does not inherit global keys: "q" must be typeable in a filter
        #expect(map.action(for: [.character("q")], in: .prompt) == nil)
        #expect(map.action(for: [.character("j")], in: .prompt) == nil)
        #expect(map.action(for: [.enter], in: .prompt) == .submit)
        #expect(map.action(for: [.escape], in: .prompt) == .cancel)
        // help's own "?" shadows the global "?" (help → back)
        #expect(map.action(for: [.character("?")], in: .help) == .back)
    }

    @Test func noSequenceIsBoundTwiceInAContext() {
        for context in KeyContext.allCases {
            let seqs = (map.bindings[context] ?? []).map(\.keys)
            #expect(Set(seqs).count == seqs.count, "\(context)")
        }
    }

    @Test func overridesReplaceDefaults() {
        let config: ConfigValue = .table([
            "queue": .table([
                "acknowledge": .string("A"),
                "disposition_1": .array([.string("<F1>"), .string("!")]),
                "jump_to_new": .array([]),
            ]),
            "global": .table(["page_down": .string("<C-d>")]),
        ])
        let (keymap, problems) = Keymap.load(overrides: config, file: "toban.toml")
        #expect(problems.isEmpty, "\(problems)")
        #expect(keymap.action(for: [.character("A")], in: .queue) == .acknowledge)
        #expect(keymap.action(for: [.character("a")], in: .queue) == nil)
        #expect(keymap.action(for: [.character("!")], in: .queue) == .disposition(1))
        #expect(keymap.action(for: [.character("1")], in: .queue) == nil)
        #expect(keymap.action(for: [.character("n")], in: .queue) == nil)
        #expect(keymap.action(for: [.ctrl("d")], in: .queue) == .pageDown)
        #expect(keymap.action(for: [.ctrl("f")], in: .queue) == nil)
        // untouched contexts keep their defaults
        #expect(keymap.action(for: [.character("a")], in: .detail) == .acknowledge)
    }

    @Test func overrideStealsAKeyFromAnotherAction() {
        let (keymap, problems) = Keymap.load(overrides: .table(["queue": .table(["escalate": .string("a")])]), file: "t")
        #expect(problems.isEmpty)
        #expect(keymap.action(for: [.character("a")], in: .queue) == .escalate)
        #expect(keymap.keys(for: .acknowledge, in: .queue).isEmpty)
    }

    @Test func reportsUnknownActionsContextsAndKeys() {
        let config: ConfigValue = .table([
            "queue": .table([
                "acknowlege": .string("A"),
                "claim": .string("<F99>"),
                "escalate": .integer(9),
                "undo": .array([.string("u"), .string("<Ctrl-z>")]),
            ]),
            "queu": .table([:]),
        ])
        let (keymap, problems) = Keymap.load(overrides: config, file: "toban.toml")
        #expect(Set(problems.map(\.key)) == ["keys.queue.acknowlege", "keys.queue.claim", "keys.queue.escalate",
                                             "keys.queue.undo", "keys.queu"])
        #expect(problems.first { $0.key == "keys.queue.claim" }?.reason.contains("<F99>") == true)
        // a broken override leaves the default in place instead of unbinding the action
        #expect(keymap.action(for: [.character("c")], in: .queue) == .claim)
        #expect(keymap.action(for: [.character("u")], in: .queue) == .undo)
    }

    @Test func noOverridesIsDefaults() {
        let (keymap, problems) = Keymap.load(overrides: nil, file: "t")
        #expect(keymap == .defaults && problems.isEmpty)
    }

    @Test func actionNamesRoundTrip() {
        for a in Action.allCases {
            #expect(Action(configName: a.configName) == a)
            #expect(!a.summary.isEmpty)
        }
        #expect(Set(Action.allCases.map(\.configName)).count == Action.allCases.count)
    }
}

@Suite struct KeySequenceMatcherTests {
    let map = Keymap.defaults

    @Test func ggWaitsThenFires() {
        var m = KeySequenceMatcher()
        #expect(m.feed(.character("g"), in: .queue, keymap: map) == [])
        #expect(m.pending == [.character("g")])
        #expect(m.feed(.character("g"), in: .queue, keymap: map) == [.action(.top)])
        #expect(m.pending.isEmpty)
    }

    @Test func differentKeyCancelsPrefixAndIsMatchedAlone() {
        var m = KeySequenceMatcher()
        _ = m.feed(.character("g"), in: .queue, keymap: map)
        #expect(m.feed(.character("j"), in: .queue, keymap: map) == [.action(.moveDown)])
        _ = m.feed(.character("g"), in: .queue, keymap: map)
        #expect(m.feed(.character("x"), in: .queue, keymap: map) == [.unbound(.character("x"))])
        #expect(m.pending.isEmpty)
    }

    @Test func escapeOnlyCancelsAPendingSequence() {
        var m = KeySequenceMatcher()
        _ = m.feed(.character("g"), in: .queue, keymap: map)
        #expect(m.feed(.escape, in: .queue, keymap: map) == [])
        #expect(m.feed(.escape, in: .queue, keymap: map) == [.action(.back)])
    }

    @Test func shorterBindingFiresWhenLongerDoesNotComplete() {
        var custom = Keymap.defaults
        custom.setKeys([[.character("g")]], for: .viewQueue, in: .queue) // "g" and "gg" both bound
        var m = KeySequenceMatcher()
        #expect(m.feed(.character("g"), in: .queue, keymap: custom) == []) // could still become gg
        #expect(m.feed(.character("k"), in: .queue, keymap: custom) == [.action(.viewQueue), .action(.moveUp)])
        _ = m.feed(.character("g"), in: .queue, keymap: custom)
        #expect(m.flush(in: .queue, keymap: custom) == [.action(.viewQueue)])
    }

    @Test func singleKeysFireImmediately() {
        var m = KeySequenceMatcher()
        #expect(m.feed(.function(9), in: .queue, keymap: map) == [.action(.escalate)])
        #expect(m.feed(.character("Z"), in: .queue, keymap: map) == [.unbound(.character("Z"))])
    }
}

@Suite struct HelpContentTests {
    @Test func listsEveryBoundActionPerContext() {
        let help = HelpContent(keymap: .defaults)
        for context in KeyContext.allCases {
            let bound = Set((Keymap.defaults.bindings[context] ?? []).map(\.action))
            let section = help.sections.first { $0.context == context }
            #expect(Set(section?.entries.compactMap(\.action) ?? []) == bound, "\(context)")
        }
        #expect(help.actions == Set(KeyContext.allCases.flatMap { (Keymap.defaults.bindings[$0] ?? []).map(\.action) }))
    }

    @Test func showsAllKeysOfAnAction() {
        let help = HelpContent(keymap: .defaults)
        let global = help.sections.first { $0.context == .global }!
        #expect(global.entries.first { $0.action == .moveDown }?.keys == "j, ↓")
        #expect(global.entries.first { $0.action == .top }?.keys == "gg, Home")
        let queue = help.sections.first { $0.context == .queue }!
        #expect(queue.entries.first { $0.action == .disposition(3) }?.keys == "F3, 3")
        #expect(queue.entries.first { $0.action == .toggleMark }?.keys == "v, Space")
    }

    @Test func followsOverrides() {
        let (keymap, _) = Keymap.load(overrides: .table(["queue": .table(["acknowledge": .string("A")])]), file: "t")
        let queue = HelpContent(keymap: keymap).sections.first { $0.context == .queue }!
        #expect(queue.entries.first { $0.action == .acknowledge }?.keys == "A")
    }

    @Test func includesLineEditingFromTheEditorTable() {
        let help = HelpContent(keymap: .defaults)
        let editing = help.sections.last!
        #expect(editing.context == nil)
        #expect(editing.entries.contains { $0.keys == "Ctrl-u" && $0.summary.contains("start of the line") })
        #expect(editing.entries.contains { $0.keys == "Ctrl-w" })
    }

    @Test func includesTheFilterLanguageAndEveryCommand() {
        let help = HelpContent(keymap: .defaults)
        let filter = try? #require(help.sections.first { $0.title.hasPrefix("Filter language") })
        for key in FilterQuery.keys {
            #expect(filter?.entries.contains { $0.keys.contains(key + ":") || $0.keys.contains(key + "~") } == true, "\(key)")
        }
        let commands = try? #require(help.sections.first { $0.title.hasPrefix("Commands") })
        for name in ConsoleCommandLine.commands {
            #expect(commands?.entries.contains { $0.keys.contains(":" + name) } == true, ":\(name)")
        }
        var g = CellGrid(width: 80, height: 400)
        #expect(help.render(into: &g, area: g.bounds) == help.lineCount)
    }

    @Test func rendersIntoAGrid() {
        var g = CellGrid(width: 60, height: 8)
        let total = HelpContent(keymap: .defaults).render(into: &g, area: g.bounds)
        #expect(total > 8)
        #expect(g.rowText(0) == "Everywhere")
        #expect(g.rowText(1).hasPrefix("  j, ↓"))
        #expect(g.rowText(1).hasSuffix("Move down"))
    }
}

@Suite struct LabelTableTests {
    /// A duplicate key in the Japanese table would trap the first time it is read.
    @Test func japaneseTableLoadsAndCoversEveryHelpLine() {
        let ja = Labels(.ja)
        #expect(ja("open") == "開く")
        let help = HelpContent(keymap: .defaults, labels: ja)
        let english = HelpContent(keymap: .defaults)
        for (a, b) in zip(help.sections.flatMap(\.entries), english.sections.flatMap(\.entries)) where b.action.map({ if case .disposition = $0 { return false } else { return true } }) ?? true {
            #expect(a.summary != b.summary, "untranslated help line: \(b.summary)")
        }
        for (a, b) in zip(help.sections, english.sections) { #expect(a.title != b.title, "untranslated section: \(b.title)") }
    }
}

extension LabelTableTests {
    /// Every text the console's sources pass through the label table has its Japanese, so
    /// a `ja` screen never shows a stray English line the table forgot.
    @Test func everyLabelledTextHasItsJapanese() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/TobanConsole")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        let pattern = try Regex(#"labels(?:\.fill)?\(\s*"((?:[^"\\]|\\.)*)""#)
        var checked = 0
        for case let url as URL in files where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            for match in text.matches(of: pattern) {
                guard let literal = match.output[1].substring.map(String.init) else { continue }
                let english = literal.replacingOccurrences(of: "\\\"", with: "\"")
                #expect(Labels(.ja)(english) != english, "no Japanese for \"\(english)\" (\(url.lastPathComponent))")
                checked += 1
            }
        }
        #expect(checked > 100)
    }
}
