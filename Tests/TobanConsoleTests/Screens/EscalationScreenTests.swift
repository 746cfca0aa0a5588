import Foundation
import Testing
import TobanConsole
import TobanCore
import TobanStore
import TobanTestSupport

@Suite("Incidents, outbox and pages in the console")
struct EscalationScreenTests {
    /// The top P1 (Cobalt Strike) escalated with a comment through F9.
    func escalateTop(_ r: SyncRunner<ConsoleModel>, comment: String = "beacon confirmed") {
        r.send(.function(9))
        if r.app.state.picker != nil { r.send(.enter) } // "New incident" is the first choice
        r.type(comment)
        r.send(.enter)
    }

    @Test("F9 makes an incident the list shows with its id, urgency, customer and state; Enter opens its page")
    func incidentListAndPage() throws {
        let f = try ConsoleFixture()
        let r = f.runner(width: 140, height: 40)
        let id = try #require(r.selectedID)
        escalateTop(r)
        let incident = try #require(try f.store.incidents().first)
        let name = Incident.displayID(id: incident.id, createdAt: incident.createdAt)
        r.send(.character("I"))
        guard case .incidents(let s) = r.app.state.top else { Issue.record("not on incidents"); return }
        #expect(s.rows.map(\.incident.id) == [incident.id])
        let list = r.frame().snapshot()
        #expect(list.contains("Queue › Incidents"))
        #expect(list.contains(name) && name.hasPrefix("INC-"))
        #expect(list.contains("株式会社アクメ"))
        #expect(list.contains("P1 ★★★"))
        #expect(list.contains("open"))
        #expect(list.contains("not yet")) // the customer has not been sent anything yet
        r.send(.enter)
        guard case .incidentPage(let p) = r.app.state.top else { Issue.record("not on the incident page"); return }
        #expect(p.data?.detections.map(\.id) == [id])
        let page = r.frame().snapshot()
        #expect(page.contains("Incidents › \(name)"))
        #expect(page.contains("ET MALWARE Cobalt Strike Beacon"))
        #expect(page.contains("tanaka opened the incident: beacon confirmed"))
        #expect(page.contains("tanaka escalated #\(id): beacon confirmed"))
        #expect(!page.contains("{\"")) // history in sentences, not JSON
        // Enter on the detection line opens the detection.
        r.send(.enter)
        guard case .detail(let d) = r.app.state.top else { Issue.record("Enter did not open the detection"); return }
        #expect(d.detectionID == id)
    }

    @Test("advance, claim, note, then close with an outcome from the picker; reopen makes a new incident")
    func workAnIncidentToItsClose() throws {
        let f = try ConsoleFixture()
        let r = f.runner(width: 140, height: 50)
        let detection = try #require(r.selectedID)
        escalateTop(r)
        r.send(.character("I"))
        r.send(.enter)
        r.send(.character(">"))
        let id = try #require(try f.store.incidents().first?.id)
        #expect(try f.store.incident(id: id)?.state == .investigating)
        r.send(.character(">"))
        #expect(try f.store.incident(id: id)?.state == .customerNotified)
        r.send(.character("A"))
        #expect(r.app.state.picker != nil)
        r.send(.escape)
        r.send(.character("N"))
        r.type("called the desk, 03:10")
        r.send(.enter)
        r.send(.character("x"))
        let picker = try #require(r.app.state.picker)
        #expect(picker.options.map(\.label) == ["true positive", "false positive", "benign", "duplicate"])
        r.send(.character("j"))
        r.send(.enter)
        r.type("lab test traffic")
        r.send(.enter)
        let closed = try #require(try f.store.incident(id: id))
        #expect(closed.state == .closed && closed.outcome == .falsePositive)
        #expect(try f.store.detection(id: detection)?.disposition == .falsePositive)
        let page = r.frame().snapshot()
        #expect(page.contains("closed — outcome false positive"))
        #expect(page.contains("tanaka: called the desk, 03:10"))
        #expect(page.contains("closed the incident as false positive: lab test traffic"))
        #expect(page.contains("moved the incident to customer notified"))
        r.send(.character("R"))
        r.type("customer saw it again")
        r.send(.enter)
        let all = try f.store.incidents()
        let reopened = try #require(all.first { $0.id != id })
        #expect(reopened.reopenedFrom == id && reopened.state == .open && reopened.detectionIDs == [detection])
    }

