import Foundation
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

/// The outbox as the store keeps it: items written with their confirmation, messages
/// claimed under a lease, analysts' edits and merges audited.
@Suite struct OutboxTests {
    /// A store with one escalated P1 assembled into one queued mail.
    static func queued() throws -> (StoreFixture, CustomerNotification) {
        let f = try StoreFixture()
        try f.store.commit(IngestBatch(detections: [makeDetection(severity: .critical)]), customers: [acme], now: t0)
        let id = try f.store.latestDetectionID()
        try f.store.escalate([id], comment: "c", actor: "tanaka", at: t0 + 10)
        let item = try #require(try f.store.pendingOutboxItems().first)
        #expect(item.detectionIDs == [id] && item.confirmedBy == "tanaka" && item.note == "c" && item.incidentID != nil)
        let delivery = OutboxAssignment.Delivery(target: "mail", channel: .mail, recipients: ["security@acme.example"], language: .ja,
                                                 deliveryClass: .prompt, dueAt: t0 + 10, kind: .single)
        try f.store.assemble([OutboxAssignment(itemID: item.id, deadline: t0 + 900, deliveries: [delivery])], messageIDDomain: "soc.example", at: t0 + 11)
        let n = try #require(try f.store.notifications().first)
        #expect(n.state == .approved && n.messageID.hasSuffix("@soc.example>") && n.deadline == t0 + 900)
        #expect(try f.store.pendingOutboxItems().isEmpty)
        return (f, n)
    }

    static func render(_ n: CustomerNotification, _ items: [NotificationItem]) throws -> (subject: String, body: String) {
        ("subject", "\(items.count) item(s)")
    }

    @Test func aLeasedAttemptIsNotTakenByASecondDispatcherUntilItsLeaseRunsOut() throws {
        let (f, n) = try Self.queued()
        let first = try f.store.claimNotification(n.id, owner: "a", at: t0 + 20, lease: 60, render: Self.render)
        #expect(first?.notification.state == .sending && first?.notification.body == "1 item(s)" && first?.notification.attempts == 1)
        #expect(try f.store.claimNotification(n.id, owner: "b", at: t0 + 30, lease: 60, render: Self.render) == nil)
        #expect(try f.store.dueNotifications(at: t0 + 30).isEmpty)
        // A dead dispatcher's attempt is taken over once the lease has run out; its late result is then ignored.
        #expect(try f.store.dueNotifications(at: t0 + 81).map(\.id) == [n.id])
        let second = try #require(try f.store.claimNotification(n.id, owner: "b", at: t0 + 81, lease: 60, render: Self.render))
        #expect(second.notification.attempts == 2 && second.notification.messageID == n.messageID)
        #expect(try f.store.recordDelivery(n.id, owner: "a", outcome: .sent(response: "late"), at: t0 + 82) == false)
        #expect(try f.store.recordDelivery(n.id, owner: "b", outcome: .sent(response: "250 ok"), at: t0 + 83))
        let sent = try #require(try f.store.notification(id: n.id))
        #expect(sent.state == .sent && sent.sentAt == t0 + 83 && sent.lastResponse == "250 ok")
    }

    @Test func anEditIsANewRevisionSentAsWrittenAndAudited() throws {
        let (f, n) = try Self.queued()
        try f.store.editNotification(n.id, subject: "edited", body: "by hand", actor: "tanaka", at: t0 + 15)
        let claimed = try #require(try f.store.claimNotification(n.id, owner: "a", at: t0 + 20, lease: 60, render: Self.render))
        #expect(claimed.notification.subject == "edited" && claimed.notification.body == "by hand" && claimed.notification.revision == 1)
        let audit = try f.store.audit(subject: .notification, id: "\(n.id)")
        let edit = try #require(audit.first { $0.entry.action == "notification edit" })
        #expect(edit.entry.actor == "tanaka")
        // The audit names the revision, never the text.
        #expect(!(edit.entry.after ?? "").contains("by hand") && (edit.entry.after ?? "").contains("revision"))
    }

    @Test func mergingIntoTheNextDigestMovesTheItems() throws {
        let (f, n) = try Self.queued()
        let digest = try f.store.mergeIntoNextDigest(n.id, digestDue: t0 + 1800, actor: "tanaka", at: t0 + 12)
        #expect(try f.store.notification(id: n.id)?.state == .cancelled)
        let d = try #require(try f.store.notification(id: digest))
        #expect(d.deliveryClass == .digest && d.kind == .digest && d.dueAt == t0 + 1800 && d.messageID != n.messageID)
        #expect(try f.store.outboxItems(ofNotification: digest).count == 1)
        #expect(try f.store.outboxItems(ofNotification: n.id).isEmpty)
    }

    @Test func markingAnEndpointSuspectWritesAnItemInTheSameTransaction() throws {
        let f = try StoreFixture()
        try f.store.commit(IngestBatch(detections: [makeDetection(severity: .high, evidence: Evidence(dnsQuery: "c2.bad.example"))]),
                           customers: [acme], now: t0)
        let group = try f.store.setEndpointStatus(customer: "acme", address: ip("10.0.0.5"), status: .suspect, note: "beaconing",
                                                  actor: "tanaka", at: t0 + 5)
        let item = try #require(try f.store.pendingOutboxItems().first)
        #expect(item.kind == .endpoint && item.endpoint == "10.0.0.5" && item.note == "beaconing" && item.evidence == ["domain: c2.bad.example"])
        try f.store.undo(group: group, actor: "tanaka", at: t0 + 6)
        #expect(try f.store.pendingOutboxItems().isEmpty)
    }

    /// More about an incident the customer was told of threads under its first message.
    @Test func aLaterItemAboutASentIncidentIsAFollowUpInReplyToIt() throws {
        let (f, n) = try Self.queued()
        _ = try f.store.claimNotification(n.id, owner: "a", at: t0 + 20, lease: 60, render: Self.render)
        try f.store.recordDelivery(n.id, owner: "a", outcome: .sent(response: "250"), at: t0 + 21)
        let incident = try #require(n.incidentID)
        var more = try #require(try f.store.outboxItems(ofNotification: n.id).first)
        more.confirmedAt = t0 + 300
        more.note = "the host also talked to a second C2"
        try f.store.pool.write { db in try OutboxItems.insert(db, more, group: "g", at: t0 + 300) }
        let pending = try #require(try f.store.pendingOutboxItems().first)
        #expect(pending.incidentID == incident)
        let delivery = OutboxAssignment.Delivery(target: "mail", channel: .mail, recipients: ["security@acme.example"], language: .ja,
                                                 deliveryClass: .prompt, dueAt: t0 + 300, kind: .single)
        let touched = try f.store.assemble([OutboxAssignment(itemID: pending.id, deadline: nil, deliveries: [delivery])],
                                           messageIDDomain: "soc.example", at: t0 + 300)
        let followupID = try #require(touched.first)
        let followup = try #require(try f.store.notification(id: followupID))
        #expect(followup.id != n.id)
        #expect(followup.kind == .followup && followup.inReplyTo == n.messageID && followup.messageID != n.messageID)
    }
}
