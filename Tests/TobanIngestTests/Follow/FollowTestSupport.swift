#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TobanCore
@testable import TobanIngest
import TobanTestSupport

func writeFile(_ path: String, _ text: String) { writeFile(path, Array(text.utf8)) }

/// Writes in place (same inode if the file exists): open with O_TRUNC, then write.
func writeFile(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_TRUNC | O_CREAT, 0o644)
    precondition(fd >= 0)
    defer { close(fd) }
    let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    precondition(n == bytes.count)
}

func remove(_ path: String) {
    precondition(unlink(path) == 0)
}

func append(_ path: String, _ text: String) { append(path, Array(text.utf8)) }

func append(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
    precondition(fd >= 0)
    defer { close(fd) }
    let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    precondition(n == bytes.count)
}

func rename(_ from: String, _ to: String) {
    precondition(Glibc.rename(from, to) == 0)
}

func truncateFile(_ path: String, to size: Int64 = 0) {
    precondition(truncate(path, off_t(size)) == 0)
}

func inode(of path: String) -> UInt64 { FileStatus.of(path: path)!.inode }

/// A line as a test keeps it (copied out of the reader's buffer).
struct Got: Equatable, CustomStringConvertible {
    var path: String
    var start: Int64
    var end: Int64
    var bytes: [UInt8]
    var terminated = true

    var text: String { String(decoding: bytes, as: UTF8.self) }
    var description: String { "\((path as NSString).lastPathComponent)@\(start)..<\(end) \(text)" }
}

struct Collected {
    var lines: [Got] = []
    var events: [FollowEvent] = []
    var summary = PollSummary()

    var texts: [String] { lines.map(\.text) }
    var kinds: [FollowEvent.Kind] { events.map(\.kind) }
}

/// One poll at monotonic time `uptime` (a rotated file's grace is measured against it),
/// copying what it delivers.
@discardableResult
func pollOnce(_ follower: FileFollower, maxLines: Int = .max, atEndOfInput: Bool = false, at uptime: Duration = .zero) throws -> Collected {
    var collected = Collected()
    collected.summary = try follower.poll(maxLines: maxLines, atEndOfInput: atEndOfInput, at: uptime) { item in
        switch item {
        case .line(let line):
            collected.lines.append(Got(path: line.path, start: line.start, end: line.end, bytes: Array(line.bytes),
                                       terminated: line.terminated))
        case .event(let event):
            collected.events.append(event)
        }
    }
    return collected
}

/// The checkpoint of the file at `path` (under the path's own key).
func checkpoint(_ follower: FileFollower, _ path: String) -> SourceCheckpoint? {
    follower.checkpoints.first { $0.path == path && $0.sourceID.hasSuffix("#" + path) }
}

/// The checkpoint of the file last rotated away from `path` (drained under a key of its own).
func rotatedCheckpoint(_ follower: FileFollower, _ path: String) -> SourceCheckpoint? {
    follower.checkpoints.first { $0.path == path && $0.sourceID.hasSuffix("#" + path + "#rotated") }
}

func gzipFile(_ path: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
    process.arguments = ["-n", path]
    try! process.run()
    process.waitUntilExit()
    precondition(process.terminationStatus == 0)
}

let noGrace = FollowerOptions(rotationGrace: .zero)
