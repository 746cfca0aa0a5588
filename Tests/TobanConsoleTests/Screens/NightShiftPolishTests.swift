import Foundation
import Testing
import TobanConsole
import TobanCore
import TobanStore
import TobanTestSupport

/// What a new analyst tripped over on the first night, each as the class it is.
@Suite("The console as a night shift finds it")
struct NightShiftPolishTests {
    @Test("the title shows the filter, the count and the position")
    func titleShowsFilterCountAndPosition() throws {
        let f = try ConsoleFixture()
        let r = f.runner(width: 120, height: 30)
        let count = try #require(r.queue?.rows.count)
        #expect(r.frame().rowText(0).contains("1/\(count)"))
        r.send(.character("j"), .character("j"))
        #expect(r.frame().rowText(0).contains("3/\(count)"))
        r.send(.character("/"))
        r.type("cust:beta")
        r.send(.enter)
        let title = r.frame().rowText(0)
        #expect(title.contains("/cust:beta"))
        #expect(title.contains("1/5"))
    }

    @Test("the header names customers worst first and counts the ones that do not fit")
    func headerCountsWhatDoesNotFit() throws {
        let f = try ConsoleFixture(seed: false)
        let many = (0..<8).map { i in
            Customer(id: "k\(i)", displayName: "Cust-\(i)", networks: [try! CIDR(parsing: "10.\(50 + i).0.0/16")], sensors: ["k\(i)"])
        }
        try f.store.saveCustomers(many, at: t0)
        var list: [Detection] = []
        for (i, c) in many.enumerated() {
            // k7 has the only P1: it must come first whatever its name or order.
            list.append(makeDetection(customer: c.id, sensor: c.sensors[0], signature: "3\(i)", name: "sig \(i)",
                                      severity: i == 7 ? .critical : .low, src: "10.\(50 + i).0.1", endpoint: "10.\(50 + i).0.1",
                                      at: t0, offset: Int64(i)))
        }
        try f.store.commit(IngestBatch(detections: list), customers: many, now: f.clock.now)
        let r = f.runner(width: 80, height: 24)
        let header = r.frame().rowText(1)
        #expect(header.contains("open P1/2/3/4/5  Cust-7 1/"))
        let shown = many.filter { header.contains($0.displayName) }.count
        #expect(shown < many.count)
        #expect(header.contains("+\(many.count - shown) more"))
    }

    @Test("ages in the endpoint's reasons are worked out when drawn, not frozen at scoring")
    func agesAreNotFrozen() throws {
        let f = try ConsoleFixture()
        let r = f.runner(width: 140, height: 40)
        r.post(.tick(f.clock.now))
        r.send(.character("e"))
        let before = r.frame().snapshot()
        #expect(before.contains("ago"))
        r.post(.tick(f.clock.now.addingTimeInterval(3 * 3600)))
        let after = r.frame().snapshot()
        #expect(after.contains("3h ago"))
        #expect(!after.contains("⟦"))
    }

    @Test("the endpoint page names the address once and tells its history in sentences")
    func endpointPageReadsCleanly() throws {
        let f = try ConsoleFixture()
        try f.store.setEndpointStatus(customer: "acme", address: ip("10.0.0.5"), status: .suspect, note: "beaconing to C2",
                                      actor: "tanaka", at: f.clock.now)
        let r = f.runner(width: 120, height: 60)
        r.send(.character(":"))
        r.type("endpoints")
        r.send(.enter)
        guard case .endpoints(let e) = r.app.state.top else { Issue.record("not on endpoints"); return }
        let index = try #require(e.rows.firstIndex { $0.address == ip("10.0.0.5") })
        r.send(Array(repeating: Key.character("j"), count: index))
        r.send(.enter)
        let page = r.frame().snapshot()
        let firstLine = try #require(page.split(separator: "\n").first { $0.contains("10.0.0.5") })
        #expect(firstLine.components(separatedBy: "10.0.0.5").count == 2)
        #expect(page.contains("tanaka marked 10.0.0.5 suspect (被疑): beaconing to C2"))
        #expect(!page.contains("{\""))
    }

