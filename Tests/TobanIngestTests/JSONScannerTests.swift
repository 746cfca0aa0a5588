import Foundation
import Testing
@testable import TobanIngest
import TobanTestSupport

/// Reads `{"k": <string>}` and returns the decoded string, or the error reason.
private func decodeString(_ json: String) -> Result<String, ParseError> {
    let bytes = Array(json.utf8)
    return bytes.withUnsafeBufferPointer { buf -> Result<String, ParseError> in
        guard let base = buf.baseAddress else { return .failure(ParseError("empty")) }
        var s = JSONScanner(base, count: buf.count)
        do {
            try s.beginObject()
            var first = true
            var out = ""
            while let k = try s.nextKey(&first) {
                #expect(s.keyIs(k, "k"))
                guard let v = try s.readString() else { throw ParseError("not a string") }
                out = s.decode(v)
            }
            try s.finish()
            return .success(out)
        } catch let error as ParseError {
            return .failure(error)
        } catch {
            return .failure(ParseError("\(error)"))
        }
    }
}

/// Skips any document; nil if valid, else the reason.
func validate(_ bytes: [UInt8]) -> String? {
    bytes.withUnsafeBufferPointer { buf -> String? in
        guard let base = buf.baseAddress else { return "empty" }
        var s = JSONScanner(base, count: buf.count)
        do {
            try s.skipValue()
            try s.finish()
            return nil
        } catch let error as ParseError {
            return error.reason
        } catch {
            return "\(error)"
        }
    }
}

private func validate(_ text: String) -> String? { validate(Array(text.utf8)) }

