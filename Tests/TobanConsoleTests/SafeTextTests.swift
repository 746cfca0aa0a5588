import Testing
@testable import TobanConsole
import TobanCore
import TobanTestSupport

/// No scalar that a terminal would interpret may survive.
func expectInert(_ s: String, sourceLocation: SourceLocation = #_sourceLocation) {
    for scalar in s.unicodeScalars {
        let v = scalar.value
        #expect(v >= 0x20, "C0 control U+\(String(v, radix: 16)) survived in \(s.debugDescription)", sourceLocation: sourceLocation)
        #expect(v != 0x7F, "DEL survived", sourceLocation: sourceLocation)
        #expect(!(0x80...0x9F).contains(v), "C1 control survived", sourceLocation: sourceLocation)
        #expect(Sanitizer.bidiControlNames[v] == nil, "bidi control survived", sourceLocation: sourceLocation)
        #expect(v != 0x200B && v != 0xFEFF && !(0xE0000...0xE007F).contains(v), "invisible format survived",
                sourceLocation: sourceLocation)
    }
}

@Suite struct SafeTextTests {
    @Test func printableASCIIIsUnchanged() {
        let line = "2026-11-22T01:02:03Z ET MALWARE Possible beacon 10.0.0.5 -> 203.0.113.9:443"
        #expect(SafeText(line).string == line)
    }

    @Test func escapeSequencesBecomeVisibleAndInert() {
        // Clear screen, then OSC 52 (set the clipboard) terminated by BEL.
        let hostile = "\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{07}"
        let safe = SafeText(hostile).string
        expectInert(safe)
        #expect(safe == "␛[2J␛]52;c;ZXZpbA==␇")
    }

    @Test func c0ControlsUseControlPictures() {
        #expect(SafeText("a\u{0}b").string == "a␀b")
        #expect(SafeText("line1\nline2\r").string == "line1␊line2␍")
        #expect(SafeText("a\tb").string == "a b")
        #expect(SafeText("x\u{7F}y").string == "x␡y")
        #expect(SafeText("\u{1b}").string == "␛")
    }

    @Test func rawC1CSIByteIsNotPassedThrough() {
        // 0x9B is a one-byte CSI on 8-bit terminals: "ESC [ 2 J" in one byte plus "2J".
        let safe = SafeText(bytes: [0x9B, 0x32, 0x4A] as [UInt8]).string
        expectInert(safe)
        #expect(safe == "\u{FFFD}2J") // a lone 0x9B is invalid UTF-8
    }

    @Test func encodedC1ControlsGetHexPlaceholders() {
        let safe = SafeText("a\u{9B}2Jb\u{85}").string
        expectInert(safe)
        #expect(safe == "a⟨9B⟩2Jb⟨85⟩")
    }

    @Test func bidiOverrideIsShownByName() {
        let safe = SafeText("\u{202E}txt.exe").string
        expectInert(safe)
        #expect(safe == "⟨RLO⟩txt.exe")
        let all = SafeText("\u{202A}\u{202B}\u{202C}\u{202D}\u{2066}\u{2067}\u{2068}\u{2069}\u{200E}\u{200F}\u{061C}").string
        expectInert(all)
        #expect(all == "⟨LRE⟩⟨RLE⟩⟨PDF⟩⟨LRO⟩⟨LRI⟩⟨RLI⟩⟨FSI⟩⟨PDI⟩⟨LRM⟩⟨RLM⟩⟨ALM⟩")
    }

    @Test func invalidUTF8BecomesReplacementCharacter() {
        let safe = SafeText(bytes: [0x61, 0xFF, 0x62, 0xC3, 0x28, 0xE2, 0x82] as [UInt8]).string
        expectInert(safe)
        #expect(safe == "a\u{FFFD}b\u{FFFD}(\u{FFFD}")
        // valid multibyte input survives byte decoding
        #expect(SafeText(bytes: Array("株式会社".utf8)).string == "株式会社")
    }

    @Test func invisibleFormatCharactersAreShown() {
        #expect(SafeText("pay\u{200B}pal").string == "pay⟨200B⟩pal")
        #expect(SafeText("\u{FEFF}leading bom dropped").string == "leading bom dropped")
        #expect(SafeText("inner\u{FEFF}bom").string == "inner⟨FEFF⟩bom")
        #expect(SafeText("tag\u{E0041}").string == "tag⟨E0041⟩")
        #expect(SafeText("a\u{2028}b").string == "a⟨2028⟩b")
        #expect(SafeText("x\u{FFFF}").string == "x\u{FFFD}")
    }

    @Test func legitimateUnicodeSurvives() {
        for s in ["株式会社アクメ", "ｱｸﾒ", "Café", "👨‍👩‍👧", "❤️", "★★★ 緊急", "Ünïcödé"] {
            #expect(SafeText(s).string == s)
        }
    }

    @Test func fuzzedBytesNeverLeaveAControl() {
        var rng = SplitMix(seed: 42)
        for _ in 0..<500 {
            let bytes = (0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            expectInert(SafeText(bytes: bytes).string)
        }
    }

    @Test func everyScalarBelowA0IsReplaced() {
        for v in UInt32(0)..<0xA0 where !(0x20..<0x7F).contains(v) {
            let s = String(Character(Unicode.Scalar(v)!))
            expectInert(SafeText(s).string)
            #expect(!SafeText(s).string.isEmpty, "U+\(String(v, radix: 16)) vanished instead of being shown")
        }
    }
}

/// A tiny deterministic generator, so a failing fuzz case reproduces.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
