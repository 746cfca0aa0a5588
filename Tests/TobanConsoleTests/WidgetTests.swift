import Testing
@testable import TobanConsole
import TobanTestSupport

@Suite struct TableTests {
    let columns = [
        TableColumn("P", minWidth: 2),
        TableColumn("Customer", minWidth: 8, maxWidth: 16, flex: 1),
        TableColumn("Signature", minWidth: 10, flex: 2, priority: 1),
        TableColumn("Age", minWidth: 4, alignment: .right, priority: 2),
    ]

    @Test func layoutDistributesFlexAndRespectsMax() {
        #expect(TableView.layout(columns, width: 40) == [2, 12, 19, 4]) // 3 gaps; spare 13 split 1:2, remainder to the bigger flex
        // customer stops at its max; the rest goes to signature
        #expect(TableView.layout(columns, width: 80) == [2, 16, 55, 4])
        // exactly the minimum
        #expect(TableView.layout(columns, width: 27) == [2, 8, 10, 4])
    }

    @Test func narrowTerminalsHideLowPriorityColumnsFirst() {
        // 26 cells: mins need 27, so P (priority 0, rightmost among ties) ... ties drop rightmost first
        let w = TableView.layout(columns, width: 26)
        #expect(w.filter { $0 > 0 }.count == 3)
        #expect(w[1] == 0 || w[0] == 0)
        #expect(w[2] > 0 && w[3] > 0) // higher priority survive
        #expect(w.reduce(0, +) + 2 <= 26)
        #expect(TableView.layout(columns, width: 3) == [0, 0, 0, 3]) // only the top-priority column, squeezed
    }

    @Test func japaneseCustomerNamesAlign() {
        let rows: [TableRow] = [
            TableRow(["P1", "株式会社アクメ", "ET MALWARE Cobalt Strike Beacon", "2m"], role: .urgencyP1),
            TableRow(["P3", "ACME Corp", "ET POLICY curl UA", "15m"]),
            TableRow(["P2", "ｱｸﾒ商事", "ET SCAN Nmap", "1h"]),
            TableRow(["P4", "東京🔥テスト株式会社", "DNS TXT long", "3d"]),
        ]
        let table = TableView(columns: columns, rows: rows, selected: 1)
        var g = CellGrid(width: 40, height: 6)
        table.render(into: &g, area: g.bounds)
        // Column starts: P at 0, Customer at 3, Signature at 16, Age right-aligned ending at 39.
        let expected = """
        P  Customer     Signature            Age
        P1 株式会社ア…  ET MALWARE Cobalt …   2m
        P3 ACME Corp    ET POLICY curl UA    15m
        P2 ｱｸﾒ商事      ET SCAN Nmap          1h
        P4 東京🔥テス…  DNS TXT long          3d

        """
        #expect(g.snapshot() == expected)
        // every row's columns start at the same cell: check the Age column by cells, not characters
        for row in 1...4 {
            #expect(g[row, 16].character != " " && !g[row, 16].isContinuation, "Signature column starts at 16 in row \(row)")
            #expect(g[row, 15].character == " ", "gap before Signature in row \(row)")
            #expect(g[row, 39].character != " ", "Age ends at the right edge in row \(row)")
        }
        #expect(g.roles(row: 2).allSatisfy { $0 == .selection })
        #expect(g.roles(row: 1)[0] == .urgencyP1)
        #expect(g.roles(row: 0)[0] == .header)
    }

    @Test func scrollingKeepsSelectionVisible() {
        #expect(TableView.scrollOffset(selected: 0, current: 0, visibleRows: 5, rowCount: 100) == 0)
        #expect(TableView.scrollOffset(selected: 7, current: 0, visibleRows: 5, rowCount: 100) == 3)
        #expect(TableView.scrollOffset(selected: 4, current: 3, visibleRows: 5, rowCount: 100) == 3)
        #expect(TableView.scrollOffset(selected: 2, current: 3, visibleRows: 5, rowCount: 100) == 2)
        #expect(TableView.scrollOffset(selected: 99, current: 0, visibleRows: 5, rowCount: 100) == 95)
        #expect(TableView.scrollOffset(selected: 1, current: 50, visibleRows: 5, rowCount: 3) == 0)
        let rows = (0..<20).map { TableRow([TableCell("row \($0)")]) }
        var g = CellGrid(width: 10, height: 4)
        let offset = TableView(columns: [TableColumn("n", minWidth: 5, flex: 1)], rows: rows, selected: 10)
            .render(into: &g, area: g.bounds)
        #expect(offset == 8)
        #expect(g.snapshot() == "n\nrow 8\nrow 9\nrow 10")
    }

    @Test func markedRowsUseMarkedRole() {
        var g = CellGrid(width: 10, height: 2)
        TableView(columns: [TableColumn("x", minWidth: 3, flex: 1)], rows: [TableRow(["a"], isMarked: true)], showHeader: false)
            .render(into: &g, area: g.bounds)
        #expect(g.roles(row: 0).allSatisfy { $0 == .marked })
        #expect(g.roles(row: 1).allSatisfy { $0 == .text })
    }

    @Test func hostileCellTextIsSanitised() {
        var g = CellGrid(width: 30, height: 1)
        TableView(columns: [TableColumn("x", minWidth: 3, flex: 1)], rows: [TableRow([TableCell("\u{1b}]0;pwned\u{07}")])], showHeader: false)
            .render(into: &g, area: g.bounds)
        #expect(g.rowText(0) == "␛]0;pwned␇")
    }
}

