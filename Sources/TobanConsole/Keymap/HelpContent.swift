/// The help screen's content, generated from the keymap in effect, so help can never
/// disagree with what the keys do.
public struct HelpContent: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        /// Keys as shown to the analyst, e.g. `j, ↓`.
        public var keys: String
        public var summary: String
        /// The action, or nil for built-in line-editing keys.
        public var action: Action?
    }

    public struct Section: Equatable, Sendable {
        public var title: String
        public var context: KeyContext?
        public var entries: [Entry]
    }

    public let sections: [Section]

    public init(keymap: Keymap, contexts: [KeyContext] = KeyContext.allCases, includeLineEditing: Bool = true,
                includeGrammars: Bool = true, labels: Labels = Labels()) {
        var sections: [Section] = []
        for context in contexts {
            let list = keymap.bindings[context] ?? []
            var order: [Action] = []
            var keysByAction: [Action: [String]] = [:]
            for b in list {
                if keysByAction[b.action] == nil { order.append(b.action) }
                keysByAction[b.action, default: []].append(KeyNotation.label(b.keys))
            }
            guard !order.isEmpty else { continue }
            let entries = order.map { Entry(keys: keysByAction[$0]!.joined(separator: ", "), summary: labels.summary($0), action: $0) }
            sections.append(Section(title: labels(context.title), context: context, entries: entries))
        }
        if includeGrammars {
            sections.append(Section(title: labels("Filter language (/): terms are ANDed"), context: nil,
                                    entries: FilterQuery.grammar.map { Entry(keys: $0.example, summary: labels($0.meaning), action: nil) }))
            sections.append(Section(title: labels("Commands (:), Tab completes"), context: nil,
                                    entries: ConsoleCommandLine.grammar.map { Entry(keys: $0.usage, summary: labels($0.meaning), action: nil) }))
        }
        if includeLineEditing {
            var order: [String] = []
            var keysBySummary: [String: [String]] = [:]
            for (key, _, summary) in TextInput.editingKeys {
                if keysBySummary[summary] == nil { order.append(summary) }
                keysBySummary[summary, default: []].append(key.label)
            }
            sections.append(Section(title: labels("Line editing (filter and command line)"), context: nil,
                                    entries: order.map { Entry(keys: keysBySummary[$0]!.joined(separator: ", "), summary: labels($0), action: nil) }))
        }
        self.sections = sections
    }

    /// Every action that appears somewhere in help.
    public var actions: Set<Action> { Set(sections.flatMap { $0.entries.compactMap(\.action) }) }

    /// Lines the help takes (section titles and blank lines between sections included).
    public var lineCount: Int { sections.reduce(0) { $0 + $1.entries.count + 1 } + max(0, sections.count - 1) }

    /// Draws the help as a two-column list from `firstLine` (for scrolling); returns the total line count.
    @discardableResult
    public func render(into grid: inout CellGrid, area: Rect, firstLine: Int = 0) -> Int {
        var lines: [(keys: String, text: String, role: StyleRole)] = []
        for s in sections {
            if !lines.isEmpty { lines.append(("", "", .text)) }
            lines.append(("", s.title, .header))
            for e in s.entries { lines.append((e.keys, e.summary, .text)) }
        }
        let keyWidth = min(max(8, lines.map { DisplayWidth.of($0.keys) }.max() ?? 0), max(8, area.width / 3))
        for (i, line) in lines.dropFirst(max(0, firstLine)).prefix(area.height).enumerated() {
            let row = area.row + i
            if line.role == .header {
                grid.put(SafeText(line.text), row: row, col: area.col, maxWidth: area.width, role: .header, overflow: .ellipsis)
                continue
            }
            guard !line.keys.isEmpty || !line.text.isEmpty else { continue }
            grid.put(SafeText(line.keys), row: row, col: area.col + 2, maxWidth: keyWidth, role: .keyHint, overflow: .ellipsis)
            let textCol = area.col + 2 + keyWidth + 2
            grid.put(SafeText(line.text), row: row, col: textCol, maxWidth: area.maxCol - textCol, overflow: .ellipsis)
        }
        return lines.count
    }
}
