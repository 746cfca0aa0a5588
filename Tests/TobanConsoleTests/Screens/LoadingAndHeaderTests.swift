import Foundation
import Testing
import TobanCore
import TobanStore
@testable import TobanConsole
import TobanTestSupport

@Suite struct LoadingAndHeaderTests {
    /// Runs the background effects the way the runtime would, later: returns the messages.
    static func run(_ effects: [ConsoleEffect<ConsoleMessage>]) -> [ConsoleMessage] {
        let inbox = Inbox<ConsoleMessage>()
        for case .background(let work) in effects { work(inbox) }
        return inbox.drain()
    }

    static func deliver(_ messages: [ConsoleMessage], to model: inout ConsoleModel) -> [ConsoleEffect<ConsoleMessage>] {
        messages.flatMap { model.update(.message($0)) }
    }

    @Test("Enter on a queue that is still loading opens the first row once it arrives")
    func enterWhileLoadingActsOnceLoaded() throws {
        let f = try ConsoleFixture()
        var model = ConsoleModel(environment: f.environment())
        let startEffects = model.update(.resized(TerminalSize(width: 120, height: 30)))
        guard case .queue(let loading) = model.state.top else { Issue.record("not on the queue"); return }
        #expect(loading.loading && loading.rows.isEmpty)

        #expect(model.update(.key(.enter)).isEmpty)
        #expect(model.state.message?.contains("loading") == true)
        guard case .queue = model.state.top else { Issue.record("left the queue before it loaded"); return }

        let afterLoad = Self.deliver(Self.run(startEffects), to: &model)
        guard case .detail(let detail) = model.state.top else { Issue.record("Enter was dropped: \(model.state.top.breadcrumb)"); return }
        guard case .queue(let q) = model.state.stack[0] else { return }
        #expect(detail.detectionID == q.rows.first?.id)
        #expect(!q.pendingDrill)
        _ = Self.deliver(Self.run(afterLoad), to: &model)
        guard case .detail(let loaded) = model.state.top else { return }
        #expect(loaded.data?.detection.signature.name == "ET MALWARE Cobalt Strike Beacon")
    }

    @Test("an Enter waiting for one list does not open a row of the next (a new filter replaced it)")
    func pendingEnterIsDroppedByANewLoad() throws {
        let f = try ConsoleFixture()
        var model = ConsoleModel(environment: f.environment())
        _ = model.update(.resized(TerminalSize(width: 120, height: 30)))
        _ = model.update(.key(.enter))
        _ = model.update(.key(.character("/")))
        for c in "cust:beta" { _ = model.update(.key(.character(c))) }
        let filterEffects = model.update(.key(.enter))
        _ = Self.deliver(Self.run(filterEffects), to: &model)
        guard case .queue(let q) = model.state.top else { Issue.record("drilled in from a stale Enter"); return }
        #expect(q.rows.allSatisfy { $0.customerID == "beta" } && !q.rows.isEmpty)
    }

    @Test("store changes refresh the header at most once per tick, not once per change")
    func headerRefreshIsCoalescedToTheTick() throws {
        let f = try ConsoleFixture()
        let r = f.runner()
        let openBefore = r.app.state.overview.openCounts.map(\.count).reduce(0, +)
        #expect(openBefore == 12)
        let other = try TobanStore(path: f.path)
        for i in 0..<3 {
            try other.commit(IngestBatch(detections: [
                makeDetection(signature: "20500\(i)", name: "ET INFO arrival \(i)", severity: .low, src: "10.0.0.9\(i)",
                                 endpoint: "10.0.0.9\(i)", at: t0.addingTimeInterval(500 + Double(i))),
            ]), customers: [acme, beta], now: f.clock.now)
            r.post(.storeChanged)
        }
        // The rows on screen and the "+N new" follow each change; the header waits.
        #expect(r.queue?.newCount == 3)
        #expect(r.app.state.overview.openCounts.map(\.count).reduce(0, +) == openBefore)
        r.post(.tick(f.clock.now))
        #expect(r.app.state.overview.openCounts.map(\.count).reduce(0, +) == openBefore + 3)
        #expect(r.app.state.overview.rate.reduce(0, +) == 15)
        // Nothing changed since: the next ticks do not re-read it (until the periodic refresh).
        var model = r.app
        #expect(model.update(.message(.tick(f.clock.now))).isEmpty)
        try other.close()
    }
}
