import Foundation
import Testing
import TobanCore
@testable import TobanNotify
import TobanStore
import TobanTestSupport

/// A day of notifications, simulated in milliseconds: passes of the dispatcher as of
/// chosen times, with the customer's standard policy (P1 immediate, P2 within 30 min, P3
/// digests at :00/:30, P4 next business morning, P5 never).
@Suite struct SimulatedDayTests {
    @Test func eachUrgencyGoesOutWhenThePolicySaysAndNothingTwice() throws {
        let f = try NotifyFixture()
        let d = try f.dispatcher()
        let jst = NotifyFixture.jst
        // Friday 2027-01-08, 10:00 JST: a P1, confirmed two minutes later.
        try f.detection(.p1, at: jst("2027-01-08T10:00:00"), confirmedAt: jst("2027-01-08T10:02:00"), signature: "ET TROJAN Cobalt Strike Beacon")
        try d.pass(at: jst("2027-01-08T10:02:01"))
        #expect(f.mail.sent.count == 1)
        let first = try #require(f.mail.sent.first)
        #expect(first.notification.subject.hasPrefix("★★★【緊急】"))
        #expect(first.notification.subject.contains("10.0.0.10"))
        #expect(first.notification.recipients == ["security@acme.example"])
        #expect(first.notification.body.contains("隔離"))
        #expect(first.notification.body.contains("2027-01-08 10:00:00 (Asia/Tokyo)"))

        // Two more P1s 20 and 40 s later: storm control holds them for the group window (60 s), then one message.
        try f.detection(.p1, at: jst("2027-01-08T10:02:10"), confirmedAt: jst("2027-01-08T10:02:20"), endpoint: "10.0.0.11")
        try f.detection(.p1, at: jst("2027-01-08T10:02:30"), confirmedAt: jst("2027-01-08T10:02:40"), endpoint: "10.0.0.12")
        try d.pass(at: jst("2027-01-08T10:02:45"))
        #expect(f.mail.sent.count == 1)
        try d.pass(at: jst("2027-01-08T10:03:02"))
        #expect(f.mail.sent.count == 2)
        #expect(f.mail.sent[1].items.count == 2)

        // A P3 at 10:07: nothing until the 10:30 digest, then nothing at 11:00 (nothing to say).
        try f.detection(.p3, at: jst("2027-01-08T10:05:00"), confirmedAt: jst("2027-01-08T10:07:00"), signature: "ET SCAN probe",
                         endpoint: "10.0.0.30")
        for time in ["10:10:00", "10:20:00", "10:29:59"] { try d.pass(at: jst("2027-01-08T" + time)) }
        #expect(f.mail.sent.count == 2)
        // Meanwhile the store holds what the digest would say, for readers without templates.
        let queued = try #require(try f.store.notifications(NotificationFilter(states: [.approved])).first)
        #expect(queued.subject.contains("【定時報告】検知 1 件（10:30）") && queued.body.contains("ET SCAN probe"))
        try d.pass(at: jst("2027-01-08T10:30:00"))
        #expect(f.mail.sent.count == 3)
        #expect(f.mail.sent[2].notification.kind == .digest)
        #expect(f.mail.sent[2].notification.subject.contains("【定時報告】検知 1 件（10:30）"))
        try d.pass(at: jst("2027-01-08T11:00:00"))
        #expect(f.mail.sent.count == 3)

        // A P4 on Friday afternoon: not on Saturday, not on Monday 成人の日, on Tuesday at 09:00.
        try f.detection(.p4, at: jst("2027-01-08T15:00:00"), confirmedAt: jst("2027-01-08T15:05:00"), signature: "ET POLICY low",
                         endpoint: "10.0.0.40")
        for time in ["2027-01-08T18:00:00", "2027-01-09T09:00:00", "2027-01-11T09:00:00", "2027-01-12T08:59:59"] { try d.pass(at: jst(time)) }
        #expect(f.mail.sent.count == 3)
        try d.pass(at: jst("2027-01-12T09:00:00"))
        #expect(f.mail.sent.count == 4)
        #expect(f.mail.sent[3].notification.kind == .daily)
        #expect(f.mail.sent[3].at == jst("2027-01-12T09:00:00"))

        // A P5 is never sent, only counted.
        try f.detection(.p5, at: jst("2027-01-12T10:00:00"), confirmedAt: jst("2027-01-12T10:01:00"), signature: "ET INFO",
                         endpoint: "10.0.0.50")
        try d.pass(at: jst("2027-01-12T12:00:00"))
        #expect(f.mail.sent.count == 4)

        #expect(f.mail.sent.map(\.items.first?.urgency) == [.p1, .p1, .p3, .p4])
        // Nothing twice: every item went out exactly once.
        let items = f.mail.sent.flatMap { $0.items.map(\.id) }
        #expect(items.count == Set(items).count)
        #expect(items.count == 5)
        #expect(try f.store.notifications().allSatisfy { $0.state == .sent })
    }