    @Test("F9 offers the customer's open incidents; joining one adds the detection to it")
    func joinAnOpenIncident() throws {
        let f = try ConsoleFixture()
        let r = f.runner(width: 140, height: 40)
        escalateTop(r)
        let first = try #require(try f.store.incidents().first)
        // The next acme row (beta rows would belong to another customer's incidents).
        let acmeRow = try #require(r.queue?.rows.firstIndex { $0.customerID == "acme" && $0.status != .escalated })
        let target = try #require(r.queue?.rows[acmeRow].id)
        r.send(.character("g"), .character("g"))
        r.send(Array(repeating: Key.character("j"), count: acmeRow))
        #expect(r.selectedID == target)
        r.send(.function(9))
        let picker = try #require(r.app.state.picker)
        #expect(picker.options.first?.label == "New incident")
        #expect(picker.options.count == 2 && picker.options[1].label.contains(Incident.displayID(id: first.id, createdAt: first.createdAt)))
        r.send(.character("2"))
        #expect(r.app.state.prompt?.kind == .joinComment(incidentID: first.id))
        r.type("same campaign")
        r.send(.enter)
        #expect(try f.store.incidents().count == 1)
        #expect(try f.store.incident(id: first.id)?.detectionIDs.contains(target) == true)
        #expect(r.app.state.message?.contains("joined INC-") == true)
    }

    @Test("merging: the merged incident closes as a duplicate and its detections move across")
    func mergeTwoIncidents() throws {
        let f = try ConsoleFixture()
        let acme = try f.store.detections(DetectionFilter(customers: ["acme"]), limit: 100)
        let (a, _) = try f.store.escalate([acme[0].id], comment: "one", actor: "sato", at: f.clock.now)
        let (b, _) = try f.store.escalate([acme[1].id], comment: "two", actor: "sato", at: f.clock.now)
        let r = f.runner(width: 140, height: 40)
        r.send(.character("I"))
        guard case .incidents(let s) = r.app.state.top else { Issue.record("not on incidents"); return }
        let index = try #require(s.rows.firstIndex { $0.incident.id == b.id })
        r.send(Array(repeating: Key.character("j"), count: index))
        r.send(.character("M"))
        let picker = try #require(r.app.state.picker)
        #expect(picker.options.count == 1 && picker.options[0].value == "\(a.id)")
        r.send(.enter)
        let merged = try #require(try f.store.incident(id: b.id))
        #expect(merged.state == .closed && merged.outcome == .duplicate && merged.mergedInto == a.id)
        #expect(Set(try #require(try f.store.incident(id: a.id)).detectionIDs) == [acme[0].id, acme[1].id])
        // The closed duplicate leaves the open list.
        guard case .incidents(let after) = r.app.state.top else { return }
        #expect(after.rows.map(\.incident.id) == [a.id])
    }

    @Test("/ filters incidents with the queue's language; a bad term shows an error while typing")
    func filterIncidents() throws {
        let f = try ConsoleFixture()
        let acme = try f.store.detections(DetectionFilter(customers: ["acme"]), limit: 1)
        let beta = try f.store.detections(DetectionFilter(customers: ["beta"]), limit: 1)
        try f.store.escalate([acme[0].id], comment: "a", actor: "sato", at: f.clock.now)
        try f.store.escalate([beta[0].id], comment: "b", actor: "sato", at: f.clock.now)
        let r = f.runner(width: 140, height: 40)
        r.send(.character("I"))
        r.send(.character("/"))
        r.type("sensor:x")
        #expect(r.app.state.prompt?.error == "incidents have no sensor: filter")
        r.send(Array(repeating: Key.backspace, count: 8))
        r.type("cust:beta")
        r.send(.enter)
        guard case .incidents(let s) = r.app.state.top else { Issue.record("not on incidents"); return }
        #expect(s.rows.map(\.incident.customerID) == ["beta"])
        #expect(r.frame().snapshot().contains("filter: cust:beta"))
    }

