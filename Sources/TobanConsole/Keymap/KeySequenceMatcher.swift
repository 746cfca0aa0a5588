/// Turns key presses into actions, waiting when a key starts a longer binding
/// (`g` of `gg`). The next key either completes the sequence, or resolves it: the
/// shorter binding fires if there is one, otherwise the prefix is dropped, and the new
/// key is then matched on its own. Esc while waiting only cancels.
public struct KeySequenceMatcher: Equatable, Sendable {
    public enum Outcome: Equatable, Sendable {
        case action(Action)
        /// No binding; a prompt may insert it as text, a list ignores it.
        case unbound(Key)
    }

    /// Keys typed so far of an unfinished sequence (the footer can show `g…`).
    public private(set) var pending: [Key] = []

    public init() {}

    public mutating func feed(_ key: Key, in context: KeyContext, keymap: Keymap) -> [Outcome] {
        if key == .escape && !pending.isEmpty {
            pending = []
            return []
        }
        let candidate = pending + [key]
        if keymap.isProperPrefix(candidate, in: context) {
            pending = candidate
            return []
        }
        if let action = keymap.action(for: candidate, in: context) {
            pending = []
            return [.action(action)]
        }
        if pending.isEmpty { return [.unbound(key)] }
        let resolved = flush(in: context, keymap: keymap)
        return resolved + feed(key, in: context, keymap: keymap)
    }

    /// Resolves an unfinished sequence (e.g. after a pause or a context switch).
    public mutating func flush(in context: KeyContext, keymap: Keymap) -> [Outcome] {
        defer { pending = [] }
        if !pending.isEmpty, let action = keymap.action(for: pending, in: context) { return [.action(action)] }
        return []
    }

    public mutating func reset() { pending = [] }
}
