import Foundation
import GRDB
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

@Suite struct ActionTests {
    static func seeded(_ n: Int = 3) throws -> (StoreFixture, [Int64]) {
        let f = try StoreFixture()
        try f.store.saveCustomers([acme, beta], at: t0)
        let detections = (0..<n).map { makeDetection(signature: "\($0)", name: "sig \($0)", severity: .high, endpoint: "10.0.0.\($0 + 1)", at: t0 + Double($0)) }
        try f.store.commit(IngestBatch(detections: detections), customers: [acme, beta], now: t0)
        let ids = try f.store.detections().map(\.id).sorted()
        return (f, ids)
    }

    @Test func actionsAreAuditedWithBeforeAndAfter() throws {
        let (f, ids) = try Self.seeded()
        let ack = try f.store.acknowledge(ids, actor: "yamada", at: t0 + 60, comment: "looking")
        #expect(try ids.allSatisfy { try f.store.detection(id: $0)?.status == .acknowledged })
        let group = try f.store.audit(group: ack.groupID)
        #expect(group.count == 3)
        #expect(Set(group.map(\.entry.subjectID)) == Set(ids.map(String.init)))
        let entry = try #require(try f.store.audit(subject: .detection, id: "\(ids[0])").last?.entry)
        #expect(entry.actor == "yamada" && entry.action == "acknowledge" && entry.at == t0 + 60 && entry.comment == "looking")
        #expect(entry.before == #"{"assignee":null,"disposition":null,"status":"new"}"#)
        #expect(entry.after == #"{"assignee":null,"disposition":null,"status":"acknowledged"}"#)

        try f.store.claim([ids[0]], actor: "sato", at: t0 + 120)
        let claimed = try #require(try f.store.detection(id: ids[0]))
        #expect(claimed.status == .inTriage && claimed.assignee == "sato")
        try f.store.dispose([ids[0]], disposition: .malware, actor: "sato", at: t0 + 180, comment: "confirmed")
        let closed = try #require(try f.store.detection(id: ids[0]))
        #expect(closed.status == .closed && closed.disposition == .malware)
        #expect(try f.store.audit(subject: .detection, id: "\(ids[0])").map(\.entry.action) == ["acknowledge", "claim", "dispose"])
    }

