import Foundation
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

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

    @Test func numbersAndAddressesAreWrittenExactly() {
        func text(_ write: (inout JSONBytes) -> Void) -> String {
            var out = JSONBytes()
            write(&out)
            return String(decoding: out.bytes, as: UTF8.self)
        }
        #expect(text { $0.appendDecimal(UInt64(0)) } == "0")
        #expect(text { $0.appendDecimal(UInt64(10)) } == "10")
        #expect(text { $0.appendDecimal(UInt64.max) } == "18446744073709551615")
        #expect(text { $0.appendDecimal(Int64.min) } == "-9223372036854775808")
        #expect(text { $0.appendSeconds(milliseconds: 1_790_000_000_123) } == "1790000000.123")
        #expect(text { $0.appendSeconds(milliseconds: 5) } == "0.005")
        #expect(text { $0.appendSeconds(milliseconds: -1_500) } == "-1.500")
        for address in ["0.0.0.0", "255.255.255.255", "10.2.30.4", "192.168.0.100", "2001:db8::1"] {
            #expect(text { $0.appendQuoted(IPAddress(address)!) } == "\"\(address)\"")
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
