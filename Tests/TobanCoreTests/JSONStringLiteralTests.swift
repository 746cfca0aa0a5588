import Foundation
import Testing
import TobanCore
import TobanTestSupport

/// The one JSON string writer both hand-built JSON writers (store examples, quarantine
/// file) use: what JSON requires is escaped, terminal escapes included; the rest is copied.
@Suite struct JSONStringLiteralTests {
    func quoted(_ text: String) -> String {
        var bytes: [UInt8] = [0x5B] // appends after what is already there
        JSONStringLiteral.append(text, to: &bytes)
        return String(decoding: bytes.dropFirst(), as: UTF8.self)
    }

    @Test func escapesWhatJSONRequiresAndCopiesTheRest() throws {
        let text = "a\"b\\c\nd\re\tf\u{1B}[2J\u{0}\u{1F}\u{7F}\u{85}本"
        #expect(quoted(text) == "\"a\\\"b\\\\c\\nd\\re\\tf\\u001b[2J\\u0000\\u001f\u{7F}\u{85}本\"")
        #expect(quoted("") == "\"\"")
        #expect(quoted("株式会社アクメ plain") == "\"株式会社アクメ plain\"")
        let decoded = try JSONSerialization.jsonObject(with: Data(quoted(text).utf8), options: .fragmentsAllowed) as? String
        #expect(decoded == text)
    }

    /// Clean text is copied eight bytes at a time: whatever needs escaping is found at
    /// every position of the word and of the string, next to non-ASCII text, at the end.
    @Test func findsEveryEscapeWhereverItFalls() throws {
        func reference(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        let fillers = ["abcdefghijklmnopqrstuvwxyz0123", "本日は晴天なり", "~\u{7F}\u{80}\u{FF}é"]
        let specials = ["\"", "\\", "\n", "\u{0}", "\u{1F}", "\u{1B}[2J"]
        for filler in fillers {
            for length in 0...filler.count {
                let prefix = String(filler.prefix(length))
                #expect(quoted(prefix) == reference(prefix))
                for special in specials {
                    #expect(quoted(prefix + special) == reference(prefix + special))
                    let text = prefix + special + filler
                    #expect(quoted(text) == reference(text), "\(text.debugDescription)")
                    let decoded = try JSONSerialization.jsonObject(with: Data(quoted(text).utf8), options: .fragmentsAllowed) as? String
                    #expect(decoded == text)
                }
            }
        }
    }
}
