import Foundation
import TobanCore

/// Lines ingest could not use, kept with where they came from so nothing is lost silently:
/// one JSON object per line (source path, byte offset, length, reason, the line as base64,
/// capped at the line limit — an oversized line stays in its file at the recorded offset).
///
/// The file is bounded: a sensor that writes garbage for hours must not fill the disk the
/// store lives on (a full disk stalls every commit). Once the file holds `maxBytes`, records
/// stop carrying the line's bytes, which stay in the source log at the recorded offset, and
/// consecutive unusable lines of one source with the same kind of reason (its text before
/// the first colon, e.g. "invalid JSON") become one record: `"lines": N`, `"length"`
/// spanning all of them, `"bytes_omitted": true`, and the first line's reason. Every line
/// is still counted in the store's ingest counters.
public final class QuarantineWriter {
    private let handle: FileHandle?
    private let maxBytes: Int64
    private var written: Int64 = 0
    private var pending: [UInt8] = []
    /// A run of byte-less records not yet written, grown while lines keep following it.
    private var run: Run?

    struct Run {
        var at: Date
        var source: String
        var offset: Int64
        var end: Int64
        var lines: Int
        var reason: String
    }

    /// "invalid JSON: expected an object at byte 1" → "invalid JSON".
    static func kind(of reason: String) -> Substring {
        reason.prefix { $0 != ":" }
    }

    /// `maxBytes`: the size past which records name lines without their bytes.
    public init(path: String?, maxBytes: Int64 = 256 << 20) throws {
        self.maxBytes = maxBytes
        guard let path else { handle = nil; return }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        written = Int64(try h.seekToEnd())
        handle = h
    }

    public func record(path: String, offset: Int64, length: Int, reason: String, line: UnsafeBufferPointer<UInt8>?, at time: Date) {
        guard handle != nil else { return }
        // base64 is 4/3 of the bytes; the rest of a record is well under 1 KiB.
        let size = Int64(line.map { ($0.count + 2) / 3 * 4 } ?? 0) + 1024
        if written + Int64(pending.count) + size <= maxBytes {
            endRun()
            appendRecord(at: time, source: path, offset: offset, length: Int64(length), reason: reason, line: line)
            return
        }
        let end = offset + Int64(length)
        // The next line starts after this one's newline (LF, or CR LF).
        let kind = Self.kind(of: reason)
        if var current = run, current.source == path, Self.kind(of: current.reason) == kind,
           offset >= current.end, offset <= current.end + 2 {
            current.end = end
            current.lines += 1
            run = current
            return
        }
        endRun()
        run = Run(at: time, source: path, offset: offset, end: end, lines: 1, reason: reason)
    }

    /// Written before the batch that counts these lines is committed, so a crash can
    /// duplicate a quarantine record but never lose one. A run still growing is written
    /// too (the next batch may start a new record for its continuation).
    public func flush() throws {
        endRun()
        guard let handle, !pending.isEmpty else { return }
        try handle.write(contentsOf: pending)
        written += Int64(pending.count)
        pending.removeAll(keepingCapacity: true)
    }

    private func endRun() {
        guard let r = run else { return }
        run = nil
        appendRecord(at: r.at, source: r.source, offset: r.offset, length: r.end - r.offset, reason: r.reason, line: nil, lines: r.lines)
    }

    /// One record, keys in sorted order. Written by hand: through JSONSerialization a
    /// garbage flood was quarantined at ~6,000 lines/s, slower than a sensor writes.
    private func appendRecord(at time: Date, source: String, offset: Int64, length: Int64, reason: String,
                              line: UnsafeBufferPointer<UInt8>?, lines: Int? = nil) {
        var text = "{\"at\":\(time.timeIntervalSince1970)"
        if lines != nil { text += ",\"bytes_omitted\":true" }
        text += ",\"length\":\(length)"
        if let line { text += ",\"line_base64\":\"" + Data(line).base64EncodedString() + "\"" }
        if let lines { text += ",\"lines\":\(lines)" }
        text += ",\"offset\":\(offset),\"reason\":"
        pending.append(contentsOf: text.utf8)
        JSONStringLiteral.append(reason, to: &pending)
        pending.append(contentsOf: ",\"source\":".utf8)
        JSONStringLiteral.append(source, to: &pending)
        pending.append(contentsOf: "}\n".utf8)
    }

    deinit { try? handle?.close() }
}
