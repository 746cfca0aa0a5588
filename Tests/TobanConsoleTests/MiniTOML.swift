import TobanCore
import TobanTestSupport

/// Just enough TOML to read the shipped theme files in tests (the console module itself
/// never parses TOML; the executable does, with a real library). Supports comments,
/// `[table]`, `key = value` with basic strings, integers, booleans and one-line inline
/// tables. Anything else is an error, so a theme file drifting into syntax this reader
/// does not know fails the test instead of being half-read.
enum MiniTOML {
    struct SyntaxError: Error, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "line \(line): \(message)" }
    }

    static func parse(_ text: String) throws -> ConfigValue {
        var root: [String: ConfigValue] = [:]
        var current: String?
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = stripComment(String(raw)).trimmingCharacters(in: " \t")
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw SyntaxError(line: n + 1, message: "bad table header") }
                let name = String(line.dropFirst().dropLast()).trimmingCharacters(in: " ")
                guard root[name] == nil else { throw SyntaxError(line: n + 1, message: "duplicate table \(name)") }
                root[name] = .table([:])
                current = name
                continue
            }
            var scanner = Scanner(text: line, line: n + 1)
            let (key, value) = try scanner.keyValue()
            try scanner.end()
            if let current {
                guard case .table(var t) = root[current]! else { fatalError() }
                guard t[key] == nil else { throw SyntaxError(line: n + 1, message: "duplicate key \(key)") }
                t[key] = value
                root[current] = .table(t)
            } else {
                guard root[key] == nil else { throw SyntaxError(line: n + 1, message: "duplicate key \(key)") }
                root[key] = value
            }
        }
        return .table(root)
    }

    private static func stripComment(_ line: String) -> String {
        var inString = false
        var out = ""
        for c in line {
            if c == "\"" { inString.toggle() }
            if c == "#" && !inString { break }
            out.append(c)
        }
        return out
    }

    struct Scanner {
        var chars: [Character]
        var i = 0
        var line: Int
        init(text: String, line: Int) { chars = Array(text); self.line = line }

        mutating func skipSpaces() { while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 } }

        mutating func end() throws {
            skipSpaces()
            if i < chars.count { throw SyntaxError(line: line, message: "trailing text") }
        }

        mutating func keyValue() throws -> (String, ConfigValue) {
            skipSpaces()
            var key = ""
            while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" || chars[i] == "-" {
                key.append(chars[i]); i += 1
            }
            guard !key.isEmpty else { throw SyntaxError(line: line, message: "expected a key") }
            skipSpaces()
            guard i < chars.count, chars[i] == "=" else { throw SyntaxError(line: line, message: "expected =") }
            i += 1
            return (key, try value())
        }

        mutating func value() throws -> ConfigValue {
            skipSpaces()
            guard i < chars.count else { throw SyntaxError(line: line, message: "expected a value") }
            switch chars[i] {
            case "\"":
                i += 1
                var s = ""
                while i < chars.count, chars[i] != "\"" {
                    if chars[i] == "\\" { throw SyntaxError(line: line, message: "escapes not supported") }
                    s.append(chars[i]); i += 1
                }
                guard i < chars.count else { throw SyntaxError(line: line, message: "unterminated string") }
                i += 1
                return .string(s)
            case "{":
                i += 1
                var t: [String: ConfigValue] = [:]
                skipSpaces()
                if i < chars.count, chars[i] == "}" { i += 1; return .table(t) }
                while true {
                    let (k, v) = try keyValue()
                    guard t[k] == nil else { throw SyntaxError(line: line, message: "duplicate key \(k)") }
                    t[k] = v
                    skipSpaces()
                    guard i < chars.count else { throw SyntaxError(line: line, message: "unterminated inline table") }
                    if chars[i] == "," { i += 1; continue }
                    if chars[i] == "}" { i += 1; return .table(t) }
                    throw SyntaxError(line: line, message: "expected , or }")
                }
            default:
                var word = ""
                while i < chars.count, chars[i] != ",", chars[i] != "}", chars[i] != " " { word.append(chars[i]); i += 1 }
                if word == "true" { return .bool(true) }
                if word == "false" { return .bool(false) }
                if let n = Int(word) { return .integer(n) }
                throw SyntaxError(line: line, message: "unsupported value \(word)")
            }
        }
    }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