    /// An hour of P1s, one every 3 minutes: the customer gets at most 10 messages that hour,
    /// and the rest fold into the next message the cap allows. None is dropped.
    @Test func theHourlyCapFoldsTheRestIntoTheNextMessage() throws {
        let f = try NotifyFixture()
        let d = try f.dispatcher()
        let start = NotifyFixture.jst("2027-01-08T10:00:00")
        for i in 0..<16 {
            let at = start.addingTimeInterval(Double(i * 180))
            try f.detection(.p1, at: at, confirmedAt: at + 10, endpoint: "10.0.1.\(i)")
            try d.pass(at: at + 11)
        }
        let firstHour = f.mail.sent.filter { $0.at < start + 3600 }
        #expect(firstHour.count == 10)
        try d.pass(at: start + 3600 + 20)
        let all = f.mail.sent
        #expect(all.count == 11)
        #expect(all.flatMap { $0.items.map(\.id) }.count == 16)
        #expect(all.last?.items.count == 6)
    }

    @Test func aTemporaryFailureIsRetriedWithTheSameIDAndAPermanentOneIsShown() throws {
        let f = try NotifyFixture()
        let d = try f.dispatcher()
        let at = NotifyFixture.jst("2027-01-08T10:00:00")
        f.mail.answers = [.temporary("sendmail exit 75", retryAfter: nil), .delivered("250 ok")]
        try f.detection(.p1, at: at, confirmedAt: at + 5)
        try d.pass(at: at + 6)
        var n = try #require(try f.store.notifications().first)
        #expect(n.state == .failed && n.attempts == 1 && n.lastError == "sendmail exit 75")
        #expect(n.nextAttemptAt == at + 36) // 30 s backoff
        try d.pass(at: at + 20)
        #expect(f.mail.sent.count == 1)
        try d.pass(at: at + 36)
        n = try #require(try f.store.notification(id: n.id))
        #expect(n.state == .sent && n.attempts == 2)
        #expect(f.mail.sent.map(\.notification.messageID) == [n.messageID, n.messageID])

        f.mail.answers = [.permanent("sendmail exit 67: user unknown")]
        try f.detection(.p1, at: at + 600, confirmedAt: at + 605, endpoint: "10.0.0.99")
        try d.pass(at: at + 606)
        let dead = try #require(try f.store.notifications(NotificationFilter(states: [.dead])).first)
        #expect(dead.lastError == "sendmail exit 67: user unknown")
        // An analyst retries it by hand.
        try f.store.sendNotificationNow(dead.id, actor: "tanaka", at: at + 700)
        try d.pass(at: at + 700)
        #expect(try f.store.notification(id: dead.id)?.state == .sent)
    }

