import Testing
@testable import TobanConsole
import TobanTestSupport

@Suite struct DisplayWidthTests {
    @Test func asciiIsOneCellEach() {
        #expect(DisplayWidth.of("hello") == 5)
        #expect(DisplayWidth.of("") == 0)
    }

    @Test func cjkKanaHangulAndFullwidthAreTwo() {
        #expect(DisplayWidth.of("株式会社アクメ") == 14)
        #expect(DisplayWidth.of("ひらがな") == 8)
        #expect(DisplayWidth.of("한국") == 4)
        #expect(DisplayWidth.of("ＡＢＣ") == 6) // fullwidth Latin
        #expect(DisplayWidth.of("緊急") == 4)
        #expect(DisplayWidth.of(Unicode.Scalar(0x3000)!) == 2) // ideographic space
    }

    @Test func halfwidthKanaIsOne() {
        #expect(DisplayWidth.of("ｱｸﾒ") == 3)
        #expect(DisplayWidth.of("ｶﾌﾞｼｷｶﾞｲｼｬ") == 10) // halfwidth voiced marks are their own cells
    }

    @Test func combiningMarksAndZeroWidthAreZero() {
        #expect(DisplayWidth.of(Unicode.Scalar(0x0301)!) == 0) // combining acute
        #expect(DisplayWidth.of(Unicode.Scalar(0x200D)!) == 0) // ZWJ
        #expect(DisplayWidth.of(Unicode.Scalar(0xFE0F)!) == 0) // VS16
        #expect(DisplayWidth.of(Unicode.Scalar(0x200B)!) == 0) // zero width space
        #expect(DisplayWidth.of("e\u{0301}") == 1)
        #expect(DisplayWidth.of("Cafe\u{0301}") == 4)
        #expect(DisplayWidth.of("か\u{3099}") == 2) // kana + combining voiced mark
        #expect(DisplayWidth.of("\u{1100}\u{1161}\u{11A8}") == 2) // decomposed hangul syllable
    }

    @Test func emojiAreTwo() {
        #expect(DisplayWidth.of("🔥") == 2)
        #expect(DisplayWidth.of("👍🏽") == 2) // with skin tone modifier
        #expect(DisplayWidth.of("👨‍👩‍👧") == 2) // ZWJ family sequence is one glyph
        #expect(DisplayWidth.of("🇯🇵") == 2) // flag from regional indicators
        #expect(DisplayWidth.of("❤️") == 2) // text-default heart with VS16
        #expect(DisplayWidth.of("❤") == 1)
    }

    @Test func ambiguousAndSymbolsAreOne() {
        #expect(DisplayWidth.of("…") == 1)
        #expect(DisplayWidth.of("★★★") == 3)
        #expect(DisplayWidth.of("─│") == 2)
        #expect(DisplayWidth.of("é") == 1)
    }

    @Test func truncationEndsWithEllipsisAndNeverSplitsWide() {
        #expect(DisplayWidth.truncate("abcdef", to: 4) == "abc…")
        #expect(DisplayWidth.truncate("abc", to: 3) == "abc")
        #expect(DisplayWidth.truncate("abc", to: 0) == "")
        // 株式会社アクメ is 14 cells. At 6: "株式" (4) + "…" = 5, the third ideograph would
        // straddle, so a space pads to exactly 6.
        let t = DisplayWidth.truncate("株式会社アクメ", to: 6)
        #expect(t == "株式… ")
        #expect(DisplayWidth.of(t) == 6)
        for width in 1...15 {
            let s = DisplayWidth.truncate("株式会社アクメ", to: width)
            #expect(DisplayWidth.of(s) <= width, "width \(width): \(s)")
            if width < 14 {
                #expect(s.contains("…"), "width \(width): \(s)")
                #expect(DisplayWidth.of(s) == width, "width \(width): \(s)")
            }
            // every kept character is a whole character of the original
            #expect(s.filter { $0 != "…" && $0 != " " }.allSatisfy { "株式会社アクメ".contains($0) })
        }
    }

    @Test func fitPadsAndAligns() {
        #expect(DisplayWidth.fit("ab", to: 5) == "ab   ")
        #expect(DisplayWidth.fit("ab", to: 5, alignment: .right) == "   ab")
        #expect(DisplayWidth.fit("ab", to: 6, alignment: .center) == "  ab  ")
        #expect(DisplayWidth.fit("アクメ", to: 8) == "アクメ  ")
        #expect(DisplayWidth.fit("ｱｸﾒ", to: 8) == "ｱｸﾒ     ")
        #expect(DisplayWidth.pad("abcdef", to: 3) == "abcdef")
    }
}
