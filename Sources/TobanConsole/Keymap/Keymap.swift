import TobanCore

/// One key sequence bound to an action.
public struct KeyBinding: Hashable, Sendable {
    public var keys: [Key]
    public var action: Action

    public init(_ keys: [Key], _ action: Action) {
        self.keys = keys
        self.action = action
    }
}

/// Key sequences to actions, per context. A context's own bindings win over global ones
/// with the same sequence.
public struct Keymap: Equatable, Sendable {
    /// Bindings in the order they were defined (help lists them in this order).
    public private(set) var bindings: [KeyContext: [KeyBinding]]

    public init(bindings: [KeyContext: [KeyBinding]] = [:]) { self.bindings = bindings }

    /// What the console does with the keys in effect in `context`, own bindings first.
    public func effectiveBindings(in context: KeyContext) -> [KeyBinding] {
        let own = bindings[context] ?? []
        guard context.inheritsGlobal else { return own }
        let ownKeys = Set(own.map(\.keys))
        return own + (bindings[.global] ?? []).filter { !ownKeys.contains($0.keys) }
    }

    /// The action bound to exactly `keys` in `context`.
    public func action(for keys: [Key], in context: KeyContext) -> Action? {
        effectiveBindings(in: context).first { $0.keys == keys }?.action
    }

    /// Whether some longer binding starts with `keys` (so the matcher must wait).
    public func isProperPrefix(_ keys: [Key], in context: KeyContext) -> Bool {
        effectiveBindings(in: context).contains { $0.keys.count > keys.count && Array($0.keys.prefix(keys.count)) == keys }
    }

    /// Key sequences bound to `action` in `context` (own bindings only).
    public func keys(for action: Action, in context: KeyContext) -> [[Key]] {
        (bindings[context] ?? []).filter { $0.action == action }.map(\.keys)
    }

    /// Replaces the sequences bound to `action` in `context`. A sequence taken from another
    /// action in the same context is removed there: the newest binding wins.
    public mutating func setKeys(_ sequences: [[Key]], for action: Action, in context: KeyContext) {
        var list = bindings[context] ?? []
        let taken = Set(sequences)
        list.removeAll { $0.action == action || taken.contains($0.keys) }
        list.append(contentsOf: sequences.map { KeyBinding($0, action) })
        bindings[context] = list
    }

    // MARK: - Configuration

    /// Applies `[keys.CONTEXT] action = "KEYS"` overrides to the defaults.
    ///
    ///     [keys.queue]
    ///     acknowledge = "A"                 # replaces the default key(s) of that action
    ///     disposition_1 = ["<F1>", "1"]     # several sequences
    ///     jump_to_new = []                  # unbound
    ///
    /// `overrides` is the value of the `keys` table; `keyPath` prefixes problem locations.
    public static func load(overrides: ConfigValue?, file: String, keyPath: String = "keys",
                            base: Keymap = .defaults) -> (keymap: Keymap, problems: [ConfigProblem]) {
        let reader = ConfigReader(file: file)
        var keymap = base
        guard let root = reader.table(overrides, at: keyPath) else { return (keymap, reader.problems) }
        reader.rejectUnknownKeys(root, known: Set(KeyContext.allCases.map(\.rawValue)), at: keyPath)
        for context in KeyContext.allCases {
            let contextPath = "\(keyPath).\(context.rawValue)"
            guard let table = reader.table(root[context.rawValue], at: contextPath) else { continue }
            for name in table.keys.sorted() {
                let path = "\(contextPath).\(name)"
                guard let action = Action(configName: name) else {
                    reader.problem(path, "unknown action (known: \(Action.allCases.map(\.configName).joined(separator: ", ")))")
                    continue
                }
                let texts: [String]
                switch table[name]! {
                case .string(let s): texts = [s]
                case .array: texts = reader.strings(table[name], at: path) ?? []
                case let other:
                    reader.problem(path, "expected a key like \"a\", \"<F9>\" or a list of them, found \(other.kindName)")
                    continue
                }
                var sequences: [[Key]] = []
                var ok = true
                for text in texts {
                    guard let keys = KeyNotation.parse(text), !keys.contains(.resize), !keys.contains(.eof) else {
                        reader.problem(path, "cannot read key \"\(text)\" (examples: a, G, gg, <C-f>, <PgDn>, <F9>, <Space>)")
                        ok = false
                        continue
                    }
                    sequences.append(keys)
                }
                if ok { keymap.setKeys(sequences, for: action, in: context) }
            }
        }
        return (keymap, reader.problems)
    }
}
