// The console's real event loop (ConsoleRuntime, StorePoller, background loads on other
// threads) on a headless terminal, while another connection commits 5,000 detections/s
// through `TobanStore.commit`: a scripted typist sends a key, waits for the frame that
// shows its result (the queue done loading, the detail read), notes the time, pauses and
// sends the next. Then the same console idles for 5 s with nothing changing, and the
// process's CPU time over those seconds is reported.
import Foundation
import TobanConsole
import TobanCore
import TobanStore

/// What the typist needs to know about the frame being drawn.
final class FrameProbe: @unchecked Sendable {
    // @unchecked: written and read on the UI thread only (render, then draw).
    var settled = false
    var storeChanges = 0
}

/// The console model, reporting whether the frame it renders shows a finished result.
struct ProbedConsole: ConsoleApp {
    var model: ConsoleModel
    let probe: FrameProbe

    mutating func update(_ event: ConsoleEvent<ConsoleMessage>) -> [ConsoleEffect<ConsoleMessage>] {
        if case .message(.storeChanged) = event { probe.storeChanges += 1 }
        return model.update(event)
    }

    func render(into grid: inout CellGrid) {
        model.render(into: &grid)
        switch model.state.top {
        case .queue(let q): probe.settled = !q.loading && q.loadedOnce
        case .detail(let d): probe.settled = d.data != nil
        default: probe.settled = true
        }
    }
}

/// A terminal whose keys come from the typist thread; it times each key until the first
/// settled frame drawn after the key was read.
final class BenchTerminal: TerminalDriver, @unchecked Sendable {
    // @unchecked: every field below is guarded by `condition`.
    let size = TerminalSize(width: 120, height: 40)
    private let condition = NSCondition()
    private let probe: FrameProbe
    private var keys: [Key] = []
    private var woken = false
    private var ended = false
    private var sentAt: UInt64?
    private var consumed = false
    private var latency: Double?
    private(set) var draws = 0

    init(probe: FrameProbe) { self.probe = probe }

    func readKey(timeoutMs: Int) -> Key? {
        condition.lock()
        defer { condition.unlock() }
        if keys.isEmpty && !woken && !ended && timeoutMs > 0 {
            _ = condition.wait(until: Date().addingTimeInterval(Double(timeoutMs) / 1000))
        }
        woken = false
        if !keys.isEmpty {
            consumed = true
            return keys.removeFirst()
        }
        return ended ? .eof : nil
    }

    func makeWaker() -> (@Sendable () -> Void)? {
        { [self] in
            condition.lock()
            woken = true
            // broadcast: the typist may be waiting on the same condition.
            condition.broadcast()
            condition.unlock()
        }
    }

    func draw(_ grid: CellGrid) {
        let settled = probe.settled
        condition.lock()
        draws += 1
        if let t = sentAt, consumed, keys.isEmpty, settled {
            latency = Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9
            sentAt = nil
            consumed = false
            condition.broadcast()
        }
        condition.unlock()
    }

    /// Typist side: sends `keys`, waits until their result is drawn; the seconds it took.
    func type(_ sent: [Key], timeout: TimeInterval = 10) -> Double? {
        condition.lock()
        defer { condition.unlock() }
        latency = nil
        consumed = false
        sentAt = DispatchTime.now().uptimeNanoseconds
        keys += sent
        condition.broadcast()
        let deadline = Date().addingTimeInterval(timeout)
        while latency == nil {
            if !condition.wait(until: deadline) { sentAt = nil; return nil }
        }
        return latency
    }

    var drawCount: Int { condition.lock(); defer { condition.unlock() }; return draws }

    func end() {
        condition.lock()
        ended = true
        condition.broadcast()
        condition.unlock()
    }

    func invalidate() {}
    func takeInterruption() -> Int32? { nil }
    func shutdown() {}
}

/// Commits `perSecond` new detections a second in batches of `batch`, through the ingest
/// path, from its own store connection, until stopped.
final class BackgroundWriter: @unchecked Sendable {
    // @unchecked: `stopped` and the counts are guarded by `lock`.
    private let lock = NSLock()
    private var stopped = false
    private(set) var committed = 0
    private(set) var commitSeconds: [Double] = []
    private let done = DispatchSemaphore(value: 0)

    func start(path: String, perSecond: Int, batch: Int, clock: any TobanClock) {
        let thread = Thread { [self] in
            defer { done.signal() }
            guard let store = try? TobanStore(path: path) else { return }
            defer { try? store.close() }
            let cache = IngestWriteCache()
            let interval = Double(batch) / Double(perSecond)
            var next = Date()
            var n = 0
            while !isStopped {
                let now = clock.now
                let detections = (0..<batch).map { k -> Detection in
                    let i = n + k
                    // A burst comes from a few noisy hosts (ten per customer): the commit's
                    // per-endpoint work (corroboration, re-scoring) is shared by many rows.
                    let c = i % BenchSeed.customerCount
                    let host = (i / BenchSeed.customerCount) % 10
                    let ep = IPAddress("10.\(c).\(host / 250).\(host % 250 + 1)")!
                    return Detection(
                        customerID: "c\(c)", sensor: "s\(c)", sourceFormat: .suricataEVE,
                        sourcePosition: SourcePosition(source: "live", offset: Int64(i) * 400), eventTime: now, ingestTime: now,
                        signature: Signature(id: "\(2_000_000 + i % BenchSeed.signatures)", name: "ET BENCH signature \(i % BenchSeed.signatures) activity", category: "Misc"),
                        vendorSeverity: "2", severity: [.high, .medium, .low, .low, .informational][i % 5],
                        sourceIP: ep, sourcePort: 1024 + i % 60000,
                        destinationIP: IPAddress("203.0.\((i / 256) % 256).\(i % 256)")!, destinationPort: 8443, transport: "TCP",
                        endpoint: ep, raw: "{\"live\":\(i)}")
                }
                n += batch
                let t0 = DispatchTime.now().uptimeNanoseconds
                do {
                    try store.commit(IngestBatch(detections: detections), customers: BenchSeed.customers, now: now, cache: cache)
                } catch {
                    FileHandle.standardError.write(Data("writer: \(error)\n".utf8))
                    return
                }
                let took = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                lock.lock()
                committed += batch
                commitSeconds.append(took)
                lock.unlock()
                next = next.addingTimeInterval(interval)
                let wait = next.timeIntervalSinceNow
                if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            }
        }
        thread.start()
    }