    @Test func undoBeforeTheDigestCancelsAndHeldWaitsForRelease() throws {
        let f = try NotifyFixture()
        let d = try f.dispatcher()
        let at = NotifyFixture.jst("2027-01-08T10:00:00")
        let id = try f.detection(.p3, at: at, confirmedAt: nil)
        let (_, result) = try f.store.escalate([id], comment: "c", actor: "tanaka", at: at + 60)
        try d.pass(at: at + 61)
        #expect(try f.store.notifications().count == 1)
        try f.store.undo(group: result.groupID, actor: "tanaka", at: at + 65)
        try d.pass(at: NotifyFixture.jst("2027-01-08T10:30:00"))
        #expect(f.mail.sent.isEmpty)
        #expect(try f.store.notifications().first?.state == .cancelled)

        try f.detection(.p2, at: at + 100, confirmedAt: at + 120)
        try d.pass(at: at + 121)
        let queued = try #require(try f.store.notifications(NotificationFilter(states: [.sent])).first)
        #expect(queued.urgency == .p2)
        try f.detection(.p3, at: at + 200, confirmedAt: at + 220, endpoint: "10.0.0.20")
        try d.pass(at: at + 221)
        let digest = try #require(try f.store.notifications(NotificationFilter(states: [.approved])).first)
        try f.store.holdNotification(digest.id, reason: "customer asked to wait", actor: "tanaka", at: at + 300)
        try d.pass(at: NotifyFixture.jst("2027-01-08T10:30:00"))
        #expect(f.mail.sent.count == 1)
        try f.store.releaseNotification(digest.id, actor: "tanaka", at: at + 2000)
        try d.pass(at: at + 2001)
        #expect(f.mail.sent.count == 2)
        let audit = try f.store.audit(subject: .notification, id: "\(digest.id)").map(\.entry.action)
        #expect(audit.contains("notification hold") && audit.contains("notification release") && audit.contains("notification sent"))
    }

    @Test func englishCustomersGetEnglishAndWebhooksAreSeparateMessages() throws {
        var policy = NotificationPolicy.standard
        policy.webhooks = [WebhookChannel(name: "siem", url: "http://127.0.0.1:9/hook", secret: "s")]
        let f = try NotifyFixture(policy: policy, language: .en)
        let d = try f.dispatcher()
        let at = NotifyFixture.jst("2027-01-08T10:00:00")
        try f.detection(.p1, at: at, confirmedAt: at + 5, signature: "ET TROJAN \u{1B}[2J evil\r\nBcc: x@y")
        try d.pass(at: at + 6)
        #expect(f.mail.sent.count == 1 && f.webhooks.sent.count == 1)
        let mail = try #require(f.mail.sent.first?.notification)
        #expect(mail.subject.hasPrefix("★★★[P1 critical]"))
        #expect(mail.body.contains("What to do now"))
        #expect(!mail.body.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x0D })
        #expect(mail.body.contains("␛[2J"))
        #expect(f.webhooks.sent.first?.notification.target == "webhook:acme/siem")
    }

    /// Urgencies the contract sends without confirmation go at once, from ingest alone;
    /// the others still wait for an analyst.
    @Test func theContractCanSendAnUrgencyWithoutConfirmation() throws {
        let f = try NotifyFixture()
        f.customer.contract.sendWithoutConfirmation = [.p1]
        try f.store.saveCustomers([f.customer], at: t0)
        let d = try f.dispatcher()
        let at = NotifyFixture.jst("2027-01-08T03:00:00")
        try f.detection(.p1, at: at, confirmedAt: nil, signature: "ET TROJAN at night")
        try f.detection(.p2, at: at + 1, confirmedAt: nil, signature: "ET POLICY", endpoint: "10.0.0.77")
        try d.pass(at: at + 2)
        #expect(f.mail.sent.count == 1)
        #expect(f.mail.sent.first?.items.first?.confirmedBy == "contract (no confirmation)")
        #expect(f.mail.sent.first?.notification.urgency == .p1)
        // The P2 was not sent: it waits for an analyst.
        try d.pass(at: at + 3600)
        #expect(f.mail.sent.count == 1)
        #expect(try f.store.pendingOutboxItems().isEmpty)
    }
}
