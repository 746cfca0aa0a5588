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
}
