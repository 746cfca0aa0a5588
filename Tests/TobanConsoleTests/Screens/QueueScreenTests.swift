import Foundation
import Testing
import TobanConsole
import TobanCore
import TobanStore
import TobanTestSupport

/// Every scalar that must never reach the terminal from log content.
func containsUnsafeScalar(_ grid: CellGrid) -> Bool {
    for r in 0..<grid.height {
        for c in 0..<grid.width {
            for s in grid[r, c].character.unicodeScalars where !Sanitizer.isSafe(s) { return true }
        }
    }
    return false
}

@Suite("Queue screen")
struct QueueScreenTests {
    @Test("first frame: P1 with stars first, Japanese customer names aligned, header, footer")
    func firstFrame() throws {
        let f = try ConsoleFixture()
        let r = f.runner()
        let grid = r.frame()
        let text = grid.snapshot()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].contains("当番 Toban"))
        #expect(lines[0].contains("Queue"))
        #expect(lines[1].contains("open P1/2/3/4/5"))
        #expect(lines[1].contains("株式会社アクメ"))
        #expect(lines[2].contains("Urg") && lines[2].contains("Signature") && lines[2].contains("Customer"))
        // The first data row is the P1 (critical) one, with stars.
        #expect(lines[3].contains("P1 ★★★"))
        #expect(lines[3].contains("Cobalt Strike"))
        // Footer: health, analyst, clocks in JST and UTC.
        #expect(lines[grid.height - 2].contains("tanaka"))
        #expect(lines[grid.height - 2].contains("JST") && lines[grid.height - 2].contains("UTC"))
        #expect(lines[grid.height - 2].contains("quar 0"))
        // Japanese and Latin customer names end in the same column: the signature column starts aligned.
        let dataRows = (3..<(3 + 12)).map { grid.rowText($0) }
        let acmeRow = try #require(dataRows.firstIndex { $0.contains("株式会社アクメ") && $0.contains("ET SCAN") })
        let betaRow = try #require(dataRows.firstIndex { $0.contains("Beta Corp") && $0.contains("ET SCAN") })
        func column(of needle: String, row: Int) -> Int? {
            let t = grid.rowText(row)
            guard let range = t.range(of: needle) else { return nil }
            return DisplayWidth.of(String(t[..<range.lowerBound]))
        }
        let sigAcme = try #require(column(of: "ET SCAN", row: 3 + acmeRow))
        let sigBeta = try #require(column(of: "ET SCAN", row: 3 + betaRow))
        #expect(sigAcme == sigBeta)
    }

    @Test("a hostile signature and raw line reach the grid only as placeholders")
    func hostileContent() throws {
        let f = try ConsoleFixture()
        let r = f.runner()
        let grid = r.frame()
        #expect(!containsUnsafeScalar(grid))
        #expect(grid.snapshot().contains("EVIL ␛[2J"))
        // Open its detail: the raw line is wrapped and sanitised too.
        let row = try #require(r.queue?.rows.firstIndex { $0.signature.name.hasPrefix("EVIL") })
        r.send(Array(repeating: Key.character("j"), count: row))
        r.send(.enter)
        let detail = r.frame()
        #expect(!containsUnsafeScalar(detail))
        let text = detail.snapshot()
        #expect(text.contains("⟨RLO⟩"))
        #expect(text.contains("⟨9B⟩"))
        #expect(text.contains("raw ␛[31mred"))
        #expect(text.contains("⟨85⟩end"))
    }

    @Test("j/k, gg and G move the cursor; q on the queue quits at once")
    func movement() throws {
        let f = try ConsoleFixture()
        let r = f.runner()
        let first = r.selectedID
        r.send(.character("j"), .character("j"))
        #expect(r.queue?.selected == 2)
        r.send(.character("k"))
        #expect(r.queue?.selected == 1)
        r.send(.character("G"))
        #expect(r.queue?.selected == 11)
        r.send(.character("g"), .character("g"))
        #expect(r.queue?.selected == 0)
        #expect(r.selectedID == first)
        r.send(.pageDown)
        #expect(r.queue?.selected == 11)
        #expect(!r.quit)
        r.send(.character("q"))
        #expect(r.quit)
    }

    @Test("scrolling far down keeps a bounded window (keyset pages, not the whole table)")
    func boundedWindow() throws {
        let f = try ConsoleFixture(seed: false)
        var list: [Detection] = []
        for i in 0..<400 {
            list.append(makeDetection(signature: "s\(i)", name: "sig \(i)", src: "10.0.\(i / 200).\(i % 200 + 1)",
                                         endpoint: "10.0.\(i / 200).\(i % 200 + 1)", at: t0.addingTimeInterval(Double(i))))
        }
        try f.commit(list)
        let r = f.runner(pageSize: 20, windowLimit: 60)
        var seen = Set<Int64>()
        for _ in 0..<399 {
            r.send(.character("j"))
            #expect((r.queue?.rows.count ?? 0) <= 60)
            if let id = r.selectedID { seen.insert(id) }
        }
        #expect(seen.count == 399) // every row visited exactly once, none skipped
        #expect(r.queue?.atEnd == true)
        // And back up again through pages read backwards.
        for _ in 0..<399 { r.send(.character("k")) }
        #expect(r.queue?.atStart == true)
        #expect(r.selectedID == (try f.store.detections(DetectionFilter(), limit: 1).first?.id))
        // G reads the last page directly.
        r.send(.character("g"), .character("g"), .character("G"))
        let last = try f.store.detections(DetectionFilter(), limit: 400).last?.id
        #expect(r.selectedID == last)
    }

    @Test("filter: errors inline while typing, applied on Enter")
    func filterTyping() throws {
        let f = try ConsoleFixture()
        let r = f.runner()
        r.send(.character("/"))
        r.type("urg:P9")
        #expect(r.app.state.prompt?.error == "unknown urgency P9")
        #expect(r.frame().rowText(29).contains("unknown urgency P9"))
        r.send(.enter) // refused while the error stands
        #expect(r.app.state.prompt != nil)
        for _ in 0..<6 { r.send(.backspace) }
        r.type("cust:acme urg:P1..P2")
        #expect(r.app.state.prompt?.error == nil)
        r.send(.enter)
        #expect(r.app.state.prompt == nil)
        let rows = try #require(r.queue?.rows)
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0.customerID == "acme" && $0.urgency <= .p2 })
        // Customer display names work as well as ids; bare words search signatures.
        r.send(.character("/"), .ctrl("u"))
        r.type("cust:beta probe")
        r.send(.enter)
        #expect(r.queue?.rows.count == 5)
        #expect(r.queue?.rows.allSatisfy { $0.customerID == "beta" && $0.signature.name.contains("probe") } == true)
    }

    @Test("group toggle by key and by :group, with counts; enter drills into a group")
    func grouping() throws {
        let f = try ConsoleFixture()
        let r = f.runner()
        r.send(.tab)
        #expect(r.queue?.grouping == .signature)
        #expect(r.queue?.groups.count == 12)
        r.send(.character(":"))
        r.type("gr")
        r.send(.tab)
        #expect(r.app.state.prompt?.input.text == "group ")
        r.type("cu")
        r.send(.tab)
        #expect(r.app.state.prompt?.input.text == "group customer ")
        r.send(.enter)
        #expect(r.queue?.grouping == .customer)
        let groups = try #require(r.queue?.groups)
        #expect(Set(groups.map(\.key)) == ["acme", "beta"])
        #expect(groups.first { $0.key == "acme" }?.count == 7)
        let screen = r.frame().snapshot()
        #expect(screen.contains("株式会社アクメ"))
        #expect(screen.contains("by customer"))
        // Drill into acme's group: a queue filtered to it, with a breadcrumb.
        let acmeIndex = try #require(groups.firstIndex { $0.key == "acme" })
        r.send(Array(repeating: Key.character("j"), count: acmeIndex))
        r.send(.enter)
        #expect(r.app.state.stack.count == 2)
        #expect(r.queue?.rows.count == 7)
        #expect(r.frame().rowText(0).contains("Queue › cust 株式会社アクメ"))
        r.send(.escape)
        #expect(r.app.state.stack.count == 1)
        r.send(.character(":"))
        r.type("group none")
        r.send(.enter)
        #expect(r.queue?.grouping == nil)
    }

    @Test("an action on a group row applies to the whole group")
    func groupAction() throws {
        let f = try ConsoleFixture()
        let r = f.runner()
        r.send(.character(":"))
        r.type("group customer")
        r.send(.enter)
        let idx = try #require(r.queue?.groups.firstIndex { $0.key == "beta" })
        r.send(Array(repeating: Key.character("j"), count: idx))
        r.send(.character("a"))
        let beta = try f.store.detections(DetectionFilter(customers: ["beta"]), limit: 100)
        #expect(beta.count == 5)
        #expect(beta.allSatisfy { $0.status == .acknowledged })
        let acme = try f.store.detections(DetectionFilter(customers: ["acme"]), limit: 100)
        #expect(acme.allSatisfy { $0.status == .new })
    }
}
