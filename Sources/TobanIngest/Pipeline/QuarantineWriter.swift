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
///
/// Whole records only: a write that fails part-way (a full disk) is cut back to the last
/// whole record, and a torn record left by a crash is cut off when the file is opened.
/// Records are written before the batch that counts their lines commits; after a failed
/// commit or a crash those lines are read again, and the records already in the file for
/// lines past the committed checkpoints are recognised (`init(path:maxBytes:committed:)`),
/// so they are not written twice.
public final class QuarantineWriter {
    private let handle: FileHandle?
    private let path: String?
    private let maxBytes: Int64
    private var written: Int64 = 0
    /// Lines past the committed checkpoints that already have a record (by source path),
    /// from a run that stopped before committing them.
    private var recorded: [String: [Range<Int64>]] = [:]
    /// Fault injection for tests: the disk fills up after this many more bytes.
    var spaceLeft: Int64?
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

    /// - Parameters:
    ///   - maxBytes: the size past which records name lines without their bytes.
    ///   - committed: where each source's rows are committed (the store's checkpoints):
    ///     records of lines past them are from batches that did not commit, and are not
    ///     written again when those lines are read again.
    public init(path: String?, maxBytes: Int64 = 256 << 20, committed: [SourceCheckpoint] = []) throws {
        self.maxBytes = maxBytes
        self.path = path
        guard let path else { handle = nil; return }
        do {
            if !FileManager.default.fileExists(atPath: path) {
                guard FileManager.default.createFile(atPath: path, contents: nil) else {
                    throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
                }
            }
            let h = try FileHandle(forUpdating: URL(fileURLWithPath: path))
            let size = Int64(try h.seekToEnd())
            written = try Self.wholeRecordsEnd(h, size: size)
            if written < size {
                try h.truncate(atOffset: UInt64(written))
                try h.seekToEnd()
            }
            handle = h
            recorded = try Self.recordsPast(committed, in: h, end: written)
        } catch {
            throw QuarantineError(path: path, operation: "open", underlying: error)
        }
    }

    /// The end of the last whole record: after the file's last newline.
    private static func wholeRecordsEnd(_ h: FileHandle, size: Int64) throws -> Int64 {
        var end = size
        let step: Int64 = 64 * 1024
        while end > 0 {
            let start = max(0, end - step)
            try h.seek(toOffset: UInt64(start))
            let chunk = try h.read(upToCount: Int(end - start)) ?? Data()
            if let newline = chunk.lastIndex(of: 0x0A) {
                return start + Int64(newline - chunk.startIndex) + 1
            }
            end = start
        }
        return 0
    }

    /// Records in the file's last 16 MiB for lines at or past their source's committed
    /// position. When several files have had one path (a rotated one and its successor),
    /// the furthest position counts: a record left out is written twice, never lost.
    private static func recordsPast(_ committed: [SourceCheckpoint], in h: FileHandle, end: Int64) throws -> [String: [Range<Int64>]] {
        guard end > 0, !committed.isEmpty else { return [:] }
        var floor: [String: Int64] = [:]
        for c in committed { floor[c.path] = max(floor[c.path] ?? 0, c.offset) }
        let start = max(0, end - 16 << 20)
        try h.seek(toOffset: UInt64(start))
        let tail = try h.read(upToCount: Int(end - start)) ?? Data()
        try h.seekToEnd()
        var lines = tail.split(separator: 0x0A)
        if start > 0, !lines.isEmpty { lines.removeFirst() } // begins inside a record
        var ranges: [String: [Range<Int64>]] = [:]
        for line in lines {
            guard let record = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let source = record["source"] as? String, let offset = (record["offset"] as? NSNumber)?.int64Value,
                  let length = (record["length"] as? NSNumber)?.int64Value,
                  let committedUpTo = floor[source], offset >= committedUpTo else { continue }
            ranges[source, default: []].append(offset..<(offset + max(length, 1)))
        }
        return ranges
    }

    public func record(path: String, offset: Int64, length: Int, reason: String, line: UnsafeBufferPointer<UInt8>?, at time: Date) {
        guard handle != nil else { return }
        if !recorded.isEmpty, let ranges = recorded[path], ranges.contains(where: { $0.contains(offset) }) { return }
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
    ///
    /// A write that fails part-way is cut back to the last whole record; the error names
    /// the file. The records stay pending, for a retry.
    public func flush() throws {
        endRun()
        guard let handle, !pending.isEmpty else { return }
        do {
            if let space = spaceLeft {
                let fits = Int(max(0, min(space, Int64(pending.count))))
                try handle.write(contentsOf: pending[..<fits])
                spaceLeft = space - Int64(fits)
                if fits < pending.count { throw POSIXError(.ENOSPC) }
            } else {
                try handle.write(contentsOf: pending)
            }
        } catch {
            try? handle.truncate(atOffset: UInt64(written))
            _ = try? handle.seekToEnd()
            throw QuarantineError(path: path ?? "", operation: "write", underlying: error)
        }
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

/// The quarantine file could not be opened or written; names the file.
public struct QuarantineError: Error, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var underlying: any Error

    public var description: String {
        let reason: String
        if let posix = underlying as? POSIXError {
            reason = String(cString: strerror(posix.code.rawValue))
        } else if (underlying as NSError).domain == NSPOSIXErrorDomain {
            reason = String(cString: strerror(Int32((underlying as NSError).code)))
        } else {
            reason = (underlying as NSError).localizedDescription
        }
        return "cannot \(operation) the quarantine file \(path): \(reason)"
    }
}