    @Test func invalidTransitionsAreRejectedAndNothingIsWritten() throws {
        let (f, ids) = try Self.seeded()
        try f.store.dispose([ids[2]], disposition: .falsePositive, actor: "sato", at: t0)
        let auditBefore = try f.count("SELECT COUNT(*) FROM audit")
        // ids[0] could move, ids[2] is closed: the whole action is refused.
        #expect(throws: StoreError.invalidTransition(subject: .detection, id: "\(ids[2])", from: "closed", to: "acknowledged")) {
            try f.store.acknowledge([ids[0], ids[2]], actor: "yamada", at: t0 + 1)
        }
        #expect(try f.store.detection(id: ids[0])?.status == .new)
        #expect(try f.count("SELECT COUNT(*) FROM audit") == auditBefore)
        #expect(throws: StoreError.notFound(subject: .detection, id: "424242")) { try f.store.claim([424_242], actor: "x", at: t0) }
        #expect(throws: StoreError.emptySelection) { try f.store.acknowledge([], actor: "x", at: t0) }
        #expect(String(describing: StoreError.invalidTransition(subject: .detection, id: "7", from: "closed", to: "acknowledged"))
                == "detection 7 cannot go from closed to acknowledged")
    }

    @Test func failingAuditInsertRollsBackTheChange() throws {
        let (f, ids) = try Self.seeded()
        try f.execute("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit refused'); END")
        #expect(throws: DatabaseError.self) { try f.store.claim(ids, actor: "yamada", at: t0) }
        #expect(try ids.allSatisfy { try f.store.detection(id: $0)?.status == .new && f.store.detection(id: $0)?.assignee == nil })
        #expect(throws: DatabaseError.self) { try f.store.escalate([ids[0]], comment: "c2", actor: "yamada", at: t0) }
        #expect(try f.count("SELECT COUNT(*) FROM incidents") == 0)
        #expect(try f.store.detection(id: ids[0])?.status == .new)
        #expect(throws: DatabaseError.self) {
            try f.store.setEndpointStatus(customer: "acme", address: ip("10.0.0.1"), status: .suspect, note: "n", actor: "y", at: t0)
        }
        #expect(try f.store.endpoint(customer: "acme", address: ip("10.0.0.1"))?.status == EndpointStatus.none)
    }

    @Test func undoRestoresTheGroupAndIsAudited() throws {
        let (f, ids) = try Self.seeded()
        try f.store.claim([ids[0]], actor: "sato", at: t0)
        let riskBefore = try #require(try f.store.endpoint(customer: "acme", address: ip("10.0.0.1"))?.riskScore)
        let disposed = try f.store.dispose(ids, disposition: .falsePositive, actor: "yamada", at: t0 + 10)
        #expect(try f.store.endpoint(customer: "acme", address: ip("10.0.0.1"))?.riskScore == 0)
        let undoGroup = try f.store.undo(group: disposed.groupID, actor: "yamada", at: t0 + 20)
        let restored = try ids.map { try #require(try f.store.detection(id: $0)) }
        #expect(restored.map(\.status) == [.inTriage, .new, .new])
        #expect(restored.map(\.assignee) == ["sato", nil, nil])
        #expect(restored.allSatisfy { $0.disposition == nil })
        #expect(try f.store.endpoint(customer: "acme", address: ip("10.0.0.1"))?.riskScore == riskBefore)
        let undoEntries = try f.store.audit(group: undoGroup)
        #expect(undoEntries.count == 3 && undoEntries.allSatisfy { $0.entry.action == "undo dispose" && $0.entry.actor == "yamada" })
        // Undoing twice finds the rows changed (by the undo itself): refused.
        #expect(throws: StoreError.self) { try f.store.undo(group: disposed.groupID, actor: "yamada", at: t0 + 30) }
        #expect(throws: StoreError.unknownUndoGroup("nope")) { try f.store.undo(group: "nope", actor: "yamada", at: t0) }
    }

    @Test func undoRefusesWhenARowChangedSince() throws {
        let (f, ids) = try Self.seeded()
        let ack = try f.store.acknowledge([ids[0], ids[1]], actor: "yamada", at: t0)
        try f.store.claim([ids[1]], actor: "sato", at: t0 + 5)
        let auditCount = try f.count("SELECT COUNT(*) FROM audit")
        #expect(throws: StoreError.undoConflict(subject: .detection, id: "\(ids[1])", field: "assignee", expected: "null", actual: "sato")) {
            try f.store.undo(group: ack.groupID, actor: "yamada", at: t0 + 10)
        }
        // Nothing was restored, not even the unchanged row.
        #expect(try f.store.detection(id: ids[0])?.status == .acknowledged)
        #expect(try f.count("SELECT COUNT(*) FROM audit") == auditCount)
    }

    @Test func escalationCreatesAnIncidentAndClosingClosesItsDetections() throws {
        let (f, ids) = try Self.seeded()
        let (incident, result) = try f.store.escalate([ids[0], ids[1]], comment: "C2 beacons", actor: "yamada", at: t0 + 60, to: "lead")
        #expect(incident.id > 0 && incident.state == .open && incident.escalatedTo == "lead" && incident.owner == "yamada")
        let stored = try #require(try f.store.incident(id: incident.id))
        #expect(stored.detectionIDs == [ids[0], ids[1]])
        #expect(Set(stored.endpoints) == [ip("10.0.0.1"), ip("10.0.0.2")])
        #expect(stored.title.hasSuffix("(+1 more)"))
        #expect(try f.store.detection(id: ids[0])?.status == .escalated)
        #expect(try f.store.audit(group: result.groupID).map(\.entry.subject) == [.incident, .detection, .detection])
        #expect(try f.store.incidents(IncidentFilter(states: [.open])).map(\.id) == [incident.id])

        #expect(throws: StoreError.self) { try f.store.transitionIncident(id: incident.id, to: .closed, actor: "y", at: t0 + 70) }
        #expect(throws: StoreError.self) { try f.store.transitionIncident(id: incident.id, to: .open, actor: "y", at: t0 + 70) }
        try f.store.transitionIncident(id: incident.id, to: .investigating, actor: "yamada", at: t0 + 80)
        try f.store.transitionIncident(id: incident.id, to: .closed, outcome: .falsePositive, actor: "yamada", at: t0 + 90)
        let closed = try #require(try f.store.incident(id: incident.id))
        #expect(closed.state == .closed && closed.outcome == .falsePositive && closed.updatedAt == t0 + 90)
        #expect(try f.store.detection(id: ids[0])?.disposition == .falsePositive)
        #expect(try f.store.detection(id: ids[1])?.status == .closed)

        #expect(throws: StoreError.mixedCustomers(["acme", "beta"])) {
            try f.store.commit(IngestBatch(detections: [makeDetection(customer: "beta", signature: "b", endpoint: "192.168.0.9")]), customers: [beta], now: t0)
            let other = try f.store.detections(DetectionFilter(customers: ["beta"])).map(\.id)
            try f.store.escalate([ids[2]] + other, comment: "", actor: "y", at: t0)
        }
    }

    @Test func undoOfAnEscalationRemovesTheIncident() throws {
        let (f, ids) = try Self.seeded()
        let (incident, result) = try f.store.escalate([ids[0]], comment: "x", actor: "yamada", at: t0)
        try f.store.undo(group: result.groupID, actor: "yamada", at: t0 + 1)
        #expect(try f.store.incident(id: incident.id) == nil)
        #expect(try f.store.detection(id: ids[0])?.status == .new)
        #expect(try f.count("SELECT COUNT(*) FROM incident_detections") == 0)
    }

    @Test func endpointStatusAndNotifications() throws {
        let (f, _) = try Self.seeded()
        let group = try f.store.setEndpointStatus(customer: "acme", address: ip("10.0.0.1"), status: .suspect, note: "beaconing", actor: "yamada", at: t0)
        let e = try #require(try f.store.endpoint(customer: "acme", address: ip("10.0.0.1")))
        #expect(e.status == .suspect && e.statusNote == "beaconing")
        #expect(try f.store.audit(subject: .endpoint, id: "acme|10.0.0.1").map(\.groupID) == [group])
        #expect(throws: StoreError.invalidTransition(subject: .endpoint, id: "acme|10.0.0.1", from: "suspect", to: "none")) {
            try f.store.setEndpointStatus(customer: "acme", address: ip("10.0.0.1"), status: .none, note: nil, actor: "y", at: t0)
        }
        #expect(throws: StoreError.notFound(subject: .endpoint, id: "acme|10.9.9.9")) {
            try f.store.setEndpointStatus(customer: "acme", address: ip("10.9.9.9"), status: .suspect, note: nil, actor: "y", at: t0)
        }
        try f.store.undo(group: group, actor: "yamada", at: t0 + 1)
        #expect(try f.store.endpoint(customer: "acme", address: ip("10.0.0.1"))?.status == EndpointStatus.none)

        let n = try f.store.createNotification(CustomerNotification(customerID: "acme", urgency: .p1, recipients: ["soc@acme.example"],
                                                                    subject: "【緊急】不審通信", body: "secret body", dueAt: t0 + 900, createdAt: t0),
                                               actor: "yamada", at: t0)
        #expect(n.id > 0)
        #expect(throws: StoreError.invalidTransition(subject: .notification, id: "\(n.id)", from: "draft", to: "sent")) {
            try f.store.setNotificationState(id: n.id, to: .sent, actor: "y", at: t0)
        }
        // An approval can be undone (back to draft) and given again.
        let approval = try f.store.setNotificationState(id: n.id, to: .approved, actor: "yamada", at: t0 + 1)
        try f.store.undo(group: approval, actor: "yamada", at: t0 + 1)
        #expect(try f.store.notification(id: n.id)?.state == .draft)
        try f.store.setNotificationState(id: n.id, to: .approved, actor: "yamada", at: t0 + 1)
        let attempt = try f.store.setNotificationState(id: n.id, to: .sending, actor: "notify", at: t0 + 2)
        try f.store.setNotificationState(id: n.id, to: .failed, actor: "notify", at: t0 + 3, error: "421 try later")
        try f.store.setNotificationState(id: n.id, to: .sending, actor: "notify", at: t0 + 4)
        let delivery = try f.store.setNotificationState(id: n.id, to: .sent, actor: "notify", at: t0 + 5)
        // Nothing undoes a delivery, nor the attempts that led to it.
        for group in [delivery, attempt] {
            #expect(throws: StoreError.self) { try f.store.undo(group: group, actor: "yamada", at: t0 + 6) }
        }
        let sent = try #require(try f.store.notification(id: n.id))
        #expect(sent.state == .sent && sent.attempts == 2 && sent.sentAt == t0 + 5 && sent.lastError == "421 try later")
        #expect(sent.subject == "【緊急】不審通信" && sent.recipients == ["soc@acme.example"])
        #expect(try f.store.notifications(NotificationFilter(states: [.sent])).map(\.id) == [n.id])
        #expect(try f.store.notifications(NotificationFilter(customers: ["beta"])).isEmpty)
        // The audit trail never carries the message content.
        #expect(try f.count("SELECT COUNT(*) FROM audit WHERE coalesce(after, '') LIKE '%secret%' OR coalesce(before, '') LIKE '%secret%'") == 0)
    }
}
