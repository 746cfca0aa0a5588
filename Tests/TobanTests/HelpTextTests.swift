import Foundation
import Testing
import TobanTestSupport

/// Every `--help`, reached by walking the subcommand lists: ArgumentParser wraps prose to
/// the terminal itself, so a sentence broken in the source breaks mid-line on screen; and
/// help is plain text, so Markdown backticks are only noise.
@Suite struct HelpTextTests {
    static func help(_ path: [String], columns: Int) throws -> String {
        let r = try TobanBinary.run(path + ["--help"], environment: ["COLUMNS": "\(columns)"])
        #expect(r.status == 0, "\(path): \(r.stderr)")
        return r.stdout
    }

    /// The subcommand names the help lists under SUBCOMMANDS.
    static func subcommands(of text: String) -> [String] {
        guard let start = text.range(of: "SUBCOMMANDS:\n") else { return [] }
        return text[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false)
            .prefix { !$0.isEmpty }
            .compactMap { line in line.hasPrefix("  ") && !line.hasPrefix("   ") ? line.split(separator: " ").first.map(String.init) : nil }
    }

    static func allCommands() throws -> [[String]] {
        var out: [[String]] = []
        var pending: [[String]] = [[]]
        while let path = pending.popLast() {
            out.append(path)
            let text = try help(path, columns: 80)
            pending += subcommands(of: text).filter { $0 != "help" }.map { path + [$0] }
        }
        return out
    }

    @Test func everyHelpReadsAsWholeSentencesWithoutBackticks() throws {
        let commands = try Self.allCommands()
        #expect(commands.count >= 12, "\(commands)")
        for path in commands {
            // Wide enough that nothing the program wraps should wrap: every prose line then
            // ends a sentence (or a clause, a list item) rather than stopping mid-sentence.
            let text = try Self.help(path, columns: 5000)
            #expect(!text.contains("`"), "\(path): \(text)")
            let prose = text.components(separatedBy: "USAGE:").first ?? ""
            for line in prose.split(separator: "\n") where !line.hasPrefix("  toban") && !line.hasPrefix("    ") {
                let last = line.trimmingCharacters(in: .whitespaces).last
                #expect(last.map { ".:)".contains($0) } ?? true, "\(path): a line stops mid-sentence: \(line)")
            }
            // At 80 columns no line is wider than the terminal (ArgumentParser never wraps
            // the usage line), and no indented example or list item is broken in two.
            let narrow = try Self.help(path, columns: 80).split(separator: "\n")
            for line in narrow where !line.hasPrefix("USAGE:") {
                #expect(line.count <= 80, "\(path): \(line.count) columns: \(line)")
            }
            for item in prose.split(separator: "\n") where item.hasPrefix("  ") {
                #expect(narrow.contains(item), "\(path): wrapped at 80 columns: \(item)")
            }
        }
    }
}