    @Test("a new P1 rings the bell once and its marker stands out; the ones already there do not ring")
    func newP1RingsTheBell() throws {
        let f = try ConsoleFixture()
        let r = f.runner(width: 140, height: 30)
        #expect(r.bells == 0)
        try f.commit([makeDetection(signature: "2039999", name: "ET MALWARE new beacon", severity: .critical, src: "10.0.0.77",
                                    endpoint: "10.0.0.77", at: f.clock.now, offset: 99)])
        r.post(.storeChanged)
        r.post(.tick(f.clock.now))
        #expect(r.bells == 1)
        #expect(r.frame().rowText(0).contains("+1 new ★★★ P1 (n)"))
        r.post(.storeChanged)
        r.post(.tick(f.clock.now))
        #expect(r.bells == 1)
        r.send(.character("n"))
        #expect(!r.frame().rowText(0).contains("★★★ P1"))
    }

    @Test("closing says the disposition's name, not its number")
    func dispositionsByName() throws {
        let f = try ConsoleFixture()
        let r = f.runner(width: 140, height: 30)
        r.send(.function(6))
        #expect(r.app.state.message?.contains("closed as Cat VI scan") == true)
    }

    @Test("below the minimum size no key acts on the hidden queue; leaving and help still work")
    func nothingActsWhileTooSmall() throws {
        let f = try ConsoleFixture()
        let r = f.runner(width: 120, height: 30)
        let top = try #require(r.selectedID)
        r.resize(TerminalSize(width: 30, height: 8))
        #expect(r.frame().snapshot().contains("Terminal too small"))
        for key: Key in [.function(1), .character("8"), .character("a"), .character("c"), .character("v"), .function(9), .character("C")] {
            r.send(key)
        }
        let d = try #require(try f.store.detection(id: top))
        #expect(d.status == .new && d.disposition == nil && d.assignee == nil)
        #expect(r.queue?.marks.isEmpty == true)
        #expect(r.app.state.prompt == nil && r.app.state.picker == nil)
        r.send(.character("?"))
        if case .help = r.app.state.top {} else { Issue.record("help did not open") }
    }

    @Test("V marks every row on screen, m a range; the mark is a symbol, and a bulk close says how many")
    func bulkMarking() throws {
        let f = try ConsoleFixture()
        let r = f.runner(width: 120, height: 12)
        r.send(.character("V"))
        let visible = r.app.state.listRows
        #expect(r.queue?.marks.count == visible)
        let grid = r.frame()
        let first = try #require((0..<grid.height).first { grid.rowText($0).contains("P1 ★★★") })
        #expect(grid.rowText(first).hasPrefix("●"))
        // Range: on a fresh console, mark row 1, move to row 3, m marks rows 1–3 and the cursor's.
        let r2 = f.runner(width: 120, height: 12)
        r2.send(.character("v"))
        r2.send(.character("j"), .character("j"))
        r2.send(.character("m"))
        #expect(r2.queue?.marks.count == 4)
        r2.send(.function(6))
        #expect(r2.app.state.message?.hasPrefix("4 detections closed as Cat VI scan — u to undo") == true)
        r2.send(.character("u"))
        #expect(try f.store.detections(DetectionFilter(statuses: [.closed]), limit: 100).isEmpty)
    }

    @Test("an IPv4 endpoint is never cut, even at 80 columns; an IPv6 one is elided in the middle")
    func addressesAreNotCut() throws {
        let f = try ConsoleFixture(seed: false)
        try f.commit([makeDetection(signature: "1", name: "ET SCAN long", severity: .low, src: "10.200.200.200", endpoint: "10.200.200.200",
                                    at: t0, offset: 1)])
        for width in [80, 120, 200] {
            let r = f.runner(width: width, height: 24)
            #expect(r.frame().snapshot().contains("10.200.200.200"), "width \(width)")
        }
        #expect(Formatting.address("2001:db8:85a3:0:0:8a2e:370:7334", width: 15) == "2001:db…70:7334")
        #expect(Formatting.address("10.200.200.200", width: 10) == "10.200.200.200")
    }

