import Foundation
import Testing
import TobanConsole
import TobanCore
import TobanStore
import TobanTestSupport

@Suite("Triage actions from the keyboard")
struct TriageActionTests {
    @Test("mark two rows, acknowledge: both acknowledged in the store, audited as one group")
    func markAndAcknowledge() throws {
        let f = try ConsoleFixture()
        let r = f.runner()
        let a = try #require(r.selectedID)
        r.send(.character("v")) // marks and moves down
        let b = try #require(r.selectedID)
        r.send(.character(" "))
        #expect(r.queue?.marks == [a, b])
        #expect(r.frame().rowText(0).contains("2 marked"))
        r.send(.character("a"))
        #expect(try f.store.detection(id: a)?.status == .acknowledged)
        #expect(try f.store.detection(id: b)?.status == .acknowledged)
        let auditA = try f.store.audit(subject: .detection, id: "\(a)")
        let auditB = try f.store.audit(subject: .detection, id: "\(b)")
        #expect(auditA.last?.entry.actor == "tanaka")
        #expect(auditA.last?.entry.action == "acknowledge")
        #expect(auditA.last?.groupID != nil && auditA.last?.groupID == auditB.last?.groupID)
        #expect(r.queue?.marks.isEmpty == true)
        // The rows on screen show the new status in place.
        #expect(r.queue?.rows.first { $0.id == a }?.status == .acknowledged)
        // Only the marked rows changed.
        let others = try f.store.detections(DetectionFilter(statuses: [.acknowledged]), limit: 100)
        #expect(others.count == 2)
    }

    @Test("a disposition closes the row and the cursor moves to the next item")
    func dispositionAdvances() throws {
        let f = try ConsoleFixture()
        let r = f.runner()
        r.send(.character("j"))
        let target = try #require(r.selectedID)
        let next = try #require(r.queue?.rows[2].id)
        r.send(.function(6))
        let d = try #require(try f.store.detection(id: target))
        #expect(d.status == .closed)
        #expect(d.disposition == .reconnaissance)
        #expect(r.selectedID == next)
        #expect(r.queue?.rows.contains { $0.id == target } == false)
        // The digit equivalent does the same.
        r.send(.character("8"))
        #expect(try f.store.detection(id: next)?.disposition == .noAction)
    }

    @Test("claim assigns to me; escalate asks for a comment and creates an incident")
    func claimAndEscalate() throws {
        let f = try ConsoleFixture()
        let r = f.runner()
        let id = try #require(r.selectedID)
        r.send(.character("c"))
        #expect(try f.store.detection(id: id)?.assignee == "tanaka")
        #expect(r.frame().snapshot().contains("triage tanaka"))
        r.send(.function(9))
        #expect(r.app.state.prompt?.kind == .escalateComment)
        r.send(.enter) // an empty comment is refused
        #expect(r.app.state.prompt?.error == "an escalation needs a comment")
        r.type("C2 beacon confirmed, calling customer")
        r.send(.enter)
        #expect(try f.store.detection(id: id)?.status == .escalated)
        let incidents = try f.store.incidents()
        #expect(incidents.count == 1)
        #expect(incidents.first?.detectionIDs == [id])
        #expect(incidents.first?.comment == "C2 beacon confirmed, calling customer")
        #expect(r.app.state.message?.contains("escalated into INC-") == true)
    }

    @Test("undo within 10 s restores; after 10 s it is refused with a message")
    func undoWindow() throws {
        let f = try ConsoleFixture()
        let r = f.runner()
        let id = try #require(r.selectedID)
        r.send(.function(1))
        #expect(try f.store.detection(id: id)?.status == .closed)
        f.clock.advance(seconds: 5)
        r.send(.character("u"))
        #expect(try f.store.detection(id: id)?.status == .new)
        #expect(r.queue?.rows.contains { $0.id == id } == true)
        #expect(r.app.state.message?.hasPrefix("undone") == true)

        let next = try #require(r.selectedID)
        r.send(.function(2))
        #expect(try f.store.detection(id: next)?.status == .closed)
        f.clock.advance(seconds: 11)
        r.send(.character("u"))
        #expect(try f.store.detection(id: next)?.status == .closed)
        #expect(r.app.state.messageIsError)
        #expect(r.app.state.message?.contains("undo refused") == true)
        #expect(r.frame().snapshot().contains("undo refused"))
    }

    @Test("new arrivals from another writer: the cursor row stays put and +N new shows; n jumps to them")
    func newArrivals() throws {
        let f = try ConsoleFixture()
        let r = f.runner()
        r.send(.character("j"), .character("j"), .character("j"))
        let before = try #require(r.queue?.rows.map(\.id))
        let selected = r.selectedID
        let firstScreen = r.frame().snapshot()
        // Another writer (ingest) commits a P1, which sorts above everything.
        let other = try TobanStore(path: f.path)
        try other.commit(IngestBatch(detections: [
            makeDetection(signature: "2040001", name: "ET EXPLOIT new arrival", severity: .critical, src: "10.0.0.77",
                             endpoint: "10.0.0.77", at: t0.addingTimeInterval(590)),
        ]), customers: [acme, beta], now: f.clock.now)
        r.post(.storeChanged)
        #expect(r.queue?.rows.map(\.id) == before)
        #expect(r.selectedID == selected)
        #expect(r.queue?.newCount == 1)
        let screen = r.frame().snapshot()
        #expect(screen.contains("+1 new (n)"))
        // Table rows did not move.
        let tableBefore = firstScreen.split(separator: "\n").dropFirst(2).prefix(13)
        let tableAfter = screen.split(separator: "\n").dropFirst(2).prefix(13)
        #expect(Array(tableBefore) == Array(tableAfter))
        r.send(.character("n"))
        #expect(r.queue?.rows.first?.signature.name == "ET EXPLOIT new arrival")
        #expect(r.queue?.newCount == 0)
    }

    @Test("a claim by another analyst refreshes the row in place on the next poll")
    func otherAnalystClaim() throws {
        let f = try ConsoleFixture()
        let r = f.runner()
        r.send(.character("j"))
        let target = try #require(r.queue?.rows[3].id)
        let order = r.queue?.rows.map(\.id)
        let other = try TobanStore(path: f.path)
        try other.claim([target], actor: "suzuki", at: f.clock.now)
        r.post(.storeChanged)
        #expect(r.queue?.rows.map(\.id) == order)
        #expect(r.queue?.selected == 1)
        #expect(r.queue?.rows[3].assignee == "suzuki")
        #expect(r.frame().snapshot().contains("triage suzuki"))
    }
}
