#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A `gzip -dc` child reading an open `.gz` file on its standard input (so it decompresses
/// exactly the file whose identity was checked) and writing to a pipe read by a
/// `LineReader` in `.stream` mode.
final class GzipStream {
    private let process = Process()
    private let pipe = Pipe()
    private var exited = false

    init(compressedFileDescriptor fd: Int32, gzipPath: String) throws {
        process.executableURL = URL(fileURLWithPath: gzipPath)
        process.arguments = ["-dc"]
        process.standardInput = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// The read end of the pipe.
    var fileDescriptor: Int32 { pipe.fileHandleForReading.fileDescriptor }

    /// Waits for the child after its output reached end of file; nil when it succeeded,
    /// else a description of the failure.
    func finish() -> String? {
        guard !exited else { return nil }
        process.waitUntilExit()
        exited = true
        if process.terminationReason == .exit && process.terminationStatus == 0 { return nil }
        return "gzip -dc exited with status \(process.terminationStatus)"
    }

    /// Stops the child early (the follower is going away mid-file).
    func cancel() {
        guard !exited else { return }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        exited = true
    }

    deinit { cancel() }

    /// The gzip trailer's ISIZE (decompressed size modulo 2^32 of the last member), read
    /// with `pread` from the compressed file.
    /// The first `maxBytes` decompressed bytes of a `.gz` file (fewer if it holds fewer),
    /// read through a decompressor of its own; nil when it cannot be opened or run.
    static func head(ofCompressedFile path: String, gzipPath: String, maxBytes: Int) -> [UInt8]? {
        let fd = System.openReadOnly(path)
        guard fd >= 0 else { return nil }
        defer { System.close(fd) }
        guard let stream = try? GzipStream(compressedFileDescriptor: fd, gzipPath: gzipPath) else { return nil }
        defer { stream.cancel() }
        var bytes = [UInt8](repeating: 0, count: maxBytes)
        var filled = 0
        while filled < maxBytes {
            let n = bytes.withUnsafeMutableBytes { System.read(stream.fileDescriptor, into: $0.baseAddress! + filled, count: maxBytes - filled) }
            if n <= 0 { break }
            filled += n
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    static func trailerSize(compressedFileDescriptor fd: Int32, fileSize: Int64) -> UInt32? {
        guard fileSize >= 18 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 4)
        let n = bytes.withUnsafeMutableBytes { System.pread(fd, into: $0.baseAddress, count: 4, at: fileSize - 4) }
        guard n == 4 else { return nil }
        return UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
    }
}
