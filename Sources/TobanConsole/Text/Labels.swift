import TobanCore

/// The console's one language (`console.language`): every hint and prompt comes from this
/// table, so a screen never mixes two. Japanese domain terms may stand in parentheses in
/// English ("suspect (被疑)").
public enum ConsoleLanguage: String, Sendable, CaseIterable {
    case en, ja
}

public struct Labels: Sendable, Equatable {
    public var language: ConsoleLanguage

    public init(_ language: ConsoleLanguage = .en) { self.language = language }

    /// `text` (English) in the console's language.
    public func callAsFunction(_ text: String) -> String {
        language == .ja ? Self.japaneseText[text] ?? text : text
    }

    /// A domain term of a kind ("state", "outcome", "n" for a notification's state, "k"
    /// for its kind): as it is in English, from the table in Japanese.
    public func term(_ kind: String, _ value: String) -> String {
        language == .ja ? Self.japaneseText[kind + ":" + value] ?? value : value
    }

    /// A template with `{}` holes ("Same endpoint ({})"), translated, then filled in order.
    public func fill(_ template: String, _ values: String...) -> String {
        var out = self(template)
        for v in values {
            guard let hole = out.range(of: "{}") else { break }
            out.replaceSubrange(hole, with: v)
        }
        return out
    }

    /// An action's line in help.
    public func summary(_ action: Action) -> String {
        guard language == .ja else { return action.summary }
        if case .disposition(let n) = action {
            return "クローズ: " + (Disposition(category: n)?.label ?? "category \(n)")
        }
        return Self.japaneseActions[action.configName] ?? action.summary
    }

    /// Table columns with their titles in the console's language.
    func columns(_ columns: [TableColumn]) -> [TableColumn] {
        guard language == .ja else { return columns }
        return columns.map { c in
            var t = c
            t.title = SafeText(self(c.title.string))
            return t
        }
    }

    /// An endpoint verdict: "suspect (被疑)" in English, "被疑" in Japanese.
    public func status(_ s: EndpointStatus) -> String {
        switch language {
        case .ja: return s.japaneseName
        case .en: return s == .none ? "none" : "\(s.rawValue) (\(s.japaneseName))"
        }
    }
}
