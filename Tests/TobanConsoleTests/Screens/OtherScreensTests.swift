import Foundation
import Testing
import TobanConsole
import TobanCore
import TobanStore
import TobanTestSupport

@Suite("Detail, endpoints, endpoint page and help screens")
struct OtherScreensTests {
    @Test("detail shows every field, why this urgency, related detections and the history")
    func detail() throws {
        let f = try ConsoleFixture()
        let r = f.runner(width: 100, height: 60)
        let id = try #require(r.selectedID)
        r.send(.character("a")) // one audit row to show
        r.send(.enter)
        guard case .detail(let d) = r.app.state.top else { Issue.record("not on detail"); return }
        #expect(d.detectionID == id)
        let text = r.frame().snapshot()
        #expect(text.contains("Queue › Detection #\(id)"))
        #expect(text.contains("P1 ★★★ 緊急"))
        #expect(text.contains("ET MALWARE Cobalt Strike Beacon"))
        #expect(text.contains("customer       株式会社アクメ (acme)"))
        #expect(text.contains("destination    203.0.113.9:443"))
        #expect(text.contains("tls_sni        cdn.bad.example"))
        #expect(text.contains("Why P1"))
        #expect(text.contains("Raw line"))
        #expect(text.contains("{\"alert\":\"ET MALWARE Cobalt Strike Beacon\"}"))
        #expect(text.contains("Same endpoint"))
        #expect(text.contains("History"))
        #expect(text.contains("tanaka acknowledge"))
        // Triage keys work on the detail too; esc goes back to the queue with the cursor unchanged.
        r.send(.character("c"))
        #expect(try f.store.detection(id: id)?.assignee == "tanaka")
        r.send(.escape)
        #expect(r.queue != nil)
        #expect(r.selectedID == id)
    }

    @Test("endpoints ranked by risk; enter opens the page; s asks for a note and marks 被疑")
    func endpoints() throws {
        let f = try ConsoleFixture()
        try f.commit([], context: [ContextBucket(customerID: "acme", endpoint: ip("10.0.0.5"), bucketStart: ContextBucket.bucketStart(for: t0),
                                                 counts: [.dns: 12, .tls: 3],
                                                 samples: [ContextSample(time: t0, kind: .dns, peer: ip("198.51.100.53"), summary: "A cdn.bad.example")])])
        let r = f.runner(width: 110, height: 40)
        r.send(.character("e"))
        guard case .endpoints(let e) = r.app.state.top else { Issue.record("not on endpoints"); return }
        #expect(!e.rows.isEmpty)
        let scores = e.rows.map(\.riskScore)
        #expect(scores == scores.sorted(by: >))
        let list = r.frame().snapshot()
        #expect(list.contains("Endpoints 被疑端末"))
        #expect(list.contains("Risk") && list.contains("Why"))
        let index = try #require(e.rows.firstIndex { $0.address == ip("10.0.0.5") })
        r.send(Array(repeating: Key.character("j"), count: index))
        r.send(.enter)
        guard case .endpointPage(let p) = r.app.state.top else { Issue.record("not on endpoint page"); return }
        #expect(p.address == ip("10.0.0.5"))
        let page = r.frame().snapshot()
        #expect(page.contains("Timeline (JST)"))
        #expect(page.contains("Cobalt Strike"))
        #expect(page.contains("dns 12"))
        #expect(page.contains("dns A cdn.bad.example → 198.51.100.53"))
        #expect(page.contains("Peers"))
        #expect(page.contains("tls_sni cdn.bad.example"))
        r.send(.character("s"))
        #expect(r.frame().rowText(39).hasPrefix("Note, suspect (被疑):"))
        r.type("beacon to known C2; customer asked to isolate")
        r.send(.enter)
        let ep = try #require(try f.store.endpoint(customer: "acme", address: ip("10.0.0.5")))
        #expect(ep.status == .suspect)
        #expect(ep.statusNote == "beacon to known C2; customer asked to isolate")
        let audit = try f.store.audit(subject: .endpoint, id: "acme|10.0.0.5")
        #expect(audit.last?.entry.actor == "tanaka")
        #expect(r.frame().snapshot().contains("suspect (被疑) — beacon to known C2"))
        // Back on the list the verdict shows in place.
        r.send(.escape)
        #expect(r.frame().snapshot().contains("被疑"))
    }

