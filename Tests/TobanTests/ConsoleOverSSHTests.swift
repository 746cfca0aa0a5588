import Foundation
import Testing
import TobanStore
import TobanTestSupport

/// The way analysts really work: the console in tmux, over a plain `ssh` to localhost.
/// A private sshd is started on loopback for this test (host key, authorized key and
/// config in a temporary directory) and stopped at the end. Keys work the queue, claim,
/// escalate with a comment, undo, and mark an endpoint suspect with a note; the effects are
/// checked in the store through `toban query`, as a script would (the undo in-process, to
/// stay inside its 10 s window on a loaded machine).
///
/// An extension of the serialized tmux suite on purpose: terminal tests never run at the
/// same time (when this test overlapped the tmux one, that test's tmux server died mid-run).
extension ConsoleTmuxTests {
    static let sshdPath = "/usr/sbin/sshd"
    static let sshPath = "/usr/bin/ssh"
    static let keygenPath = "/usr/bin/ssh-keygen"

    static var sshAvailable: Bool {
        ConsoleTmuxTests.tmuxPath != nil && [sshdPath, sshPath, keygenPath].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
            && geteuid() == 0 // sshd's privilege separation needs root; CI runs as root
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    static func listening(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    static func spawnChecked(_ path: String, _ args: [String]) throws {
        let status = try Spawn.run([path] + args).status
        try #require(status == 0, "\(path) \(args) failed")
    }

    static func queryJSON(_ what: String, store: String) throws -> [[String: Any]] {
        let result = try TobanBinary.run(["query", what, "--store", store, "--json", "--limit", "1000"])
        try #require(result.status == 0, "toban query \(what): \(result.stderr)")
        return try result.lines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
    }

    /// A private sshd on a loopback port, with a fresh host key and a client key
    /// (`client_key` in `dir`) it accepts; the caller stops it.
    static func startSSHD(in dir: URL) throws -> (pid: pid_t, port: Int) {
        try Self.spawnChecked(Self.keygenPath, ["-q", "-t", "ed25519", "-N", "", "-f", dir.appendingPathComponent("host_key").path])
        try Self.spawnChecked(Self.keygenPath, ["-q", "-t", "ed25519", "-N", "", "-f", dir.appendingPathComponent("client_key").path])
        try FileManager.default.copyItem(at: dir.appendingPathComponent("client_key.pub"), to: dir.appendingPathComponent("authorized_keys"))
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let port = Int.random(in: 40_000...59_000)
        try """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(dir.path)/host_key
            AuthorizedKeysFile \(dir.path)/authorized_keys
            PidFile \(dir.path)/sshd.pid
            StrictModes no
            UsePAM no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            """.write(to: dir.appendingPathComponent("sshd_config"), atomically: true, encoding: .utf8)
        let daemon = try Spawn.start([Self.sshdPath, "-D", "-e", "-f", dir.appendingPathComponent("sshd_config").path])
        #expect(eventually { Self.listening(port: port) }, "sshd did not start listening")
        return (daemon, port)
    }

    /// `ssh -t` to the private sshd, running `remote` (for a tmux pane).
    static func sshCommand(dir: URL, port: Int, remote: String) -> String {
        "\(Self.sshPath) -t -i '\(dir.path)/client_key' -p \(port) -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR 127.0.0.1 \"\(remote)\"; sleep 30"
    }

    @Test("triage over ssh in tmux: claim, escalate with a comment, undo, mark suspect with a note",
          .enabled(if: Self.sshAvailable, "needs tmux, openssh-server and root"))
    func triageOverSSH() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        let store = scratch.storePath
        let config = TobanBinary.packageRoot.appendingPathComponent("sample-logs/toban.example.toml").path
        let seeded = try TobanBinary.run(["ingest", "--once", "--config", config, "--store", store], in: TobanBinary.packageRoot)
        try #require(seeded.status == 0, "\(seeded.stderr)")

        let (daemon, port) = try Self.startSSHD(in: dir)
        defer { kill(daemon, SIGTERM); Spawn.wait(daemon) }

        let tmux = ConsoleTmuxTests.Tmux(path: try #require(ConsoleTmuxTests.tmuxPath))
        defer { tmux.kill() }
        let marker = dir.appendingPathComponent("exited").path
        let remote = "cd '\(TobanBinary.packageRoot.path)' && LANG=C.UTF-8 LC_ALL=C.UTF-8 '\(TobanBinary.url.path)' --store '\(store)' --config '\(config)'; echo \\$? > '\(marker)'"
        let sshCommand = Self.sshCommand(dir: dir, port: port, remote: remote)
        try tmux.run(["new-session", "-d", "-s", "console", "-x", "100", "-y", "30", sshCommand])
        _ = try tmux.wait("the queue over ssh", timeout: 20) { $0.contains("★★★") && $0.contains("株式会社アクメ") }

        // Claim the top detection: assigned to the login user, in triage.
        let top = try #require(try Self.queryJSON("detections", store: store).first)
        try tmux.keys("c")
        let claimed = try eventually(timeout: 5, every: 0.1) {
            let row = try Self.queryJSON("detections", store: store).first { ($0["id"] as? Int) == (top["id"] as? Int) }
            return row?["assignee"] as? String == "root" && row?["status"] as? String == "in_triage"
        }
        #expect(claimed, "claim did not reach the store")

        // Escalate the next one with a comment: an incident appears; undo removes it.
        try tmux.keys("gg", "F9")
        _ = try tmux.wait("the escalation comment prompt") { $0.lowercased().contains("comment") }
        try tmux.keys("-l", "C2 beacon from the AD server")
        try tmux.keys("Enter")
        // The console says "escalated … — u to undo" once the store has the incident; undo
        // must come within its 10 s window, so the test reads the store in-process here (a
        // `toban query` per poll can take seconds on a loaded CI machine).
        _ = try tmux.wait("the escalation confirmed") { $0.contains("escalated") && $0.contains("u to undo") }
        let reader = try TobanStore(path: store)
        defer { _ = try? reader.close() } // cleanup: the assertions below say what matters
        #expect(try reader.incidents().count == 1, "escalation did not create an incident")
        try tmux.keys("u")
        let afterUndo = try tmux.wait("the undo confirmed") { $0.contains("undone:") || $0.contains("undo refused") }
        let undone = try eventually(timeout: 10, every: 0.1) { try reader.incidents().isEmpty }
        #expect(undone, "undo did not remove the incident; the screen:\n\(afterUndo)")

        // Endpoints: the riskiest host, marked suspect (被疑) with a note.
        try tmux.keys("e")
        // Wait for the rows, not just the title: Enter on a list still loading has nothing to open.
        _ = try tmux.wait("the endpoints") { $0.contains("Endpoints 被疑端末") && $0.contains("10.0.0.10") }
        try tmux.keys("Enter")
        _ = try tmux.wait("the endpoint page") { $0.contains("Timeline (JST)") }
        try tmux.keys("s")
        _ = try tmux.wait("the note prompt") { $0.lowercased().contains("note") }
        try tmux.keys("-l", "isolate please")
        try tmux.keys("Enter")
        let suspect = try eventually(timeout: 5, every: 0.1) {
            try Self.queryJSON("endpoints", store: store).contains { $0["status"] as? String == "suspect" }
        }
        #expect(suspect, "marking suspect did not reach the store")

        try tmux.keys("Escape", "Escape", "q")
        #expect(ConsoleTmuxTests.Tmux.exitStatus(marker: marker) == "0", "the console did not exit cleanly over ssh")
    }
}
