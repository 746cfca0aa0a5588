import Foundation
import Testing
import TobanTestSupport

/// The console on the terminals analysts actually have: a UTF-8 xterm, and a bare vt100
/// or Linux console under LANG=C, each at 80×24 and at the minimum 40×12. Nothing goes
/// blank (ASCII stands in: the customer's id for its name, `***` for ★★★), and quitting
/// leaves no frame behind, with or without an alternate screen.
extension ConsoleTmuxTests {
    static let terminals: [(term: String, lang: String)] = [
        ("xterm-256color", "C.UTF-8"), ("vt100", "C"), ("linux", "C"),
    ]

    @Test("every terminal and locale at 80×24 and 40×12: readable, and the screen restored on quit",
          .enabled(if: Self.tmuxPath != nil, "tmux is not installed"), arguments: [(80, 24), (40, 12)])
    func terminalMatrix(size: (Int, Int)) throws {
        let scratch = TemporaryDirectory(prefix: "toban-matrix")
        let store = scratch.storePath
        let config = TobanBinary.packageRoot.appendingPathComponent("sample-logs/toban.example.toml").path
        let ingest = try TobanBinary.run(["ingest", "--once", "--config", config, "--store", store], in: TobanBinary.packageRoot)
        try #require(ingest.status == 0, "\(ingest.stderr)")
        for (n, terminal) in Self.terminals.enumerated() {
            let tmux = Tmux(path: try #require(Self.tmuxPath))
            defer { tmux.kill() }
            let marker = scratch.file("exited-\(n)")
            let command = "cd '\(TobanBinary.packageRoot.path)' && TERM=\(terminal.term) LANG=\(terminal.lang) LC_ALL=\(terminal.lang) "
                + "'\(TobanBinary.url.path)' --store '\(store)' --config '\(config)'; echo $? > '\(marker)'; sleep 30"
            try tmux.run(["new-session", "-d", "-s", "console", "-x", "\(size.0)", "-y", "\(size.1)", command])
            let utf8 = terminal.lang.contains("UTF-8")
            let what = "\(terminal.term) LANG=\(terminal.lang) \(size.0)×\(size.1)"
            let screen = try tmux.wait("the queue on \(what)") { screen in
                utf8 ? screen.contains("★★★") && screen.contains("当番 Toban") : screen.contains("P1 ***") && screen.contains("Toban")
            }
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.allSatisfy { $0.count <= size.0 }, "\(what): a line is wider than the terminal")
            #expect(screen.contains("ET "), "\(what): the signature column must stay\n\(screen)")
            if !utf8 {
                // Names the terminal cannot show become ids, never blanks; no stray non-ASCII.
                if size.0 >= 80 { #expect(screen.contains("acme"), "\(what): the customer id stands in for its name\n\(screen)") }
                #expect(screen.unicodeScalars.allSatisfy { $0.isASCII }, "\(what): non-ASCII on an ASCII terminal\n\(screen)")
            } else if size.0 >= 80 {
                #expect(screen.contains("株式会社アクメ"), "\(what)\n\(screen)")
            }
            try tmux.keys("Q")
            #expect(Tmux.exitStatus(marker: marker) == "0", "\(what): the console did not exit")
            let after = try tmux.capture()
            #expect(!after.contains("Toban") && !after.contains("P1"), "\(what): the last frame stayed on screen:\n\(after)")
        }
    }
}