@Suite("JSON scanner")
struct JSONScannerTests {
    @Test("escapes decode", arguments: [
        (#"{"k":"a\/b"}"#, "a/b"),
        (#"{"k":"q\"q"}"#, "q\"q"),
        (#"{"k":"b\\s"}"#, "b\\s"),
        (#"{"k":"\n\r\t\b\f"}"#, "\n\r\t\u{8}\u{C}"),
        (#"{"k":"\u0041\u00e9\u20AC"}"#, "Aé€"),
        (#"{"k":"\ud83d\ude00!"}"#, "😀!"),
        (#"{"k":"plain ascii longer than eight bytes"}"#, "plain ascii longer than eight bytes"),
        (#"{"k":"日本語のテキスト"}"#, "日本語のテキスト"),
        (#"{ "k" : "" }"#, ""),
    ])
    func escapes(json: String, want: String) throws {
        #expect(try decodeString(json).get() == want)
    }

    @Test("invalid strings are errors", arguments: [
        #"{"k":"bad \x"}"#, #"{"k":"\u12"}"#, #"{"k":"\ud83d"}"#, #"{"k":"\ude00"}"#,
        #"{"k":"\ud83d\u0041"}"#, "{\"k\":\"tab\tinside\"}", #"{"k":"unterminated}"#,
    ])
    func invalidStrings(json: String) {
        #expect(throws: ParseError.self) { try decodeString(json).get() }
    }

    @Test func invalidUTF8InStringIsAnError() {
        var bytes = Array(#"{"k":"ab"}"#.utf8)
        bytes.insert(0xFF, at: 7)
        #expect(validate(bytes)?.contains("UTF-8") == true)
        var overlong = Array(#"{"k":"ab"}"#.utf8)
        overlong.insert(contentsOf: [0xC0, 0xAF], at: 7)
        #expect(validate(overlong)?.contains("UTF-8") == true)
        var surrogate = Array(#"{"k":"ab"}"#.utf8)
        surrogate.insert(contentsOf: [0xED, 0xA0, 0x80], at: 7)
        #expect(validate(surrogate) != nil)
        var truncated = Array(#"{"k":"ab"}"#.utf8)
        truncated.insert(contentsOf: [0xE2, 0x82], at: 7)
        #expect(validate(truncated) != nil)
    }

    @Test("valid documents", arguments: [
        #"{}"#, #"[]"#, #"{"a":[1,-2,3.5,1e10,-0.5E-3,0]}"#, #"{"a":{"b":{"c":null}},"d":true,"e":false}"#,
        " {\"a\" :\t[ 1 , 2 ] } ", #""str""#, "123", #"[{"x":[[],{}]}]"#,
    ])
    func valid(json: String) {
        #expect(validate(json) == nil)
    }

    @Test("invalid documents", arguments: [
        "", "{", "}", #"{"a":1"#, #"{"a":1,}"#, #"{"a" 1}"#, #"{a:1}"#, #"[1,2"#, #"[1 2]"#, #"{"a":[}"#,
        #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":-}"#, #"{"a":1e}"#, #"{"a":+1}"#, #"{"a":tru}"#,
        #"{"a":nul}"#, #"{"a":1}x"#, #"{"a":1}{"b":2}"#, "garbage", #"{"a":NaN}"#, #"{"a":'x'}"#,
    ])
    func invalid(json: String) {
        #expect(validate(json) != nil)
    }

    @Test func depthLimit() {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(validate(ok) == nil)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(validate(tooDeep)?.contains("nesting") == true)
        let hostile = String(repeating: "{\"a\":", count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        #expect(validate(hostile)?.contains("nesting") == true)
    }

    @Test func numbers() throws {
        let bytes = Array(#"{"a":65535,"b":18446744073709551615,"c":18446744073709551616,"d":-1,"e":1.5,"f":"42"}"#.utf8)
        try bytes.withUnsafeBufferPointer { buf in
            var s = JSONScanner(try #require(buf.baseAddress), count: buf.count)
            try s.beginObject()
            var first = true
            var got: [UInt64?] = []
            while try s.nextKey(&first) != nil { got.append(try s.readUInt64()) }
            #expect(got == [65535, UInt64.max, nil, nil, nil, 42])
        }
        let d = Array("1543877999.99354".utf8)
        d.withUnsafeBufferPointer { #expect(parseDecimal($0.baseAddress!, $0.count) == 1543877999.99354) }
        let e = Array("-2.5e3".utf8)
        e.withUnsafeBufferPointer { #expect(parseDecimal($0.baseAddress!, $0.count) == -2500) }
    }

    @Test func escapedKeysStillMatch() throws {
        let e = try event(.suricataEVE, #"{"event\u005ftype":"flow","timestamp":"2026-01-01T00:00:00Z"}"#)
        #expect(e.kind == .context(.flow))
    }
}

@Suite("JSON scanner vs Foundation")
struct JSONDifferentialTests {
    /// Mutations of valid documents: our accept/reject decision must match JSONSerialization's.
    @Test func mutatedDocumentsAgreeWithFoundation() throws {
        let seeds = [
            #"{"a":[1,-2.5,3e4,{"b":null,"c":true,"d":false}],"e":"x y","f":{}}"#,
            #"[{"k":"v"},[],[[0]],"s",-0.0,12345678901234567890]"#,
            #"{"timestamp":"2026-01-01T00:00:00Z","flow_id":1,"event_type":"flow","tcp":{"syn":true}}"#,
        ]
        let alphabet = Array(#"{}[]",:-.0123456789eEtrufalsn "#.utf8)
        var rng = SplitMix(state: 7)
        var compared = 0
        for seed in seeds {
            let base = Array(seed.utf8)
            for _ in 0..<1500 {
                var m = base
                for _ in 0..<(1 + Int(rng.next() % 3)) where !m.isEmpty {
                    let i = Int(rng.next() % UInt64(m.count))
                    let b = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                    switch rng.next() % 3 {
                    case 0: m[i] = b
                    case 1: m.remove(at: i)
                    default: m.insert(b, at: i)
                    }
                }
                // Foundation deviates from RFC 8259 in two known ways: it accepts trailing commas,
                // and rejects numbers beyond Double's range. Those documents are not compared.
                let text = String(decoding: m, as: UTF8.self)
                if text.range(of: #",\s*[\]}]"#, options: .regularExpression) != nil
                    || text.range(of: #"[eE][+-]?[0-9]{3,}"#, options: .regularExpression) != nil {
                    continue
                }
                let ours = validate(m) == nil
                let foundation = (try? JSONSerialization.jsonObject(with: Data(m), options: [.fragmentsAllowed])) != nil
                #expect(ours == foundation, "\(String(decoding: m, as: UTF8.self)) ours=\(ours) foundation=\(foundation)")
                compared += 1
            }
        }
        #expect(compared > 4000)
    }
}
