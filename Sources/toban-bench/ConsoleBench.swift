// toban-bench console: the console's responsiveness on a large store, without a terminal.
//
// Builds (or reuses, with --store) a store of N detections (default 1,000,000) in bulk
// (BenchSeed), then measures:
//   - time to first frame: open the store, read the first queue page, render into a grid;
//     and the header data (open counts, rate, ingest health) that the runtime loads beside it;
//   - keystroke → repaint, synchronously: update (including the store reads the key causes)
//     + render + grid diff, for j, PgDn, G, each kind of filter, each grouping, drilling
//     into a detail and into a group;
//   - with --live (default on): the real event loop with a headless terminal while another
//     connection commits 5,000 detections/s through `TobanStore.commit` (LiveBench), then
//     the CPU the idle console uses over 5 s with nothing changing.
// Every figure is a median and a p99 in milliseconds.
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
        let padded = name.padding(toLength: 30, withPad: " ", startingAt: 0)
        print(String(format: "  %@ n=%5d  median %8.2f ms  p99 %8.2f ms  max %8.2f ms", padded as NSString, ms.count, median, p99, ms.last!))
    }

    static let filters: [(String, String)] = [
        ("filter cust:", "cust:c3"), ("filter urg:", "urg:P1"), ("filter sig~ (11 signatures)", "sig~signature 42"),
        ("filter sig~ (no match)", "sig~cobalt"), ("filter ip:/16", "ip:10.5.0.0/16"), ("filter cust: urg:", "cust:c7 urg:P2..P3"),
        ("filter age:<1h", "age:<1h"), ("filter age:<1d sig~", "age:<1d sig~signature 7"),
    ]

    static func main(_ args: [String]) -> Int32 {
        var count = 1_000_000
        var storePath: String?
        var live = true
        var liveSeconds = 20.0
        var incidents = 10_000
        var notifications = 100_000
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--detections" where i + 1 < args.count: count = Int(args[i + 1]) ?? count; i += 2
            case "--store" where i + 1 < args.count: storePath = args[i + 1]; i += 2
            case "--no-live": live = false; i += 1
            case "--incidents" where i + 1 < args.count: incidents = Int(args[i + 1]) ?? incidents; i += 2
            case "--notifications" where i + 1 < args.count: notifications = Int(args[i + 1]) ?? notifications; i += 2
            case "--live-seconds" where i + 1 < args.count: liveSeconds = Double(args[i + 1]) ?? liveSeconds; i += 2
            default:
                print("usage: toban-bench console [--detections N] [--incidents N] [--notifications N] [--store PATH] [--no-live] [--live-seconds S]")
                return 2
            }
        }
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
                print("seeding \(count) detections in bulk (INSERT … SELECT, then endpoints and queue aggregates) …")
                let t = try seconds { try BenchSeed.seed(path: path, count: count, now: Date()) }
                print(String(format: "seeded in %.1f s", t))
            }
            print("seeding \(incidents) incidents and \(notifications) notifications (skipped when the store has incidents) …")
            try BenchSeed.seedEscalations(path: path, incidents: incidents, notifications: notifications, now: Date())
            // The clock the console sees: just after the newest stored activity, so ages and
            // "age:<1h" mean the same on a reused store as on a fresh one.
            let (newest, stored) = try newestActivity(path: path)
            let now = newest ?? Date()
            print("console on \(path): \(stored) detection rows, \(incidents) incidents, \(notifications) notifications; 120×40 grid, page 200 rows, window ≤ 600 rows")
            print("load average before: \(loadAverage())")
            try measureSynchronously(path: path, now: now)
            if live {
                try LiveBench.run(path: path, now: now, seconds: liveSeconds)
            }
            print("load average after: \(loadAverage())")
            print("  peak RSS                     \(peakRSS())")
            return 0
        } catch {
            print("toban-bench console: \(error)")
            return 1
        }
    }

    /// The newest last-seen time in the store (the queue's top P5 may be older than a P1).
    static func newestActivity(path: String) throws -> (Date?, Int64) {
        let store = try TobanStore(path: path)
        defer { try? store.close() }
        var newest: Date?
        for u in Urgency.allCases {
            if let d = try store.detections(DetectionFilter(urgencies: u...u), limit: 1).first {
                newest = max(newest ?? d.lastSeen, d.lastSeen)
            }
        }
        return (newest.map { $0.addingTimeInterval(1) }, try store.latestDetectionID())
    }

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "n/a"
    }

    static func measureSynchronously(path: String, now: Date) throws {
        let size = TerminalSize(width: 120, height: 40)
        // Time to first frame: open + first queue page + render (what the analyst waits for).
        var store: TobanStore!
        var firstFrame = CellGrid(width: 1, height: 1)
        let tFirst = try seconds {
            store = try TobanStore(path: path)
            let env = ConsoleEnvironment(store: store, analyst: "bench", clock: BenchClock(startingAt: now))
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
            throw BenchError.noRows(firstFrame.snapshot())
        }
        report("header data (background)", try (0..<50).map { _ in
            try seconds {
                _ = try store.openCountsByCustomerAndUrgency()
                _ = try store.detectionRate(bucketMinutes: 1, span: 3600, now: now)
                _ = try store.ingestHealth(now: now)
                _ = try store.customerNames()
                _ = try store.awaitingConfirmation()
                _ = try store.openPages()
            }
        })

        let env = ConsoleEnvironment(store: store, analyst: "bench", clock: BenchClock(startingAt: now))
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
        report("scroll j ×1000", (0..<1000).map { _ in keystroke([.character("j")]) })
        report("scroll PgDn ×200", (0..<200).map { _ in keystroke([.pageDown]) })
        _ = keystroke([.character("g"), .character("g")])
        report("G (last page)", (0..<10).map { _ in
            let t = keystroke([.character("G")])
            _ = keystroke([.character("g"), .character("g")])
            return t
        })
        var allFilters: [Double] = []
        for (label, text) in filters {
            var samples: [Double] = []
            for _ in 0..<10 {
                runner.send(.character("/"), .ctrl("u"))
                runner.type(text)
                samples.append(keystroke([.enter]))
                // Scrolling a filtered list reads its next pages with the same plan.
                samples.append(keystroke([.pageDown]))
            }
            report(label + " (+PgDn)", samples)
            allFilters += samples
        }
        report("filter, all kinds", allFilters)
        runner.send(.character("/"), .ctrl("u"), .enter)
        // Tab cycles none → signature → endpoint → customer → none.
        var toggles: [String: [Double]] = [:]
        for _ in 0..<10 {
            for label in ["signature", "endpoint", "customer", "none"] { toggles[label, default: []].append(keystroke([.tab])) }
        }
        for label in ["signature", "endpoint", "customer", "none"] { report("group toggle → \(label)", toggles[label]!) }
        report("group toggle, all", toggles.values.flatMap { $0 })
        var detail: [Double] = []
        for _ in 0..<50 {
            detail.append(keystroke([.enter]))
            _ = keystroke([.escape])
            _ = keystroke([.character("j")])
        }
        report("drill into detail", detail)
        for (label, tabs) in [("signature", 1), ("endpoint", 2), ("customer", 3)] {
            runner.send(.character(":")); runner.type("group none"); runner.send(.enter)
            for _ in 0..<tabs { runner.send(.tab) }
            var samples: [Double] = []
            for _ in 0..<10 {
                samples.append(keystroke([.enter]))
                _ = keystroke([.escape])
                _ = keystroke([.character("j")])
            }
            report("drill into \(label) group", samples)
        }
        runner.send(.character(":")); runner.type("group none"); runner.send(.enter)
        measureCloseAndUndo(runner, keystroke: keystroke)
        measureEscalationScreens(runner, keystroke: keystroke)
        try store.close()
    }

    /// Closing the selected detection (`1`, a disposition) and undoing it (`u`), each to the
    /// next frame: the write, its audit entry, the queue-aggregate triggers (the row's
    /// groups find their latest open row again), and the queue page read back. The row
    /// closed is the one under the cursor, a different one each round.
    static func measureCloseAndUndo(_ runner: SyncRunner<ConsoleModel>, keystroke: ([Key]) -> Double) {
        var closes: [Double] = []
        var undos: [Double] = []
        for round in 0..<30 {
            closes.append(keystroke([.character("1")]))
            if round == 0, !runner.screen.contains("u to undo") {
                print("  close (disposition 1)          not measured: the first close did not report itself done")
                return
            }
            undos.append(keystroke([.character("u")]))
            _ = keystroke([.character("j")])
        }
        report("close (disposition 1)", closes)
        report("undo the close (u)", undos)
    }

    /// The incident list and page, the outbox and its preview, on the seeded store.
    static func measureEscalationScreens(_ runner: SyncRunner<ConsoleModel>, keystroke: ([Key]) -> Double) {
        report("open incidents (I)", (0..<20).map { _ in
            let t = keystroke([.character("I")])
            _ = keystroke([.escape])
            return t
        })
        _ = keystroke([.character("I")])
        report("incidents j ×500", (0..<500).map { _ in keystroke([.character("j")]) })
        _ = keystroke([.character("g"), .character("g")])
        var page: [Double] = []
        for _ in 0..<50 {
            page.append(keystroke([.enter]))
            _ = keystroke([.escape])
            _ = keystroke([.character("j")])
        }
        report("open incident page", page)
        report("filter incidents urg:P1", (0..<10).map { _ in
            runner.send(.character("/"), .ctrl("u"))
            runner.type("urg:P1 cust:c3")
            return keystroke([.enter])
        })
        _ = keystroke([.escape])
        report("open outbox (O)", (0..<20).map { _ in
            let t = keystroke([.character("O")])
            _ = keystroke([.escape])
            return t
        })
        _ = keystroke([.character("O")])
        report("outbox j ×500", (0..<500).map { _ in keystroke([.character("j")]) })
        report("preview (stored text)", (0..<50).map { _ in
            let t = keystroke([.character("p")])
            _ = keystroke([.escape])
            return t
        })
        _ = keystroke([.escape])
    }

    enum BenchError: Error, CustomStringConvertible {
        case noRows(String)
        var description: String {
            switch self {
            case .noRows(let screen): return "first frame has no rows:\n\(screen)"
            }
        }
    }
}