    @Test("C confirms to the customer: the detection is escalated and an item waits for the dispatcher")
    func confirmFromTheQueue() throws {
        let f = try ConsoleFixture()
        let r = f.runner(width: 140, height: 40)
        let id = try #require(r.selectedID)
        r.send(.character("C"))
        #expect(r.app.state.prompt?.kind == .confirmNote)
        r.type("please isolate the host")
        r.send(.enter)
        #expect(try f.store.detection(id: id)?.status == .escalated)
        let items = try f.store.pendingOutboxItems()
        #expect(items.count == 1 && items.first?.detectionIDs == [id] && items.first?.note == "please isolate the host")
        r.send(.character("O"))
        #expect(r.frame().snapshot().contains("1 confirmed item(s) not yet assembled"))
        // Undo takes the confirmation back, and its item with it.
        r.send(.escape)
        r.send(.character("u"))
        #expect(try f.store.pendingOutboxItems().isEmpty)
    }

    func queued(_ f: ConsoleFixture, subject: String, due: Date, urgency: Urgency = .p1) throws -> CustomerNotification {
        try f.store.createNotification(CustomerNotification(customerID: "acme", urgency: urgency, recipients: ["soc@acme.example"],
                                                            subject: subject, body: "line one\nline \u{1B}[31mtwo", state: .approved,
                                                            dueAt: due, createdAt: f.clock.now), actor: "test", at: f.clock.now)
    }

    @Test("the outbox lists what waits, overdue in the P1 colour; hold, release, cancel and send now act on the store")
    func outboxKeys() throws {
        let f = try ConsoleFixture()
        let late = try queued(f, subject: "[★★★] late \u{1B}]0;pwned\u{07}", due: f.clock.now.addingTimeInterval(-120))
        let soon = try queued(f, subject: "soon", due: f.clock.now.addingTimeInterval(600), urgency: .p3)
        let r = f.runner(width: 140, height: 30)
        r.post(.tick(f.clock.now))
        r.send(.character("O"))
        guard case .outbox(let s) = r.app.state.top else { Issue.record("not on the outbox"); return }
        #expect(s.rows.map(\.id) == [late.id, soon.id])
        let grid = r.frame()
        let text = grid.snapshot()
        #expect(text.contains("2 waiting, 1 overdue"))
        #expect(text.contains("soc@acme.example"))
        let lateRow = try #require((0..<grid.height).first { grid.rowText($0).contains(" -2m ") })
        #expect(grid.rowText(lateRow).contains("approved"))
        // Preview: headers and body, escape sequences made inert.
        r.send(.character("p"))
        let preview = r.frame().snapshot()
        #expect(preview.contains("Subject: [★★★] late"))
        #expect(!preview.contains("\u{1B}"))
        #expect(preview.contains("line one"))
        r.send(.escape)
        r.send(.character("H"))
        r.send(.enter) // a hold needs a reason
        #expect(r.app.state.prompt?.error?.contains("reason") == true)
        r.type("customer asked to wait for the call")
        r.send(.enter)
        #expect(try f.store.notification(id: late.id)?.state == .held)
        #expect(r.frame().snapshot().contains("held: customer asked to wait"))
        r.send(.character("L"))
        #expect(try f.store.notification(id: late.id)?.state == .approved)
        r.send(.character("j"))
        r.send(.character("S"))
        #expect(try #require(try f.store.notification(id: soon.id)).dueAt <= f.clock.now)
        r.send(.character("X"))
        r.type("duplicate of the call")
        r.send(.enter)
        #expect(try f.store.notification(id: soon.id)?.state == .cancelled)
    }

