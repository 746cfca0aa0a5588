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
        #expect(page.contains("tanaka marked 10.0.0.5 被疑 (suspect): beaconing to C2"))
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
}