@Suite struct StatusBarTests {
    @Test func leftAndRightSegments() {
        var g = CellGrid(width: 40, height: 1)
        StatusBar(left: [.init("a ack"), .init("? help", role: .keyHint)],
                  right: [.init("新着 3", role: .newArrivals), .init("03:14")]).render(into: &g, row: 0)
        #expect(g.rowText(0) == "a ack  ? help              新着 3  03:14")
        #expect(g.roles(row: 0)[0] == .footer)
        #expect(g.roles(row: 0)[7] == .keyHint)
        #expect(g.roles(row: 0)[27] == .newArrivals)
    }

    @Test func rightSideWinsWhenNarrow() {
        var g = CellGrid(width: 20, height: 1)
        StatusBar(left: [.init("filter: customer=acme severity>=high")], right: [.init("03:14:15")]).render(into: &g, row: 0)
        #expect(g.rowText(0) == "filter: cu… 03:14:15")
    }
}

@Suite struct TextInputTests {
    func type(_ s: String, into input: inout TextInput) { for c in s { input.handle(.character(c)) } }

    @Test func typingAndCursorEditing() {
        var t = TextInput()
        type("customer=acme", into: &t)
        #expect(t.text == "customer=acme" && t.cursor == 13)
        t.handle(.left); t.handle(.left)
        t.handle(.backspace)
        #expect(t.text == "customer=ame")
        #expect(t.cursor == 10)
        type("c", into: &t)
        #expect(t.text == "customer=acme")
        t.handle(.right); t.handle(.right); t.handle(.right) // clamps at the end
        #expect(t.cursor == 13)
        t.handle(.home)
        t.handle(.delete)
        #expect(t.text == "ustomer=acme" && t.cursor == 0)
        t.handle(.end)
        #expect(t.cursor == 12)
    }

    @Test func killCommands() {
        var t = TextInput("src 10.0.0.1  dst ")
        t.handle(.ctrl("w"))
        #expect(t.text == "src 10.0.0.1  ")
        t.handle(.ctrl("w"))
        #expect(t.text == "src ")
        t.handle(.ctrl("a")); t.handle(.right)
        t.handle(.ctrl("k"))
        #expect(t.text == "s")
        type("rc 1", into: &t)
        t.handle(.left)
        t.handle(.ctrl("u"))
        #expect(t.text == "1" && t.cursor == 0)
    }

    @Test func refusesControlsAndReportsUnhandledKeys() {
        var t = TextInput()
        t.handle(.character("\u{1b}"))
        #expect(t.text.isEmpty)
        #expect(t.handle(.enter) == false)
        #expect(t.handle(.up) == false)
        var short = TextInput(maxLength: 3)
        type("abcdef", into: &short)
        #expect(short.text == "abc")
    }

    @Test func rendersWithCursorAndScrolls() {
        var g = CellGrid(width: 12, height: 1)
        var t = TextInput()
        type("株式会社acme", into: &t)
        t.render(into: &g, row: 0, col: 0, width: 12, prompt: "/")
        // "/" + field of 11: the cursor cell at the end must be visible, so the start scrolls
        #expect(g.rowText(0) == "/式会社acme")
        #expect(g[0, 11].role == .selection)
        t.handle(.home)
        g.clear()
        t.render(into: &g, row: 0, col: 0, width: 12, prompt: "/")
        #expect(g.rowText(0) == "/株式会社acm")
        #expect(g[0, 1].role == .selection && g[0, 2].role == .selection)
        #expect(g[0, 3].role == .input)
    }
}

@Suite struct SparklineTests {
    @Test func scalesToTheMaximum() {
        #expect(Sparkline.text([0, 1, 2, 4, 8], width: 5) == " ▁▂▄█")
        #expect(Sparkline.text([1, 1, 1], width: 5) == "  ███")
        #expect(Sparkline.text([1, 2, 3, 4, 5, 6, 7, 8], width: 8, maxValue: 8) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline.text([100, 1], width: 2, maxValue: 10) == "█▁") // clamped
        #expect(Sparkline.text([.nan, -3, 0], width: 3) == "   ")
    }

    @Test func keepsTheNewestValues() {
        #expect(Sparkline.text([8, 0, 0, 8], width: 2) == " █")
    }

    @Test func asciiFallback() {
        let s = Sparkline.text([1, 2, 3, 4, 5, 6, 7, 8], width: 8, unicode: false)
        #expect(s == "_.-:=+*#")
        #expect(s.unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test func rendersWithRole() {
        var g = CellGrid(width: 6, height: 1)
        Sparkline.render([1, 2], into: &g, row: 0, col: 1, width: 3)
        #expect(g.rowText(0) == "  ▄█")
        #expect(g.roles(row: 0)[3] == .sparkline)
    }
}

@Suite struct TooSmallMessageTests {
    @Test func detectsSmallTerminals() {
        #expect(TooSmallMessage.isTooSmall(TerminalSize(width: 39, height: 30)))
        #expect(TooSmallMessage.isTooSmall(TerminalSize(width: 100, height: 11)))
        #expect(!TooSmallMessage.isTooSmall(TerminalSize(width: 40, height: 12)))
    }

    @Test func centresTheMessage() {
        var g = CellGrid(width: 30, height: 6)
        g.put("old content", row: 0, col: 0)
        TooSmallMessage.render(into: &g)
        #expect(g.snapshot() == "\n\n      Terminal too small\n    needs 40×12, now 30×6\n\n")
    }

    @Test func survivesTinyTerminals() {
        var g = CellGrid(width: 8, height: 1)
        TooSmallMessage.render(into: &g)
        #expect(g.rowText(0) == "Termina…")
        var empty = CellGrid(width: 0, height: 0)
        TooSmallMessage.render(into: &empty)
        #expect(empty.snapshot() == "")
    }
}
