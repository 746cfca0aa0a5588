#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A private scratch directory (mode 0700, from mkdtemp), removed with everything in it
/// when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    // @unchecked: immutable after init.
    public let path: String
    public var url: URL { URL(fileURLWithPath: path, isDirectory: true) }
    /// Where a test's store lives, by convention.
    public var storePath: String { file("toban.sqlite") }

    public init(prefix: String = "toban-test") {
        var template = Array((NSTemporaryDirectory() + prefix + "-XXXXXX").utf8CString)
        let result = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(result != nil, "mkdtemp failed: errno \(errno)")
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ name: String) -> String { path + "/" + name }
}
