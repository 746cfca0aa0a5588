import Testing
@testable import TobanConsole
import TobanTestSupport

@Suite struct CellGridTests {
    @Test func putReturnsColumnsUsedAndClips() {
        var g = CellGrid(width: 10, height: 2)
        #expect(g.put("hello", row: 0, col: 0) == 5)
        #expect(g.put("world!", row: 0, col: 6, maxWidth: 3) == 3)
        #expect(g.rowText(0) == "hello wor")
        #expect(g.put("abcdefghijkl", row: 1, col: 4) == 6) // right edge
        #expect(g.rowText(1) == "    abcdef")
        #expect(g.put("x", row: 2, col: 0) == 0) // off the grid
        #expect(g.put("x", row: 0, col: -1) == 0)
    }

    @Test func putSanitizesPlainStrings() {
        var g = CellGrid(width: 20, height: 1)
        g.put("\u{1b}[31mred", row: 0, col: 0)
        #expect(g.rowText(0) == "␛[31mred")
        for x in 0..<g.width {
            #expect(g[0, x].character.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F })
        }
    }

    @Test func wideCharactersTakeTwoCellsAndSnapshotOnce() {
        var g = CellGrid(width: 10, height: 1)
        #expect(g.put("株式a", row: 0, col: 0) == 5)
        #expect(g[0, 0].isWide && g[0, 0].character == "株")
        #expect(g[0, 1].isContinuation)
        #expect(g[0, 2].character == "式")
        #expect(g[0, 4].character == "a")
        #expect(g.rowText(0) == "株式a")
    }

    @Test func wideCharacterAtRightEdgeBecomesSpace() {
        var g = CellGrid(width: 5, height: 1)
        g.fill(g.bounds, with: "x")
        #expect(g.put("ab株", row: 0, col: 2) == 3)
        #expect(g.rowText(0) == "xxab") // last cell blank, not half an ideograph
        #expect(!g[0, 4].isWide && !g[0, 4].isContinuation && g[0, 4].character == " ")
        // also with maxWidth in the middle of the row
        var h = CellGrid(width: 10, height: 1)
        #expect(h.put("株式会社", row: 0, col: 0, maxWidth: 5) == 5)
        #expect(h.rowText(0) == "株式")
        #expect(h[0, 4].character == " " && !h[0, 4].isContinuation)
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var g = CellGrid(width: 6, height: 1)
        g.put("株式会", row: 0, col: 0)
        g.put("x", row: 0, col: 1) // right half of 株
        #expect(g.rowText(0) == " x式会")
        #expect(!g[0, 0].isWide)
        g.put("y", row: 0, col: 2) // left half of 式
        #expect(g.rowText(0) == " xy 会")
        #expect(!g[0, 3].isContinuation)
    }

    @Test func ellipsisOverflow() {
        var g = CellGrid(width: 20, height: 1)
        #expect(g.put("株式会社アクメ", row: 0, col: 0, maxWidth: 7, overflow: .ellipsis) == 7)
        #expect(g.rowText(0) == "株式会…")
    }

    @Test func fillRuleAndBoxUseNarrowSafeCharacters() {
        var g = CellGrid(width: 6, height: 4)
        g.box(g.bounds, borders: .boxDrawing)
        #expect(g.snapshot() == "┌────┐\n│    │\n│    │\n└────┘")
        var a = CellGrid(width: 4, height: 1)
        a.horizontalRule(row: 0, character: "株") // wide: becomes spaces rather than misalign
        #expect(a.rowText(0) == "")
        a.horizontalRule(row: 0, character: "\u{1b}")
        #expect(a.rowText(0) == "")
        a.horizontalRule(row: 0, character: BorderSet.ascii.horizontal)
        #expect(a.rowText(0) == "----")
        #expect(a.roles(row: 0) == [.border, .border, .border, .border])
    }

    @Test func diffIsEmptyWhenEqualAndListsChangedCells() {
        var a = CellGrid(width: 8, height: 2)
        a.put("status", row: 0, col: 0)
        var b = a
        #expect(b.diff(from: a).isEmpty)
        b.put("x", row: 1, col: 3)
        b.put("S", row: 0, col: 0, role: .header)
        let changes = b.diff(from: a)
        #expect(changes.map { [$0.row, $0.col] } == [[0, 0], [1, 3]])
        #expect(changes[0].cell.role == .header)
        // restyling alone is a change
        var c = b
        c.restyle(Rect(row: 1, col: 0, width: 2, height: 1), role: .selection)
        #expect(c.diff(from: b).count == 2)
    }

    @Test func diffAfterResizeIsEverything() {
        let a = CellGrid(width: 8, height: 2)
        let b = CellGrid(width: 10, height: 3)
        #expect(b.diff(from: a).count == 30)
        #expect(b.diff(from: nil).count == 30)
        #expect(b.diff(from: nil).last.map { [$0.row, $0.col] } == [2, 9])
    }

    @Test func snapshotTrimsTrailingSpaces() {
        var g = CellGrid(width: 5, height: 3)
        g.put("ab", row: 0, col: 0)
        g.put("c", row: 2, col: 4)
        #expect(g.snapshot() == "ab\n\n    c")
    }
}

@Suite struct ClusterSplittingTests {
    @Test func halfwidthVoicedMarkGetsItsOwnCell() {
        // Swift sees "ﾌﾞ" as one Character; the terminal advances two cells.
        #expect("ﾌﾞ".count == 1)
        #expect(DisplayWidth.of("ﾌﾞ") == 2)
        var g = CellGrid(width: 6, height: 1)
        #expect(g.put("ｶﾞｲ", row: 0, col: 0) == 3)
        #expect(g[0, 0].character == "ｶ" && g[0, 1].character == "ﾞ" && g[0, 2].character == "ｲ")
        #expect(g.rowText(0) == "ｶﾞｲ")
    }

    @Test func combiningMarkStaysInItsCell() {
        var g = CellGrid(width: 6, height: 1)
        #expect(g.put("e\u{0301}x", row: 0, col: 0) == 2)
        #expect(g[0, 0].character == "e\u{0301}")
        #expect(g[0, 1].character == "x")
    }

    @Test func emojiSequenceIsOneWideCell() {
        var g = CellGrid(width: 6, height: 1)
        #expect(g.put("👨‍👩‍👧!", row: 0, col: 0) == 3)
        #expect(g[0, 0].isWide && g[0, 1].isContinuation && g[0, 2].character == "!")
    }
}
