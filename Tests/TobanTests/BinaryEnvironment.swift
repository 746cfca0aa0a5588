import Foundation

extension TobanBinary {
    /// The package root (the directory holding Package.swift).
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// Runs `toban args…` with extra environment variables (e.g. `TOBAN_CONFIG`) in a fresh
    /// temporary directory unless one is given.
    static func run(_ args: [String], environment: [String: String] = [:], currentDirectory: URL? = nil) throws -> Result {
        try run(args, in: currentDirectory ?? temporaryDirectory(), environment: environment)
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("toban-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
