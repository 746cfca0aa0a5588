import Foundation
import Testing
import TobanCore
import TobanNotify
import TobanStore
import TobanTestSupport

@Suite("The on-call ladder")
struct OnCallPagerTests {
    static let emails = ["suzuki": "suzuki@soc.example", "tanaka": "tanaka@soc.example", "yamada": "yamada@soc.example"]

    func pager(_ f: NotifyFixture, repeats: Int = 2) -> OnCallPager {
        let roster = OnCallRoster(layers: [
            OnCallLayer(name: "analyst", rotation: .fixed("suzuki")),
            OnCallLayer(name: "shift_lead", rotation: .fixed("tanaka")),
            OnCallLayer(name: "manager", rotation: .fixed("yamada")),
        ], overrides: [])
        let settings = f.settings
        return OnCallPager(store: f.store, ladder: PagingLadder(levels: ["analyst", "shift_lead", "manager"], acknowledgeMinutes: 15, repeats: repeats),
                           deadlineLead: 5 * 60,
                           deadlines: ConfirmationDeadlines(customers: [f.customer]) { settings.tuning.overridden(by: $0.notificationPolicy.tuning) }) { layer, at in
            roster.onCall(layer: layer, at: at).map { OnCallPager.Reach(login: $0.login, address: Self.emails[$0.login]) }
        }
    }

    @Test("an unconfirmed P1 pages the analyst 5 minutes before its deadline, then the shift lead 15 minutes later")
    func ladderClimbsAtTheRightMinutes() throws {
        let f = try NotifyFixture()
        let arrived = NotifyFixture.jst("2027-01-12T03:00:00")
        let id = try f.detection(.p1, at: arrived, confirmedAt: nil, signature: "ET MALWARE beacon \u{1B}[2J\r\nBcc: x@evil.example")
        let p = pager(f)
        // The P1 deadline is 15 minutes after arrival: paging starts at 03:10.
        #expect(try p.pass(at: arrived.addingTimeInterval(9 * 60 + 59)).isEmpty)
        let first = try p.pass(at: arrived.addingTimeInterval(10 * 60))
        #expect(first.map(\.login) == ["suzuki"] && first.first?.layer == "analyst" && first.first?.reason == .deadlineNear)
        #expect(first.first?.summary.contains("#\(id)") == true)
        // Nothing more while the analyst still has time to acknowledge.
        #expect(try p.pass(at: arrived.addingTimeInterval(24 * 60 + 59)).isEmpty)
        let second = try p.pass(at: arrived.addingTimeInterval(25 * 60))
        #expect(second.map(\.login) == ["tanaka"] && second.first?.reason == .unacknowledged)
        // Each page went into the outbox, to the person paged, outside the customer's caps.
        let messages = try f.store.notifications(NotificationFilter(), before: nil, limit: 10).filter { $0.kind == .page }
        #expect(Set(messages.flatMap(\.recipients)) == ["suzuki@soc.example", "tanaka@soc.example"])
        #expect(messages.allSatisfy { $0.target == "page" && $0.state == .approved })
        // The dispatcher delivers them as written; no line break from the log reaches a header.
        let summary = try f.dispatcher().pass(at: arrived.addingTimeInterval(25 * 60))
        #expect(summary.sent == 2)
        for sent in f.mail.sent {
            #expect(sent.notification.subject.hasPrefix("[Toban page] P1 unconfirmed"))
            #expect(!sent.notification.subject.contains("\r") && !sent.notification.subject.contains("\n"))
            #expect(!sent.notification.subject.contains("\u{1B}"))
        }
        // The audit names every page.
        let paged = try f.store.recentAudit(before: nil, limit: 100).filter { $0.entry.action == "page" }
        #expect(paged.count == 2)
    }

    @Test("an acknowledgement stops the ladder; a confirmation resolves pages nobody acknowledged")
    func acknowledgeAndResolve() throws {
        let f = try NotifyFixture()
        let arrived = NotifyFixture.jst("2027-01-12T03:00:00")
        let a = try f.detection(.p1, at: arrived, confirmedAt: nil)
        let b = try f.detection(.p2, at: arrived, confirmedAt: nil)
        let p = pager(f)
        // P2's deadline is 30 minutes: paged at 03:25; P1 at 03:10.
        #expect(try p.pass(at: arrived.addingTimeInterval(10 * 60)).map(\.chain) == ["detection:\(a)"])
        let page = try #require(try f.store.openPages().first)
        #expect(try f.store.acknowledgePage(page.id, actor: "suzuki", at: arrived.addingTimeInterval(11 * 60)) == "detection:\(a)")
        #expect(try f.store.openPages().isEmpty)
        #expect(try p.pass(at: arrived.addingTimeInterval(60 * 60)).map(\.chain) == ["detection:\(b)"])
        // Confirming b to the customer ends its chain: the banner clears, nobody else is paged.
        try f.store.escalate([b], comment: "confirmed", actor: "tanaka", at: arrived.addingTimeInterval(61 * 60))
        #expect(try p.pass(at: arrived.addingTimeInterval(2 * 3600)).isEmpty)
        #expect(try f.store.openPages().isEmpty)
        #expect(try f.store.pages(chain: "detection:\(b)").first?.resolvedAt != nil)
    }

    @Test("the ladder goes round `repeats` times, then stops paging and the page stays open")
    func repeatsThenStops() throws {
        let f = try NotifyFixture()
        let arrived = NotifyFixture.jst("2027-01-12T03:00:00")
        try f.detection(.p1, at: arrived, confirmedAt: nil)
        let p = pager(f, repeats: 2)
        var logins: [String] = []
        for minute in stride(from: 10, through: 200, by: 1) {
            logins += try p.pass(at: arrived.addingTimeInterval(Double(minute * 60))).map(\.login)
        }
        #expect(logins == ["suzuki", "tanaka", "yamada", "suzuki", "tanaka", "yamada"])
        #expect(try f.store.openPages().count == 1)
    }

    @Test("a day of passes a minute apart pages each chain exactly as the rule says (a simulated day in milliseconds)")
    func simulatedNight() throws {
        let f = try NotifyFixture()
        let start = NotifyFixture.jst("2027-01-12T00:00:00")
        // Six P1s over the night; the analyst acknowledges only those arriving on even hours.
        var ids: [Int64] = []
        for h in 0..<6 { ids.append(try f.detection(.p1, at: start.addingTimeInterval(Double(h * 3600)), confirmedAt: nil)) }
        let p = pager(f, repeats: 1)
        for minute in 0..<(24 * 60) {
            let now = start.addingTimeInterval(Double(minute * 60))
            for page in try p.pass(at: now) {
                let hour = ids.firstIndex { "detection:\($0)" == page.chain }!
                if hour % 2 == 0 { try f.store.acknowledgePage(page.id, actor: page.login, at: now.addingTimeInterval(60)) }
            }
        }
        for (hour, id) in ids.enumerated() {
            let pages = try f.store.pages(chain: "detection:\(id)")
            #expect(pages.map(\.login) == (hour % 2 == 0 ? ["suzuki"] : ["suzuki", "tanaka", "yamada"]), "hour \(hour)")
            #expect(pages.first?.pagedAt == start.addingTimeInterval(Double(hour * 3600 + 600)))
        }
    }
}
