// toban-bench notify [--runs 5]
//
// The notification path under an outbreak and at size, release build:
//   1. 5,000 confirmed P1 detections across 200 customers within one minute: dispatcher
//      passes once a simulated second hand every message to a mail program (a script that
//      reads and discards it); prints messages, items per message, the worst time from a
//      detection's arrival to its message (simulated, against the 15-minute P1 deadline)
//      and the real time the passes took.
//   2. A dispatcher pass over a store holding 100,000 notifications (target ≤ 100 ms),
//      median and worst of --runs.
//   3. The `toban notify` daemon's peak RSS on that store (target ≤ 50 MB), when the release
//      `toban` sits next to this binary.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GRDB
import TobanCore
import TobanNotify
import TobanStore

enum NotifyBench {
    static func main(_ args: [String]) -> Int32 {
        var runs = 5
        if let i = args.firstIndex(of: "--runs"), i + 1 < args.count, let n = Int(args[i + 1]) { runs = max(1, n) }
        let dir = NSTemporaryDirectory() + "toban-notify-bench-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let sendmail = dir + "/sendmail"
            try "#!/bin/sh\ncat > /dev/null\n".write(toFile: sendmail, atomically: true, encoding: .utf8)
            chmod(sendmail, 0o755)
            try outbreak(dir: dir, sendmail: sendmail)
            let big = try largeStore(dir: dir, sendmail: sendmail, runs: runs)
            daemonRSS(dir: dir, store: big, sendmail: sendmail)
            return 0
        } catch {
            print("notify bench failed: \(error)")
            return 1
        }
    }

    static func customers(_ n: Int) -> [Customer] {
        (0..<n).map { i in
            Customer(id: "c\(i)", displayName: "Customer \(i)", networks: [try! CIDR(parsing: "10.\(i / 256).\(i % 256).0/24")],
                     sensors: ["s\(i)"], contacts: [Contact(name: "desk", email: "desk@c\(i).example")])
        }
    }

    static func dispatcher(_ store: TobanStore, customers: [Customer], sendmail: String, clock: any TobanClock) throws -> Dispatcher {
        let settings = NotifySettings(sendmailPath: sendmail, fromAddress: "soc@soc.example", socContact: "SOC")
        let planner = OutboxPlanner(customers: customers, settings: settings)
        return Dispatcher(store: store, planner: planner, renderer: MessageRenderer(templates: try MessageTemplates(), socContact: "SOC"),
                          mail: SendmailTransport(program: sendmail, from: settings.fromAddress, customers: customers),
                          webhooks: WebhookTransport(channels: [:], customers: customers), clock: clock, owner: "bench")
    }

    static func outbreak(dir: String, sendmail: String) throws {
        print("notify outbreak: 5,000 confirmed P1 detections across 200 customers within one minute")
        let store = try TobanStore(path: dir + "/outbreak.sqlite")
        let all = customers(200)
        try store.saveCustomers(all, at: Date())
        let base = Date(timeIntervalSince1970: 1_799_712_000)
        var detections: [Detection] = []
        for k in 0..<5_000 {
            let i = k % 200, j = k / 200
            let at = base.addingTimeInterval(Double(k) * 60 / 5_000)
            detections.append(Detection(customerID: "c\(i)", sensor: "s\(i)", sourceFormat: .suricataEVE,
                                        sourcePosition: SourcePosition(source: "bench", offset: Int64(k)), eventTime: at, ingestTime: at,
                                        signature: Signature(id: "\(2_100_000 + k)", name: "ET TROJAN outbreak \(k % 7)", category: "A Network Trojan was detected"),
                                        vendorSeverity: "1", severity: .critical, sourceIP: IPAddress("10.\(i / 256).\(i % 256).\(j + 1)"),
                                        sourcePort: 50000, destinationIP: IPAddress("203.0.113.\(k % 250)"), destinationPort: 443,
                                        transport: "TCP", endpoint: IPAddress("10.\(i / 256).\(i % 256).\(j + 1)")))
        }
        let started = Date()
        for chunk in stride(from: 0, to: detections.count, by: 500) {
            try store.commit(IngestBatch(detections: Array(detections[chunk..<min(chunk + 500, detections.count)])), customers: all,
                             now: detections[chunk].ingestTime)
        }
        let ids = try store.detectionIDs(DetectionFilter(), limit: 10_000).sorted()
        let byID = Dictionary(uniqueKeysWithValues: try store.detections(ids: ids).map { ($0.id, $0) })
        let stored = Date().timeIntervalSince(started)
        // As on the night: analysts confirm while the dispatcher runs; each simulated second
        // the confirmations of that second are committed, then one pass is made.
        let d = try dispatcher(store, customers: all, sendmail: sendmail, clock: BenchClock(startingAt: base))
        var passSeconds: [Double] = []
        var confirmSeconds = 0.0
        var sent = 0
        var next = 0
        for second in 0...300 {
            let now = base.addingTimeInterval(Double(second))
            let c0 = Date()
            while next < ids.count, byID[ids[next]]!.ingestTime.addingTimeInterval(2) <= now {
                try store.escalate([ids[next]], comment: "outbreak", actor: "bench", at: byID[ids[next]]!.ingestTime.addingTimeInterval(2))
                next += 1
            }
            confirmSeconds += Date().timeIntervalSince(c0)
            let t0 = Date()
            let s = try d.pass(at: now)
            passSeconds.append(Date().timeIntervalSince(t0))
            sent += s.sent
        }
        let report = try store.deliveredItems(from: base, to: base.addingTimeInterval(3600))
        let worst = report.compactMap { item in item.deliveredAt.map { $0.timeIntervalSince(item.arrivedAt) } }.max() ?? .nan
        let undelivered = report.filter { $0.deliveredAt == nil }.count
        let total = passSeconds.reduce(0, +)
        print(String(format: "  stored in %.1f s; confirmed one by one, interleaved with the passes, in %.1f s", stored, confirmSeconds))
        print("  messages handed to the mail program  \(sent)  (\(String(format: "%.1f", 5_000 / Double(max(sent, 1)))) items per message; \(undelivered) items undelivered)")
        print(String(format: "  worst arrival → message (simulated)  %.0f s  (P1 deadline 900 s)", worst))
        print(String(format: "  passes: total %.2f s real, worst pass %.2f s, median %.3f s", total, passSeconds.max() ?? 0, median(passSeconds)))
        print("  peak RSS \(peakRSS())")
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.isEmpty ? .nan : s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// A store of 100,000 notifications (95 % sent, 4 % cancelled, 1 % queued for later).
    static func largeStore(dir: String, sendmail: String, runs: Int) throws -> String {
        print("notify pass over 100,000 notifications (target ≤ 100 ms)")
        let path = dir + "/large.sqlite"
        let store = try TobanStore(path: path)
        let all = customers(200)
        try store.saveCustomers(all, at: Date())
        let base: Int64 = 1_799_712_000_000
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            let statement = try db.makeStatement(sql: """
                INSERT INTO notifications (customer_id, detection_ids, urgency, channel, recipients, language, subject, body, state,
                                           due_at, sent_at, attempts, created_at, kind, delivery_class, target, message_id)
                VALUES (?, '[]', 1, 'mail', '["desk@x.example"]', 'ja', 's', 'b', ?, ?, ?, 1, ?, 'single', 'prompt', 'mail', ?)
                """)
            for k in 0..<100_000 {
                let state = k % 100 == 0 ? "approved" : k % 25 == 1 ? "cancelled" : "sent"
                let due = base + Int64(k) * 1000 + (state == "approved" ? 86_400_000 * 30 : 0)
                try statement.execute(arguments: ["c\(k % 200)", state, due, state == "sent" ? due : nil, due, "<bench.\(k)@soc.example>"])
            }
        }
        try queue.close()
        let d = try dispatcher(store, customers: all, sendmail: sendmail, clock: BenchClock(startingAt: Date()))
        let now = Date(timeIntervalSince1970: 1_799_712_000 + 100_000 + 60)
        var times: [Double] = []
        for _ in 0..<runs {
            let t0 = Date()
            _ = try d.pass(at: now)
            times.append(Date().timeIntervalSince(t0))
        }
        print(String(format: "  pass with nothing due: median %.1f ms, worst %.1f ms over %d runs", median(times) * 1000, (times.max() ?? 0) * 1000, runs))
        try store.close()
        return path
    }

    static func daemonRSS(dir: String, store: String, sendmail: String) {
        let toban = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("toban").path
        guard FileManager.default.isExecutableFile(atPath: toban) else {
            print("daemon RSS: skipped (no toban next to toban-bench; swift build -c release --product toban)")
            return
        }
        let config = dir + "/toban.toml"
        try? """
            [notify]
            sendmail = "\(sendmail)"
            from = "soc@soc.example"

            [[customers]]
            id = "c0"
            name = "Customer 0"
            contacts = [ { name = "desk", email = "desk@c0.example" } ]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: toban)
        process.arguments = ["notify", "--config", config, "--store", store]
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { print("daemon RSS: cannot start toban: \(error)"); return }
        Thread.sleep(forTimeInterval: 4)
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let hwm = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.map { $0.dropFirst(6).trimmingCharacters(in: .whitespaces) } ?? "n/a"
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        print("daemon peak RSS on the 100,000-notification store after 4 s: \(hwm) (target ≤ 50 MB); exit \(process.terminationStatus)")
    }
}
