import Foundation

/// The built `toban` executable, run as a subprocess (through `Spawn`, like every program
/// the tests start).
public enum TobanBinary {
    /// The package root (the directory holding Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// It sits next to the test bundle in the build directory.
    public static let url: URL = {
        var candidates: [URL] = []
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("toban"))
        }
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("toban"))
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("toban"))
        candidates.append(packageRoot.appendingPathComponent(".build/debug/toban"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
    }()

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    }

    /// Runs `toban args…` to its end. TOBAN_CONFIG and TOBAN_STORE are cleared first. Given
    /// a `directory`, it runs there with HOME and XDG_CONFIG_HOME pointing at it, so the
    /// configuration search finds nothing of the machine's.
    @discardableResult
    public static func run(_ args: [String], in directory: URL? = nil, environment extra: [String: String] = [:]) throws -> Result {
        let output = try Spawn.run([url.path] + args, environment: environment(in: directory, extra), currentDirectory: directory?.path)
        return Result(status: output.status, stdout: output.stdout, stderr: output.stderr)
    }

    /// Starts `toban args…` in the background, as `run` would run it; wait with `Spawn.wait`.
    public static func start(_ args: [String], in directory: URL? = nil, environment extra: [String: String] = [:],
                             stderrPath: String? = nil) throws -> pid_t {
        try Spawn.start([url.path] + args, environment: environment(in: directory, extra), errPath: stderrPath,
                        currentDirectory: directory?.path)
    }

    private static func environment(in directory: URL?, _ extra: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["TOBAN_CONFIG"] = nil
        environment["TOBAN_STORE"] = nil
        if let directory {
            environment["XDG_CONFIG_HOME"] = directory.path
            environment["HOME"] = directory.path
        }
        for (key, value) in extra { environment[key] = value }
        return environment
    }
}