    private var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }

    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        done.wait()
    }
}

enum LiveBench {
    static func run(path: String, now base: Date, seconds: Double) throws {
        print("live: the event loop on a headless terminal while a writer commits 5,000 detections/s (batches of 1,000 every 200 ms)")
        let store = try TobanStore(path: path)
        defer { try? store.close() }
        let clock = BenchClock(startingAt: base)
        let probe = FrameProbe()
        let terminal = BenchTerminal(probe: probe)
        var app = ProbedConsole(model: ConsoleModel(environment: ConsoleEnvironment(store: store, analyst: "bench", clock: clock)), probe: probe)
        let runtime = ConsoleRuntime<ProbedConsole>(idleTimeoutMs: 100)
        let poller = StorePoller(store: store, inbox: runtime.inbox, clock: clock)
        let writer = BackgroundWriter()

        final class Results: @unchecked Sendable {
            var samples: [String: [Double]] = [:]
            var order: [String] = []
            var missed = 0
            var idleCPU = 0.0
            var idleFrames = 0
            var liveFrames = 0
            var liveChanges = 0
            var liveElapsed = 0.0
            func add(_ label: String, _ t: Double?) {
                guard let t else { missed += 1; return }
                if samples[label] == nil { order.append(label) }
                samples[label, default: []].append(t)
            }
        }
        let results = Results()
        let typist = Thread {
            let pause: TimeInterval = 0.03
            func key(_ label: String, _ keys: [Key]) {
                results.add(label, terminal.type(keys))
                Thread.sleep(forTimeInterval: pause)
            }
            func setup(_ keys: [Key]) { _ = terminal.type(keys); Thread.sleep(forTimeInterval: pause) }
            setup([]) // the first frame
            writer.start(path: path, perSecond: 5_000, batch: 1_000, clock: clock)
            let liveStart = Date()
            let framesBefore = terminal.drawCount
            while Date().timeIntervalSince(liveStart) < seconds {
                for _ in 0..<20 { key("j", [.character("j")]) }
                for _ in 0..<5 { key("PgDn", [.pageDown]) }
                for (label, text) in [("filter cust:", "cust:c3"), ("filter sig~", "sig~signature 42"), ("filter age:<1h", "age:<1h"),
                                      ("filter cleared", "")] {
                    setup([.character("/"), .ctrl("u")] + text.map { Key.character($0) })
                    key(label, [.enter])
                }
                for label in ["group → signature", "group → endpoint", "group → customer", "group → none"] { key(label, [.tab]) }
                for _ in 0..<3 {
                    key("drill into detail", [.enter])
                    setup([.escape])
                    setup([.character("j")])
                }
            }
            results.liveElapsed = Date().timeIntervalSince(liveStart)
            results.liveFrames = terminal.drawCount - framesBefore
            writer.stop()
            // Let the last changes be read, then nothing changes: measure the idle console.
            Thread.sleep(forTimeInterval: 2)
            let cpu0 = cpuSeconds(), frames0 = terminal.drawCount
            Thread.sleep(forTimeInterval: 5)
            results.idleCPU = cpuSeconds() - cpu0
            results.idleFrames = terminal.drawCount - frames0
            terminal.end()
        }
        typist.start()
        _ = runtime.run(&app, on: terminal)
        poller.cancel()
        results.liveChanges = probe.storeChanges

        let achieved = Double(writer.committed) / max(results.liveElapsed, 0.001)
        print(String(format: "  writer: %d detections committed, %.0f/s achieved", writer.committed, achieved))
        ConsoleBench.report("  writer commit of 1,000", writer.commitSeconds)
        for label in results.order { ConsoleBench.report("live " + label, results.samples[label]!) }
        ConsoleBench.report("live, every key", results.samples.values.flatMap { $0 })
        if results.missed > 0 { print("  \(results.missed) keys not shown within 10 s") }
        print(String(format: "  redraws coalesced: %d frames for %d store changes and %d keys in %.1f s",
                     results.liveFrames, results.liveChanges, results.samples.values.map(\.count).reduce(0, +), results.liveElapsed))
        print(String(format: "  idle 5 s, nothing changing: CPU %.3f s (%.2f%% of one core), %d frames (the clock)",
                     results.idleCPU, results.idleCPU / 5 * 100, results.idleFrames))
    }
}