    @Test("help is generated from the keymap, including overrides")
    func help() throws {
        let f = try ConsoleFixture()
        var keymap = Keymap.defaults
        keymap.setKeys([[.character("A")]], for: .acknowledge, in: .queue)
        var env = f.environment()
        env.keymap = keymap
        let r = SyncRunner(ConsoleModel(environment: env), size: TerminalSize(width: 100, height: 80))
        r.send(.character("?"))
        let text = r.frame().snapshot()
        #expect(text.contains("Acknowledge (I am looking at it)"))
        let ackLine = try #require(text.split(separator: "\n").first { $0.contains("Acknowledge") })
        #expect(ackLine.contains("A"))
        // Help says what each key really does: dispositions by name, escalation notifies.
        #expect(text.contains("Close as Cat I: unauthorized admin/root access"))
        #expect(text.contains("Close as Cat VII: virus / malware infection"))
        #expect(text.contains("Escalate with a comment: a new incident, or join an open one"))
        #expect(text.contains("Cycle the grouping"))
        r.send(.escape)
        #expect(r.queue != nil)
        // The override is live: `A` acknowledges, `a` no longer does.
        let id = try #require(r.selectedID)
        r.send(.character("a"))
        #expect(try f.store.detection(id: id)?.status == .new)
        r.send(.character("A"))
        #expect(try f.store.detection(id: id)?.status == .acknowledged)
    }

    @Test("below 40×12 the too-small message; back to normal after growing")
    func tooSmall() throws {
        let f = try ConsoleFixture()
        let r = f.runner(width: 80, height: 24)
        r.resize(TerminalSize(width: 40, height: 12))
        let small = r.frame().snapshot()
        #expect(small.contains("当番 Toban"))
        #expect(!small.contains("Terminal too small"))
        r.resize(TerminalSize(width: 30, height: 10))
        #expect(r.frame().snapshot().contains("Terminal too small"))
        r.resize(TerminalSize(width: 80, height: 24))
        let back = r.frame().snapshot()
        #expect(back.contains("P1 ★★★"))
        #expect(!back.contains("too small"))
    }

    @Test("filter language maps to the store filter")
    func filterLanguage() {
        let (q, error) = FilterQuery.parse("cust:acme urg:P1..P2 sig~cobalt ip:10.0.0.0/8 status:new sensor:x age:<1h", customers: ["acme": "acme"])
        #expect(error == nil)
        let now = Date(timeIntervalSince1970: 1000)
        let f = q.detectionFilter(now: now)
        #expect(f.customers == ["acme"])
        #expect(f.urgencies == .p1 ... .p2)
        #expect(f.signature == "cobalt")
        #expect(f.address == AddressFilter("10.0.0.0/8"))
        #expect(f.statuses == [.new])
        #expect(f.sensor == "x")
        #expect(f.seenSince == now.addingTimeInterval(-3600))
        #expect(FilterQuery.parse("urg:P9").error == "unknown urgency P9")
        #expect(FilterQuery.parse("urg:P1..P7").error == "unknown urgency P7")
        #expect(FilterQuery.parse("cust:nope", customers: ["acme": "acme"]).error == "unknown customer nope")
        #expect(FilterQuery.parse("ip:10.0.0.0/99").error?.hasPrefix("not an address") == true)
        #expect(FilterQuery.parse("age:<soon").error?.hasPrefix("cannot read age") == true)
        #expect(FilterQuery.parse("colour:red").error?.hasPrefix("unknown filter key colour") == true)
        #expect(FilterQuery.parse("cobalt beacon").query.signature == "cobalt beacon")
    }

    @Test("help scrolls to its last line and no further")
    func helpStopsAtItsEnd() throws {
        let f = try ConsoleFixture()
        let r = f.runner(width: 100, height: 30)
        r.send(.character("?"))
        r.send(Array(repeating: Key.pageDown, count: 50))
        guard case .help(let h) = r.app.state.top else { Issue.record("not on help"); return }
        let total = HelpContent(keymap: .defaults).lineCount
        #expect(h.scroll == total - (30 - 3))
        let screen = r.frame().snapshot()
        #expect(screen.contains("Delete to the start of the line") || screen.contains("Ctrl-w"))
        r.send(.character("j"))
        guard case .help(let after) = r.app.state.top else { return }
        #expect(after.scroll == h.scroll)
    }
}
