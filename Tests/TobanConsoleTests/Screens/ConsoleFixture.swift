import Foundation
import TobanConsole
import TobanCore
import TobanStore
import TobanTestSupport

/// A store in a temporary directory with a small, varied queue.
final class ConsoleFixture: @unchecked Sendable {
    let directory = TemporaryDirectory(prefix: "toban-console")
    let store: TobanStore
    let clock: ManualClock
    var path: String { directory.storePath }

    init(seed: Bool = true) throws {
        store = try TobanStore(path: directory.storePath)
        clock = ManualClock(t0.addingTimeInterval(600))
        try store.saveCustomers([acme, beta], at: t0)
        if seed { try seedDefault() }
    }

    func commit(_ detections: [Detection], context: [ContextBucket] = []) throws {
        try store.commit(IngestBatch(detections: detections, context: context), customers: [acme, beta], now: clock.now)
    }

    /// 12 detections over two customers, distinct signatures and endpoints, one hostile.
    func seedDefault() throws {
        var list: [Detection] = []
        for i in 0..<10 {
            list.append(makeDetection(customer: i % 2 == 0 ? "acme" : "beta", sensor: i % 2 == 0 ? "s1" : "b1",
                                         signature: "20100\(i)", name: "ET SCAN probe \(i)", severity: .low,
                                         src: i % 2 == 0 ? "10.0.0.\(10 + i)" : "192.168.1.\(10 + i)",
                                         endpoint: i % 2 == 0 ? "10.0.0.\(10 + i)" : "192.168.1.\(10 + i)",
                                         at: t0.addingTimeInterval(Double(i * 30))))
        }
        list.append(makeDetection(signature: "2030001", name: "ET MALWARE Cobalt Strike Beacon", severity: .critical,
                                     src: "10.0.0.5", endpoint: "10.0.0.5", at: t0.addingTimeInterval(400),
                                     evidence: Evidence(tlsSNI: "cdn.bad.example")))
        list.append(makeDetection(signature: "2099999", name: hostileSignature, severity: .high, src: "10.0.0.6", endpoint: "10.0.0.6",
                                     at: t0.addingTimeInterval(300), raw: "raw \u{1B}[31mred\u{1B}[0m \u{202E}gnp.exe \u{85}end"))
        try commit(list)
    }

    func environment(pageSize: Int = 50, windowLimit: Int = 200) -> ConsoleEnvironment {
        ConsoleEnvironment(store: store, analyst: "tanaka", clock: clock, pageSize: pageSize, windowLimit: windowLimit)
    }

    func runner(width: Int = 120, height: Int = 30, pageSize: Int = 50, windowLimit: Int = 200) -> SyncRunner<ConsoleModel> {
        SyncRunner(ConsoleModel(environment: environment(pageSize: pageSize, windowLimit: windowLimit)),
                   size: TerminalSize(width: width, height: height))
    }
}

extension SyncRunner where App == ConsoleModel {
    var queue: QueueScreen? {
        if case .queue(let q) = app.state.top { return q }
        return nil
    }
    var selectedID: Int64? { queue?.selectedDetection?.id }
}
