import Foundation
import Testing
import TobanTestSupport

/// Every command README.md shows in an `sh` block works as written from the repository
/// root of a clean clone. `swift run toban` is replaced by the built binary (no nested
/// build) and `/tmp/` by a scratch directory; blocks after a `<!-- not run by the README
/// test: REASON -->` comment (consoles, daemons, root) and the CI test command are not
/// run, and the test prints each one it leaves out with its reason.
@Suite struct ReadmeCommandTests {
    struct Command {
        var line: String
        /// Why it is not run, or nil.
        var skipReason: String?
    }

    static let skipMarker = "<!-- not run by the README test:"

    /// The command lines of the `sh` blocks, in order, with the marker before each block.
    static func commands(in readme: String) -> [Command] {
        var out: [Command] = []
        var pendingSkip: String?
        var inBlock = false, blockSkip: String?
        for raw in readme.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if inBlock {
                if line.hasPrefix("```") { inBlock = false; continue }
                if line.isEmpty || line.hasPrefix("#") { continue }
                out.append(Command(line: line, skipReason: blockSkip))
                continue
            }
            if line == "```sh" {
                inBlock = true
                blockSkip = pendingSkip
                pendingSkip = nil
            } else if line.hasPrefix(skipMarker), line.hasSuffix("-->") {
                pendingSkip = String(line.dropFirst(skipMarker.count).dropLast(3)).trimmingCharacters(in: .whitespaces)
            } else if line == "<!-- test-command -->" {
                pendingSkip = "the test command, which CI runs"
            } else if !line.isEmpty {
                pendingSkip = nil
            }
        }
        return out
    }

    @Test func everyReadmeCommandWorksAsWritten() throws {
        let readme = try String(contentsOf: TobanBinary.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let commands = Self.commands(in: readme)
        let scratch = TemporaryDirectory(prefix: "toban-readme")
        var environment = ProcessInfo.processInfo.environment
        environment["TOBAN_CONFIG"] = nil
        environment["TOBAN_STORE"] = nil
        environment["HOME"] = scratch.path
        environment["XDG_CONFIG_HOME"] = scratch.path
        let binary = "'" + TobanBinary.url.path + "'"
        var ran = 0
        for command in commands {
            if let reason = command.skipReason {
                print("README test: not run (\(reason)): \(command.line)")
                continue
            }
            #expect(!command.line.hasPrefix("toban "), "'toban' is not on PATH after swift run: \(command.line)")
            // Scratch paths first: the built binary may itself live under /tmp (a CI clone).
            let shell = (" " + command.line + " ")
                .replacingOccurrences(of: "/tmp/", with: scratch.path + "/")
                .replacingOccurrences(of: " swift run toban ", with: " \(binary) ")
            let r = try Spawn.run(["/bin/sh", "-c", shell], environment: environment, currentDirectory: TobanBinary.packageRoot.path)
            #expect(r.status == 0, "README command failed (\(r.status)): \(command.line)\n\(r.stderr)")
            ran += 1
        }
        // The blocks this test exists for: "Using it", the outbox and SLA report, on-call.
        #expect(ran >= 9, "only \(ran) README commands ran")
        #expect(commands.contains { $0.line.hasPrefix("swift run toban oncall") && $0.skipReason == nil })
    }

    /// The parser honours the markers and nothing else: a block without one runs.
    @Test func markersSkipOnlyTheBlockThatFollowsThem() {
        let commands = Self.commands(in: """
            <!-- not run by the README test: daemon -->
            ```sh
            swift run toban notify   # comment
            ```
            Text between.
            ```sh
            # a comment line
            swift run toban outbox
            ```
            <!-- test-command -->
            ```sh
            swift test
            ```
            """)
        #expect(commands.map(\.line) == ["swift run toban notify   # comment", "swift run toban outbox", "swift test"])
        #expect(commands.map(\.skipReason) == ["daemon", nil, "the test command, which CI runs"])
    }
}
