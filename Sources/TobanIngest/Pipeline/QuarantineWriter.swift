import Foundation

/// Lines ingest could not use, kept with where they came from so nothing is lost silently:
/// one JSON object per line (source path, byte offset, length, reason, the line as base64,
/// capped at the line limit — an oversized line stays in its file at the recorded offset).
public final class QuarantineWriter {
    private let handle: FileHandle?
    private var pending = Data()

    public init(path: String?) throws {
        guard let path else { handle = nil; return }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.seekToEnd()
        handle = h
    }

    public func record(path: String, offset: Int64, length: Int, reason: String, line: UnsafeBufferPointer<UInt8>?, at time: Date) {
        guard handle != nil else { return }
        var object: [String: Any] = [
            "at": time.timeIntervalSince1970, "source": path, "offset": offset, "length": length, "reason": reason,
        ]
        if let line { object["line_base64"] = Data(line).base64EncodedString() }
        if let json = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
            pending.append(json)
            pending.append(0x0A)
        }
    }

    /// Written before the batch that counts these lines is committed, so a crash can
    /// duplicate a quarantine record but never lose one.
    public func flush() throws {
        guard let handle, !pending.isEmpty else { return }
        try handle.write(contentsOf: pending)
        pending.removeAll(keepingCapacity: true)
    }

    deinit { try? handle?.close() }
}
