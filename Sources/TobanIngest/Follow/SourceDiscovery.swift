import Foundation

/// Lists the files a configured source path stands for, at the time of the call: a plain
/// file (which may not exist yet), a glob (any component may hold `*`, `?` or `[...]`), or a
/// directory (its regular, non-hidden files; not recursive).
struct SourceDiscovery {
    enum Shape: Equatable { case file, glob, directory }

    let pattern: String

    /// Extensions of compressed files, never followed live (only `.gz` is backfilled).
    static let compressedExtensions: Set<String> = ["gz", "xz", "bz2", "zst", "lz4", "zip", "z"]

    var shape: Shape {
        if pattern.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) { return .glob }
        if FileStatus.of(path: pattern)?.isDirectory == true { return .directory }
        return .file
    }

    /// Regular files to follow live, sorted by path.
    func livePaths() -> [String] {
        let candidates: [String]
        switch shape {
        case .file: candidates = [pattern]
        case .glob: candidates = System.glob(pattern)
        case .directory: candidates = directoryEntries()
        }
        return candidates.filter { !Self.isCompressed($0) && FileStatus.of(path: $0)?.isRegular == true }.sorted()
    }

    /// `.gz` files for backfill, oldest modification first.
    func compressedPaths() -> [String] {
        let candidates: [String]
        switch shape {
        case .file: candidates = System.glob(Self.escapeGlob(pattern) + "*.gz")
        case .glob: candidates = System.glob(pattern + "*.gz") + System.glob(pattern).filter { $0.hasSuffix(".gz") }
        case .directory: candidates = directoryEntries().filter { $0.hasSuffix(".gz") }
        }
        let files = Set(candidates).compactMap { path -> (String, FileStatus)? in
            guard let status = FileStatus.of(path: path), status.isRegular else { return nil }
            return (path, status)
        }
        return files.sorted { ($0.1.modified, $0.0) < ($1.1.modified, $1.0) }.map(\.0)
    }

    static func isCompressed(_ path: String) -> Bool {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return false }
        return compressedExtensions.contains(path[path.index(after: dot)...].lowercased())
    }

    static func escapeGlob(_ path: String) -> String {
        var out = ""
        for ch in path {
            if ch == "*" || ch == "?" || ch == "[" || ch == "\\" { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    private func directoryEntries() -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: pattern) else { return [] }
        let dir = pattern.hasSuffix("/") ? String(pattern.dropLast()) : pattern
        return names.filter { !$0.hasPrefix(".") }.map { dir + "/" + $0 }
    }
}
