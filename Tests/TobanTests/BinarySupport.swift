import Foundation

/// Runs the built `toban` executable (it sits next to the test bundle in the build directory).
enum TobanBinary {
    static let url: URL = {
        var candidates = [Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("toban"),
                          Bundle.main.bundleURL.appendingPathComponent("toban")]
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("toban"))
        }
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            candidates.append(dir.appendingPathComponent(".build/debug/toban"))
            dir.deleteLastPathComponent()
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    }

    /// Runs `toban args…` in `directory` with a configuration search that finds nothing.
    static func run(_ args: [String], in directory: URL, environment extra: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = url
        process.arguments = args
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CONFIG_HOME"] = directory.path
        environment["HOME"] = directory.path
        environment.removeValue(forKey: "TOBAN_CONFIG")
        environment.removeValue(forKey: "TOBAN_STORE")
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errData = DispatchQueue(label: "stderr")
        nonisolated(unsafe) var stderrData = Data()
        let group = DispatchGroup()
        group.enter()
        errData.async {
            stderrData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self))
    }

    // MARK: - From the other branch's helper (merged: both branches defined `TobanBinary`).

    /// The package root (the directory holding Package.swift).
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    static var executable: URL { url }

    /// Runs `toban args…` with extra environment (TOBAN_CONFIG and TOBAN_STORE cleared first).
    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["TOBAN_CONFIG"] = nil
        env["TOBAN_STORE"] = nil
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errQueue = DispatchQueue(label: "stderr")
        nonisolated(unsafe) var stderrData = Data()
        let group = DispatchGroup()
        group.enter()
        errQueue.async {
            stderrData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("toban-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

final class TempDirectory: @unchecked Sendable {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("toban-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    var storePath: String { url.appendingPathComponent("toban.sqlite").path }
}

/// Runs blocking work on its own thread (not on the few cooperative-pool threads), so that
/// concurrent writers and readers really run at the same time.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
        thread.start()
    }
}
