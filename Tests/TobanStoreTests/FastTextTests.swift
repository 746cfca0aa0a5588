import Foundation
import Testing
import TobanCore
@testable import TobanStore

/// The writer's hand-rolled texts must be exactly what the readers parse back.
@Suite struct FastTextTests {
    @Test func sampleTimesKeepTheirMilliseconds() {
        for ms: Int64 in [0, 999, 1_790_000_000_123, 1_790_000_000_005, -1_500] {
            var out = JSONBytes()
            out.appendSeconds(milliseconds: ms)
            let seconds = Double(String(decoding: out.bytes, as: UTF8.self))!
            #expect((seconds * 1000).rounded() == Double(ms))
        }
    }

    @Test func jsonStringsEscapeWhatJSONRequires() throws {
        let text = "a\"b\\c\nd\re\tf\u{1B}[2J\u{7F}\u{85}本"
        #expect(JSONText.quote(text) == "\"a\\\"b\\\\c\\nd\\re\\tf\\u001b[2J\u{7F}\u{85}本\"")
        #expect(JSONText.quote("plain text") == "\"plain text\"")
        let decoded = try JSONSerialization.jsonObject(with: Data(JSONText.quote(text).utf8), options: .fragmentsAllowed) as? String
        #expect(decoded == text)
    }
}