    @Test("wrapping breaks at spaces; only a word longer than the line is broken")
    func wrapsAtWords() {
        let rows = Formatting.wrap(SafeText("critical sensor-acme-01 beacon"), width: 14).map(\.string)
        #expect(rows == ["critical", "sensor-acme-01", "beacon"])
        let long = Formatting.wrap(SafeText("averyveryverylongtoken end"), width: 10).map(\.string)
        #expect(long == ["averyveryv", "erylongtok", "en end"])
    }

    @Test("gh shows ingest health; a heartbeat is a sign of life; a sensor in planned maintenance is no gap")
    func healthScreen() throws {
        let f = try ConsoleFixture()
        let later = f.clock.now.addingTimeInterval(2 * 3600)
        // Two hours on: b1 (beta) sent only a `stats` heartbeat; s1 (acme) nothing at all.
        try f.store.commit(IngestBatch(sensorHealth: [SensorHealthSample(sensor: "b1", customerID: "beta", at: later.addingTimeInterval(-60),
                                                                         isHeartbeat: true)]),
                           customers: [acme, beta], now: later)
        let silent = try f.store.ingestHealth(now: later).silentSensors.map(\.sensor)
        #expect(silent == ["s1"])
        f.clock.set(later)
        var env = f.environment()
        env.quarantinePath = "/var/lib/toban/store.sqlite.quarantine.jsonl"
        let r = SyncRunner(ConsoleModel(environment: env), size: TerminalSize(width: 120, height: 40))
        r.post(.tick(later))
        #expect(r.frame().rowText(38).contains("silent 1"))
        r.send(.character("g"), .character("h"))
        let screen = r.frame().snapshot()
        #expect(screen.contains("Queue › Ingest health"))
        #expect(screen.contains("Silent sensors: 1 (monitoring gaps)"))
        #expect(screen.contains("s1  株式会社アクメ  since"))
        #expect(screen.contains("in /var/lib/toban/store.sqlite.quarantine.jsonl"))
        #expect(screen.contains("Unassigned:"))
        // acme in its planned maintenance: silence is expected, not a gap.
        env.inMaintenance = { customer, _ in customer == "acme" }
        let resting = SyncRunner(ConsoleModel(environment: env), size: TerminalSize(width: 120, height: 40))
        resting.post(.tick(later))
        #expect(resting.frame().rowText(38).contains("silent 0"))
        resting.send(.character(":"))
        resting.type("health")
        resting.send(.enter)
        #expect(resting.frame().snapshot().contains("Silent sensors: 0 (monitoring gaps), 1 more in planned maintenance"))
    }

    @Test(":group source makes one outside scanner against 25 hosts one row with 25 targets; Enter shows the probes")
    func scansAreOneRow() throws {
        let f = try ConsoleFixture(seed: false)
        var probes: [Detection] = []
        for i in 0..<25 {
            probes.append(makeDetection(signature: "2001219", name: "ET SCAN Potential SSH Scan", severity: .medium, src: "198.51.100.7",
                                        dst: "10.0.1.\(i + 1)", endpoint: "10.0.1.\(i + 1)", at: t0.addingTimeInterval(Double(i)),
                                        offset: Int64(i)))
        }
        try f.commit(probes)
        let r = f.runner(width: 120, height: 40)
        #expect(r.queue?.rows.count == 25)
        r.send(.character(":"))
        r.type("group source")
        r.send(.enter)
        let groups = try #require(r.queue?.groups)
        #expect(groups.count == 1)
        #expect(groups.first?.count == 25 && groups.first?.targets == 25)
        #expect(r.frame().snapshot().contains("198.51.100.7 → 25 targets  株式会社アクメ"))
        r.send(.enter)
        #expect(r.queue?.rows.count == 25)
        #expect(r.frame().rowText(0).contains("source 198.51.100.7"))
    }

