import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TobanTestSupport

/// The console end to end: the built `toban` in a real terminal (tmux), driven by keys.
@Suite("Console in tmux", .serialized)
struct ConsoleTmuxTests {
    static let tmuxPath: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// One tmux server on its own socket; always killed.
    final class Tmux {
        let socket = "toban-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let path: String
        init(path: String) { self.path = path }

        /// Runs `tmux -L socket args…` (through `Spawn`, never Foundation's Process).
        @discardableResult
        func run(_ args: [String]) throws -> String {
            var env = ProcessInfo.processInfo.environment
            env["TMUX"] = nil
            return try Spawn.run([path, "-L", socket] + args, environment: env).output
        }

        func keys(_ k: String...) throws { try run(["send-keys", "-t", "console"] + k) }
        func capture() throws -> String { try run(["capture-pane", "-p", "-t", "console"]) }

        /// Polls the pane until `predicate` holds (the console repaints asynchronously).
        func wait(_ what: String, timeout: TimeInterval = 30, _ predicate: (String) -> Bool) throws -> String {
            var screen = ""
            let shown = try eventually(timeout: timeout, every: 0.1) {
                screen = try capture()
                return predicate(screen)
            }
            if !shown { Issue.record("timed out waiting for \(what); screen:\n\(screen)") }
            return screen
        }

        /// Stops the server (cleanup: a server already gone is fine).
        func kill() { _ = try? run(["kill-server"]) }

        /// The exit status the pane's shell writes to `marker` after the console ends, or ""
        /// after `timeout`. The shell creates the file before writing into it, so the file
        /// existing is not enough: a test that read it then found it empty.
        static func exitStatus(marker: String, timeout: TimeInterval = 10) -> String {
            var status = ""
            _ = eventually(timeout: timeout, every: 0.1) {
                let data = FileManager.default.contents(atPath: marker) ?? Data()
                status = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                return !status.isEmpty
            }
            return status
        }
    }

    @Test("queue, detail, filter, endpoints, resize and quit in a real terminal",
          .enabled(if: Self.tmuxPath != nil, "tmux is not installed"))
    func endToEnd() throws {
        let tmuxPath = try #require(Self.tmuxPath)
        let scratch = TemporaryDirectory(prefix: "toban-tmux")
        let dir = scratch.url
        let store = scratch.storePath
        let config = TobanBinary.packageRoot.appendingPathComponent("sample-logs/toban.example.toml").path

        // Seed from sample-logs with the built binary (the config's source paths are relative to the repository).
        let ingest = try TobanBinary.run(["ingest", "--once", "--config", config, "--store", store], in: TobanBinary.packageRoot)
        try #require(ingest.status == 0, "\(ingest.stderr)")

        let tmux = Tmux(path: tmuxPath)
        defer { tmux.kill() }
        let marker = dir.appendingPathComponent("exited").path
        let command = "cd '\(TobanBinary.packageRoot.path)' && TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 '\(TobanBinary.url.path)' --store '\(store)' --config '\(config)'; echo $? > '\(marker)'; sleep 30"
        try tmux.run(["new-session", "-d", "-s", "console", "-x", "80", "-y", "24", command])

        var screen = try tmux.wait("the queue") { $0.contains("★★★") && $0.contains("株式会社アクメ") }
        #expect(screen.contains("当番 Toban"))

        try tmux.keys("j", "Enter")
        screen = try tmux.wait("the detail") { $0.contains("Detection #") && $0.contains("Why P") }
        try tmux.keys("Escape")
        screen = try tmux.wait("back on the queue") { !$0.contains("Detection #") && $0.contains("Signature") }

        try tmux.keys("/", "cust:acme", "Enter")
        screen = try tmux.wait("the filtered queue") { $0.contains("Queue") && !$0.contains("神戸精工") && $0.contains("株式会社アクメ") }
        let rows = screen.split(separator: "\n").filter { $0.drop { $0 == " " }.hasPrefix("P") }
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0.contains("株式会社アクメ") })

        try tmux.keys("e")
        // Wait for the rows, not just the title: Enter on a list still loading has nothing to open.
        screen = try tmux.wait("the endpoints") { $0.contains("Endpoints 被疑端末") && $0.contains("10.0.0.10") }
        try tmux.keys("Enter")
        screen = try tmux.wait("an endpoint page") { $0.contains("Timeline (JST)") }
        try tmux.keys("Escape", "Escape")
        screen = try tmux.wait("the queue again") { $0.contains("Signature") && !$0.contains("Endpoints") }

        try tmux.run(["resize-window", "-t", "console", "-x", "40", "-y", "12"])
        screen = try tmux.wait("the 40×12 layout") { $0.contains("当番") && !$0.contains("too small") }
        #expect(screen.split(separator: "\n").allSatisfy { $0.count <= 40 })
        try tmux.run(["resize-window", "-t", "console", "-x", "30", "-y", "10"])
        screen = try tmux.wait("the too-small message") { $0.contains("Terminal too small") }
        try tmux.run(["resize-window", "-t", "console", "-x", "80", "-y", "24"])
        screen = try tmux.wait("the full layout again") { $0.contains("★★★") && !$0.contains("too small") }
        // No garbage: every line is either part of the layout or blank, and the footer is intact.
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.hasPrefix("当番 Toban") == true)
        #expect(screen.contains("JST") && screen.contains("UTC"))
        #expect(!screen.contains("Terminal too small"))

        try tmux.keys("q")
        #expect(Tmux.exitStatus(marker: marker) == "0", "the console did not exit after q")
    }

    /// The README's first command: the demo shows the backlog, then live arrivals.
    @Test("the demo plays live arrivals", .enabled(if: Self.tmuxPath != nil, "tmux is not installed"))
    func demoPlaysLiveArrivals() throws {
        let tmuxPath = try #require(Self.tmuxPath)
        let scratch = TemporaryDirectory(prefix: "toban-demo-live")
        let tmux = Tmux(path: tmuxPath)
        defer { tmux.kill() }
        let marker = scratch.file("exited")
        let command = "cd '\(TobanBinary.packageRoot.path)' && TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 '\(TobanBinary.url.path)' demo --dir '\(scratch.file("demo"))'; echo $? > '\(marker)'; sleep 30"
        try tmux.run(["new-session", "-d", "-s", "console", "-x", "120", "-y", "30", command])
        _ = try tmux.wait("the queue") { $0.contains("★★★") }
        let screen = try tmux.wait("live arrivals", timeout: 40) { $0.contains("new (n)") }
        #expect(screen.contains("new (n)"), "no live arrival within 40 s")
        #expect(!screen.contains("stopped"), "a background failure: \(screen)")
        try tmux.keys("q")
        #expect(Tmux.exitStatus(marker: marker) == "0")
    }

    @Test("a missing store is a clear error, not a crash")
    func missingStore() throws {
        let r = try TobanBinary.run(["console", "--store", "/nonexistent/dir/toban.sqlite"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("no store at /nonexistent/dir/toban.sqlite"))
    }
}
