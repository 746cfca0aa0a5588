import Foundation
import TobanConsole
import TobanCore
import TobanStore

/// A clock tests can move.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Date
    init(_ start: Date) { value = start }
    var now: Date {
        lock.lock(); defer { lock.unlock() }
        return value
    }
    func advance(_ seconds: TimeInterval) {
        lock.lock(); value = value.addingTimeInterval(seconds); lock.unlock()
    }
}

let consoleT0 = Date(timeIntervalSince1970: 1_790_000_000)

func addr(_ s: String) -> IPAddress { IPAddress(s)! }

let acmeCustomer = Customer(id: "acme", displayName: "株式会社アクメ", networks: [try! CIDR(parsing: "10.0.0.0/8")], sensors: ["s1"])
let betaCustomer = Customer(id: "beta", displayName: "Beta Corp", networks: [try! CIDR(parsing: "192.168.0.0/16")], sensors: ["b1"])

/// A signature and raw line written by an attacker: ESC sequences, a C1 CSI, a bidi override.
let hostileSignature = "EVIL \u{1B}[2J\u{1B}]52;c;cm0gLXJmIC8=\u{07}clear \u{9B}31m txt.\u{202E}exe"

func consoleDetection(customer: String = "acme", sensor: String = "s1", signature: String = "2010001", name: String = "ET POLICY test",
                      severity: Severity = .medium, src: String = "10.0.0.5", dst: String = "203.0.113.9",
                      endpoint: String? = "10.0.0.5", at: Date = consoleT0, raw: String? = nil,
                      evidence: Evidence = Evidence()) -> Detection {
    Detection(customerID: customer, sensor: sensor, sourceFormat: .suricataEVE, sourcePosition: SourcePosition(source: "eve", offset: 0),
              eventTime: at, ingestTime: at, signature: Signature(id: signature, name: name, category: "Misc"),
              vendorSeverity: "2", severity: severity, sourceIP: addr(src), sourcePort: 49152, destinationIP: addr(dst),
              destinationPort: 443, transport: "TCP", endpoint: endpoint.map(addr), evidence: evidence,
              raw: raw ?? "{\"alert\":\"\(name)\"}")
}

/// A store in a temporary directory with a small, varied queue.
final class ConsoleFixture: @unchecked Sendable {
    let directory: URL
    let store: TobanStore
    let clock: TestClock
    var path: String { directory.appendingPathComponent("toban.sqlite").path }

    init(seed: Bool = true) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("toban-console-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try TobanStore(path: directory.appendingPathComponent("toban.sqlite").path)
        clock = TestClock(consoleT0.addingTimeInterval(600))
        try store.saveCustomers([acmeCustomer, betaCustomer], at: consoleT0)
        if seed { try seedDefault() }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func commit(_ detections: [Detection], context: [ContextBucket] = []) throws {
        try store.commit(IngestBatch(detections: detections, context: context), customers: [acmeCustomer, betaCustomer], now: clock.now)
    }

    /// 12 detections over two customers, distinct signatures and endpoints, one hostile.
    func seedDefault() throws {
        var list: [Detection] = []
        for i in 0..<10 {
            list.append(consoleDetection(customer: i % 2 == 0 ? "acme" : "beta", sensor: i % 2 == 0 ? "s1" : "b1",
                                         signature: "20100\(i)", name: "ET SCAN probe \(i)", severity: .low,
                                         src: i % 2 == 0 ? "10.0.0.\(10 + i)" : "192.168.1.\(10 + i)",
                                         endpoint: i % 2 == 0 ? "10.0.0.\(10 + i)" : "192.168.1.\(10 + i)",
                                         at: consoleT0.addingTimeInterval(Double(i * 30))))
        }
        list.append(consoleDetection(signature: "2030001", name: "ET MALWARE Cobalt Strike Beacon", severity: .critical,
                                     src: "10.0.0.5", endpoint: "10.0.0.5", at: consoleT0.addingTimeInterval(400),
                                     evidence: Evidence(tlsSNI: "cdn.bad.example")))
        list.append(consoleDetection(signature: "2099999", name: hostileSignature, severity: .high, src: "10.0.0.6", endpoint: "10.0.0.6",
                                     at: consoleT0.addingTimeInterval(300), raw: "raw \u{1B}[31mred\u{1B}[0m \u{202E}gnp.exe \u{85}end"))
        try commit(list)
    }

    func environment(pageSize: Int = 50, windowLimit: Int = 200) -> ConsoleEnvironment {
        let clock = self.clock
        return ConsoleEnvironment(store: store, analyst: "tanaka", clock: { clock.now }, pageSize: pageSize, windowLimit: windowLimit)
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
