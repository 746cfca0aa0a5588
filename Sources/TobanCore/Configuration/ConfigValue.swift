/// A configuration document as a plain tree, independent of the file syntax.
/// The executable turns TOML into this; Core and Console read from it, so neither
/// needs the TOML library and every problem can be reported with its key path.
public indirect enum ConfigValue: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case double(Double)
    case bool(Bool)
    case array([ConfigValue])
    case table([String: ConfigValue])

    public var table: [String: ConfigValue]? { if case .table(let t) = self { return t } else { return nil } }
    public var array: [ConfigValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var integer: Int? {
        switch self {
        case .integer(let i): return i
        case .double(let d) where d == d.rounded(): return Int(exactly: d)
        default: return nil
        }
    }
    public var double: Double? {
        switch self {
        case .double(let d): return d
        case .integer(let i): return Double(i)
        default: return nil
        }
    }
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }

    public subscript(key: String) -> ConfigValue? { table?[key] }

    /// A short name of the value's kind, for error messages ("expected a string, found an integer").
    public var kindName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .double: return "a number"
        case .bool: return "a boolean"
        case .array: return "an array"
        case .table: return "a table"
        }
    }
}

/// One thing wrong with a configuration: where (file and dotted key) and why, in plain words.
public struct ConfigProblem: Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var key: String
    public var reason: String

    public init(file: String, key: String, reason: String) {
        self.file = file
        self.key = key
        self.reason = reason
    }

    /// Safe to print: a key or a reason can quote what the file holds, and the file may
    /// hold escapes or control bytes, which are shown as visible stand-ins (`␛`, `␍`).
    public var description: String { Sanitizer.sanitize("\(file): \(key): \(reason)") }
}

/// Walks a `ConfigValue` tree, collecting every problem instead of stopping at the first,
/// so `toban config check` can list them all at once.
public final class ConfigReader {
    public let file: String
    public private(set) var problems: [ConfigProblem] = []

    public init(file: String) { self.file = file }

    public func problem(_ key: String, _ reason: String) {
        problems.append(ConfigProblem(file: file, key: key, reason: reason))
    }

    public func table(_ value: ConfigValue?, at key: String) -> [String: ConfigValue]? {
        guard let value else { return nil }
        guard let t = value.table else { problem(key, "expected a table, found \(value.kindName)"); return nil }
        return t
    }

    public func string(_ value: ConfigValue?, at key: String, required: Bool = false) -> String? {
        guard let value else {
            if required { problem(key, "is required") }
            return nil
        }
        guard let s = value.string else { problem(key, "expected a string, found \(value.kindName)"); return nil }
        // Configuration strings end up in mail headers (addresses, names), on the terminal
        // (names, labels) and in paths: none has a use for a control character, and a CR/LF
        // or an escape in one is an injection. The reason names the character, never echoes it.
        if let unsafe = s.unicodeScalars.first(where: { !Sanitizer.isSafe($0) }) {
            problem(key, "contains a control character (\(Self.codePoint(unsafe)))")
            return nil
        }
        return s
    }

    /// `U+000D`: how a character that must not be shown raw is named in a problem.
    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    public func integer(_ value: ConfigValue?, at key: String, range: ClosedRange<Int>? = nil) -> Int? {
        guard let value else { return nil }
        guard let i = value.integer else { problem(key, "expected an integer, found \(value.kindName)"); return nil }
        if let range, !range.contains(i) {
            problem(key, "\(i) is outside \(range.lowerBound)…\(range.upperBound)")
            return nil
        }
        return i
    }

    public func double(_ value: ConfigValue?, at key: String) -> Double? {
        guard let value else { return nil }
        guard let d = value.double else { problem(key, "expected a number, found \(value.kindName)"); return nil }
        return d
    }

    public func bool(_ value: ConfigValue?, at key: String) -> Bool? {
        guard let value else { return nil }
        guard let b = value.bool else { problem(key, "expected true or false, found \(value.kindName)"); return nil }
        return b
    }

    public func array(_ value: ConfigValue?, at key: String) -> [ConfigValue]? {
        guard let value else { return nil }
        guard let a = value.array else { problem(key, "expected an array, found \(value.kindName)"); return nil }
        return a
    }

    public func strings(_ value: ConfigValue?, at key: String) -> [String]? {
        guard let items = array(value, at: key) else { return nil }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            if let s = string(item, at: "\(key)[\(i)]") { out.append(s) }
        }
        return out
    }

    /// Reports keys the reader does not know (a typo must not be silently ignored).
    public func rejectUnknownKeys(_ table: [String: ConfigValue], known: Set<String>, at key: String) {
        for k in table.keys.sorted() where !known.contains(k) {
            problem(key.isEmpty ? k : "\(key).\(k)", "unknown key (known: \(known.sorted().joined(separator: ", ")))")
        }
    }
}
