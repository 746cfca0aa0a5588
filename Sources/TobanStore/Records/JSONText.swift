import Foundation

/// Compact, key-sorted JSON text for the store's JSON columns (and `toban query --json`).
public enum JSONText {
    static func encode(_ object: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]),
              let text = String(data: data, encoding: .utf8) else { return "null" }
        return text
    }

    static func decode(_ text: String?) -> Any? {
        guard let text, let data = text.data(using: .utf8) else { return nil }
        return try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }

    static func encode<T: Encodable>(codable value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) else { return "null" }
        return text
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String?) -> T? {
        guard let text, let data = text.data(using: .utf8) else { return nil }
        return try? JSONDecoder().decode(type, from: data)
    }

    static func strings(_ text: String?) -> [String] { decode([String].self, from: text) ?? [] }

    /// `["a","b"]` (hand-written: runs for every re-scored endpoint).
    static func array(_ strings: [String]) -> String {
        var out = JSONBytes(capacity: strings.reduce(2) { $0 + $1.utf8.count + 3 })
        out.append(byte: 0x5B)
        for (i, s) in strings.enumerated() {
            if i > 0 { out.append(byte: 0x2C) }
            out.appendQuoted(s)
        }
        out.append(byte: 0x5D)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// A JSON string literal.
    public static func quote(_ s: String) -> String {
        var out = ""
        appendQuoted(s, to: &out)
        return out
    }

    /// Appends `s` as a JSON string literal; text without characters to escape (the usual
    /// case) is appended in one piece.
    static func appendQuoted(_ s: String, to out: inout String) {
        var plain = true
        for b in s.utf8 where b < 0x20 || b == 0x22 || b == 0x5C {
            plain = false
            break
        }
        if plain {
            out += "\""
            out += s
            out += "\""
            return
        }
        // The escaping itself is `JSONBytes.appendQuoted`'s: one set of rules for the store.
        var bytes = JSONBytes(capacity: s.utf8.count + 8)
        bytes.appendQuoted(s)
        out += String(decoding: bytes.bytes, as: UTF8.self)
    }
}
