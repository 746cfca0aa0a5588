import Foundation

/// Finds the repository's `sample-logs/` (next to the working directory, or above the
/// executable, which lives in `.build/<config>/` during development).
enum SampleLogs {
    static func directory() -> URL? {
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(dir)
            dir.deleteLastPathComponent()
        }
        return candidates.map { $0.appendingPathComponent("sample-logs") }
            .first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("toban.example.toml").path) }
    }
}
