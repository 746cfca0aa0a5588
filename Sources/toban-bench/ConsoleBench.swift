// toban-bench console: the console's responsiveness on a large store, without a terminal.
//
// Builds (or reuses, with --store) a store of N detections (default 1,000,000) through the
// store's own batch commit (`TobanStore.commit`, 20,000 detections per transaction — the
// ingest path, so indexes and endpoints are real), then measures:
//   - time to first frame: open the store, read the first queue page, render into a grid;
//     and the header data (open counts, rate, ingest health) that the runtime loads beside it;
//   - keystroke → repaint: update (including the store reads the key causes) + render + grid
//     diff, for j ×1000, PgDn, filter apply, group toggle and drilling into a detail.
import Foundation
import TobanConsole
import TobanCore
import TobanStore

enum ConsoleBench {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    }

    static func report(_ name: String, _ samples: [Double]) {
        let ms = samples.map { $0 * 1000 }.sorted()
        guard !ms.isEmpty else { return }
        let median = ms[ms.count / 2]
        let p99 = ms[min(ms.count - 1, Int((Double(ms.count) * 0.99).rounded(.up)) - 1)]
        print(String(format: "  %@ n=%5d  median %8.2f ms  p99 %8.2f ms  max %8.2f ms", name as NSString, ms.count, median, p99, ms.last!))
    }

    static let customers: [Customer] = (0..<20).map { i in
        Customer(id: "c\(i)", displayName: i % 2 == 0 ? "株式会社テスト\(i)" : "Customer \(i)",
                 networks: [try! CIDR(parsing: "10.\(i).0.0/16")], sensors: ["s\(i)"])
    }

    static func seed(_ store: TobanStore, count: Int, now: Date) throws {
        try store.saveCustomers(customers, at: now)
        let severities: [Severity] = [.critical, .high, .medium, .medium, .low, .low, .low, .informational]
        let batchSize = 20_000
        var made = 0
        let start = Date()
        while made < count {
            var batch: [Detection] = []
            batch.reserveCapacity(batchSize)
            for _ in 0..<min(batchSize, count - made) {
                let i = made
                let c = i % customers.count
                let host = (i / customers.count) % 500
                let at = now.addingTimeInterval(-Double(count - i) * 0.5)
                let ep = IPAddress("10.\(c).\(host / 250).\(host % 250 + 1)")!
                batch.append(Detection(
                    customerID: "c\(c)", sensor: "s\(c)", sourceFormat: .suricataEVE,
                    sourcePosition: SourcePosition(source: "eve", offset: Int64(i) * 400), eventTime: at, ingestTime: at,
                    signature: Signature(id: "\(2_000_000 + i % 3000)", name: "ET BENCH signature \(i % 3000) activity", category: "Misc"),
                    vendorSeverity: "2", severity: severities[i % severities.count],
                    sourceIP: ep, sourcePort: 40000 + i % 20000,
                    destinationIP: IPAddress("198.51.\((i / 256) % 256).\(i % 256)")!, destinationPort: 443, transport: "TCP",
                    endpoint: ep, raw: "{\"alert\":{\"signature\":\"ET BENCH signature \(i % 3000)\"},\"n\":\(i)}"))
                made += 1
            }
            try store.commit(IngestBatch(detections: batch), customers: customers, aggregationWindow: 0, now: now)
            if made % 200_000 == 0 || made == count {
                FileHandle.standardError.write(Data(String(format: "  seeded %d detections (%.0f s)\n", made, Date().timeIntervalSince(start)).utf8))
            }
        }
    }

    static func main(_ args: [String]) -> Int32 {
        var count = 1_000_000
        var storePath: String?
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--detections" where i + 1 < args.count: count = Int(args[i + 1]) ?? count; i += 2
            case "--store" where i + 1 < args.count: storePath = args[i + 1]; i += 2
            default:
                print("usage: toban-bench console [--detections N] [--store PATH]")
                return 2
            }
        }
        let now = Date()
        var temporary: URL?
        let path: String
        if let storePath { path = storePath } else {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("toban-bench-\(UUID().uuidString)")
            try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            temporary = dir
            path = dir.appendingPathComponent("bench.sqlite").path
        }
        defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }
        do {
            if !FileManager.default.fileExists(atPath: path) {
                print("seeding \(count) detections through TobanStore.commit (20,000 per transaction) …")
                let seedStore = try TobanStore(path: path)
                let t = try seconds { try seed(seedStore, count: count, now: now) }
                try seedStore.close()
                print(String(format: "seeded in %.1f s (%.0f detections/s)", t, Double(count) / t))
            }

            print("console on \(path) (120×40 grid, page 200 rows, window ≤ 600 rows)")
            let size = TerminalSize(width: 120, height: 40)
            // Time to first frame: open + first queue page + render (what the analyst waits for).
            var store: TobanStore!
            var firstFrame = CellGrid(width: 1, height: 1)
            let tFirst = try seconds {
                store = try TobanStore(path: path)
                let env = ConsoleEnvironment(store: store, analyst: "bench", clock: { now })
                var model = ConsoleModel(environment: env)
                let inbox = Inbox<ConsoleMessage>()
                // Run only the queue load, the last effect of the first update; the header data
                // (the first effect) loads beside it in the real runtime and is timed below.
                if case .background(let work)? = model.update(.resized(size)).last { work(inbox) }
                for m in inbox.drain() { _ = model.update(.message(m)) }
                var grid = CellGrid(width: size.width, height: size.height)
                model.render(into: &grid)
                firstFrame = grid
            }
            print(String(format: "  time to first frame          %8.1f ms (open store, first queue page, render)", tFirst * 1000))
            guard firstFrame.snapshot().contains("ET BENCH") else {
                print("first frame has no rows:\n\(firstFrame.snapshot())")
                return 1
            }
            let tHeader = try seconds {
                _ = try store.openCountsByCustomerAndUrgency()
                _ = try store.detectionRate(bucketMinutes: 1, span: 3600, now: now)
                _ = try store.ingestHealth(now: now)
            }
            print(String(format: "  header data (background)     %8.1f ms (open counts, rate, ingest health)", tHeader * 1000))

            let env = ConsoleEnvironment(store: store, analyst: "bench", clock: { now })
            let runner = SyncRunner(ConsoleModel(environment: env), size: size)
            var previous = runner.frame()
            func keystroke(_ keys: [Key]) -> Double {
                seconds {
                    runner.send(keys)
                    let grid = runner.frame()
                    _ = grid.diff(from: previous)
                    previous = grid
                }
            }
            report("scroll j ×1000         ", (0..<1000).map { _ in keystroke([.character("j")]) })
            report("scroll PgDn ×200       ", (0..<200).map { _ in keystroke([.pageDown]) })
            _ = keystroke([.character("g"), .character("g")])
            report("G (last page)          ", (0..<10).map { _ in
                let t = keystroke([.character("G")])
                _ = keystroke([.character("g"), .character("g")])
                return t
            })
            let filters = ["cust:c3", "urg:P1", "sig~signature 42", "ip:10.5.0.0/16", "cust:c7 urg:P2..P3", "age:<1h"]
            var filterSamples: [Double] = []
            for round in 0..<4 {
                for text in filters {
                    runner.send(.character("/"), .ctrl("u"))
                    runner.type(text)
                    filterSamples.append(keystroke([.enter]))
                    _ = round
                }
            }
            report("filter apply (Enter)   ", filterSamples)
            runner.send(.character("/"), .ctrl("u"), .enter)
            report("group toggle (Tab)     ", (0..<8).map { _ in keystroke([.tab]) })
            runner.send(.character(":")); runner.type("group none"); runner.send(.enter)
            var detail: [Double] = []
            for _ in 0..<50 {
                detail.append(keystroke([.enter]))
                _ = keystroke([.escape])
                _ = keystroke([.character("j")])
            }
            report("drill into detail      ", detail)
            print("  peak RSS                     \(peakRSS())")
            try store.close()
            return 0
        } catch {
            print("toban-bench console: \(error)")
            return 1
        }
    }
}