    @Test("E edits in the editor on a private file that is removed afterwards; the edit is a new revision")
    func editInTheEditor() throws {
        let f = try ConsoleFixture()
        let n = try queued(f, subject: "original", due: f.clock.now.addingTimeInterval(600))
        let seen = Locked<(mode: mode_t, path: String)?>(nil)
        var env = f.environment()
        env.editor = { path in
            var st = stat()
            stat(path, &st)
            seen.value = (st.st_mode & 0o777, path)
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            try? text.replacingOccurrences(of: "Subject: original", with: "Subject: edited by hand").write(toFile: path, atomically: false, encoding: .utf8)
            return 0
        }
        let r = SyncRunner(ConsoleModel(environment: env), size: TerminalSize(width: 120, height: 30))
        r.send(.character("O"))
        r.send(.character("E"))
        let edited = try #require(try f.store.notification(id: n.id))
        #expect(edited.subject == "edited by hand" && edited.revision == 1)
        #expect(edited.body == "line one\nline \u{1B}[31mtwo")
        let (mode, path) = try #require(seen.value)
        #expect(mode == 0o600)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a page shows as a banner on the console and rings once; ! acknowledges it for everyone")
    func pageBannerAndAcknowledge() throws {
        let f = try ConsoleFixture()
        let page = try f.store.recordPage(Page(chain: "detection:1", customerID: "acme", urgency: .p1,
                                              summary: "P1 unconfirmed: ET MALWARE \u{1B}[2J beacon (株式会社アクメ, #1)",
                                              reason: .deadlineNear, level: 0, round: 0, layer: "analyst", login: "suzuki",
                                              pagedAt: f.clock.now, acknowledgeBy: f.clock.now.addingTimeInterval(900)), at: f.clock.now)
        let r = f.runner(width: 120, height: 30)
        #expect(r.bells == 1)
        let grid = r.frame()
        #expect(grid.rowText(1).contains("PAGE suzuki (analyst): P1 unconfirmed"))
        #expect(grid.rowText(1).contains("! acknowledges"))
        #expect(!grid.snapshot().contains("\u{1B}"))
        // A second refresh of the header does not ring again.
        r.post(.storeChanged)
        r.post(.tick(f.clock.now))
        #expect(r.bells == 1)
        r.send(.character("!"))
        let stored = try #require(try f.store.pages(chain: "detection:1").first)
        #expect(stored.id == page.id && stored.acknowledgedBy == "tanaka")
        #expect(!r.frame().rowText(1).contains("PAGE"))
        #expect(try f.store.openPages().isEmpty)
    }

    @Test("★★★ on-site window: remaining time inside it, a request recorded with V, closed after 30 days")
    func onSiteWindow() throws {
        let f = try ConsoleFixture()
        let top = try #require(try f.store.detections(DetectionFilter(urgencies: .p1 ... .p1), limit: 1).first)
        let (incident, _) = try f.store.escalate([top.id], comment: "beacon", actor: "tanaka", at: f.clock.now)
        var n = try f.store.createNotification(CustomerNotification(customerID: "acme", incidentID: incident.id, urgency: .p1,
                                                                    recipients: ["soc@acme.example"], subject: "[★★★]", state: .approved,
                                                                    dueAt: f.clock.now, createdAt: f.clock.now), actor: "t", at: f.clock.now)
        _ = try f.store.claimNotification(n.id, owner: "t", at: f.clock.now, lease: 60) { n, _ in (n.subject, n.body) }
        try f.store.recordDelivery(n.id, owner: "t", outcome: .sent(response: "250 OK"), at: f.clock.now)
        n = try #require(try f.store.notification(id: n.id))
        let r = f.runner(width: 140, height: 50)
        r.post(.tick(f.clock.now.addingTimeInterval(3600)))
        r.send(.character("I"), .enter)
        let open = r.frame().snapshot()
        #expect(open.contains("★★★ window open: 29d 23h left"))
        #expect(open.contains("250 OK"))
        // Read after the window: it says it has closed.
        r.post(.tick(f.clock.now.addingTimeInterval(31 * 86_400)))
        #expect(r.frame().snapshot().contains("★★★ window closed at"))
        r.post(.tick(f.clock.now.addingTimeInterval(3600)))
        r.send(.character("V"))
        r.type("customer asks for a visit at 10:00")
        r.send(.enter)
        #expect(try f.store.incident(id: incident.id)?.onSiteRequest?.note == "customer asks for a visit at 10:00")
        #expect(r.frame().snapshot().contains("on-site  requested by tanaka"))
        #expect(n.state == .sent)
    }
}

/// A value the editor closure (Sendable) can report back through.
final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}