    @Test("Enter on the endpoint page's timeline opens the detection under the cursor; / filters every list")
    func timelineAndFilterEverywhere() throws {
        let f = try ConsoleFixture()
        let r = f.runner(width: 140, height: 50)
        r.send(.character("e"))
        r.send(.character("/"))
        r.type("beta")
        r.send(.enter)
        guard case .endpoints(let e) = r.app.state.top else { Issue.record("not on endpoints"); return }
        #expect(!e.rows.isEmpty && e.rows.allSatisfy { $0.customerID == "beta" })
        #expect(r.frame().snapshot().contains("filter: beta"))
        r.send(.enter)
        guard case .endpointPage(let p) = r.app.state.top else { Issue.record("not on the endpoint page"); return }
        let first = try #require(p.timelineDetections.first)
        #expect(r.frame().snapshot().contains("› "))
        r.send(.enter)
        guard case .detail(let d) = r.app.state.top else { Issue.record("Enter on the timeline opened nothing"); return }
        #expect(d.detectionID == first.id)
        // The outbox too.
        for subject in ["for acme", "for beta"] {
            try f.store.createNotification(CustomerNotification(customerID: subject.hasSuffix("acme") ? "acme" : "beta", urgency: .p2,
                                                                recipients: ["soc@x.example"], subject: subject, state: .approved,
                                                                dueAt: f.clock.now, createdAt: f.clock.now), actor: "t", at: f.clock.now)
        }
        r.send(.character("O"))
        r.send(.character("/"))
        r.type("beta")
        r.send(.enter)
        guard case .outbox(let o) = r.app.state.top else { Issue.record("not on the outbox"); return }
        #expect(o.rows.map(\.subject) == ["for beta"])
    }

    @Test("one language per screen: English hints and prompts with Japanese terms in parentheses, or all Japanese")
    func oneLanguagePerScreen() throws {
        let f = try ConsoleFixture()
        func isJapanese(_ c: Character) -> Bool { c.unicodeScalars.contains { (0x3040...0x30FF).contains($0.value) || (0x4E00...0x9FFF).contains($0.value) } }
        let en = f.runner(width: 120, height: 30)
        en.send(.character("e"))
        let hints = en.frame().rowText(29)
        #expect(hints.contains("suspect") && hints.contains("cleared") && !hints.contains { isJapanese($0) }, "\(hints)")
        en.send(.character("s"))
        let prompt = en.frame().rowText(29)
        #expect(prompt.hasPrefix("Note, suspect (被疑):"), "\(prompt)")
        var env = f.environment()
        env.labels = Labels(.ja)
        let ja = SyncRunner(ConsoleModel(environment: env), size: TerminalSize(width: 120, height: 30))
        ja.send(.character("e"))
        let jaHints = ja.frame().rowText(29)
        #expect(jaHints.contains("被疑") && jaHints.contains("問題なし") && !jaHints.contains("cleared"), "\(jaHints)")
        ja.send(.character("s"))
        #expect(ja.frame().rowText(29).hasPrefix("メモ, 被疑:"))
        // Titles, columns and help read in Japanese too.
        ja.send(.escape, .escape)
        let queue = ja.frame()
        #expect(queue.rowText(0).contains("キュー"))
        #expect(queue.rowText(2).contains("緊急度") && queue.rowText(2).contains("シグネチャ") && !queue.rowText(2).contains("Signature"))
        ja.send(.character("?"))
        let help = ja.frame().snapshot()
        #expect(help.contains("全画面") && help.contains("下へ") && !help.contains("Move down"), "\(help)")
        // Screens' own text: the incident list and page, the outbox, health.
        ja.send(.escape)
        let top = try #require(try f.store.detections(DetectionFilter(urgencies: .p1 ... .p1), limit: 1).first)
        try f.store.escalate([top.id], comment: "c2", actor: "tanaka", at: f.clock.now)
        ja.send(.character("I"))
        let list = ja.frame().snapshot()
        #expect(list.contains("緊急度順・古い順のインシデント") && list.contains("未着手") && list.contains("未送信"), "\(list)")
        ja.send(.enter)
        let page = ja.frame().snapshot()
        #expect(page.contains("状態     未着手") && page.contains("検知 (1) — Enter で開く") && page.contains("履歴"), "\(page)")
        #expect(page.contains("tanaka インシデントを開始: c2") && page.contains("をエスカレーション: c2"), "\(page)")
        ja.send(.character("O"))
        #expect(ja.frame().snapshot().contains("送信箱 — 待ち 0"))
        ja.send(.character("g"), .character("h"))
        #expect(ja.frame().snapshot().contains("無通信センサー"))
    }
}
