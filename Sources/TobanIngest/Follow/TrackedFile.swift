#if canImport(Glibc)
import Glibc
#endif
import TobanCore

/// Device and inode: what names one file while it exists.
struct FileKey: Hashable {
    var device: UInt64
    var inode: UInt64

    init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    init(_ status: FileStatus) { self.init(device: status.device, inode: status.inode) }
}

/// One file a `FileFollower` reads: its open descriptor, reader and state.
final class TrackedFile {
    enum State: Equatable {
        /// The file is (or is expected) at `path`.
        case live
        /// The path names another file or nothing; the descriptor is read to its end.
        case draining
        /// Read to its end and closed; kept only for its checkpoint (`.gz` backfill).
        case finished
    }

    /// Checkpoint key (`FileFollower.sourceID(source:path:)`, or a drain key once rotated away).
    var key: String
    /// The key it went by until it was moved to `key`, until the next event says so.
    var previousKey: String?
    /// Path the file was discovered at; the checkpoint's path.
    var path: String
    let file: FileKey
    let compressed: Bool
    let sequence: Int
    var state: State = .live
    var lastActivity: Duration
    /// The file's format once known (kept from its checkpoint, or found by the reader of
    /// its lines); saved with its checkpoint.
    var format: SourceFormat?
    /// The file's modification time when it was last read: files rotated in after that
    /// (and away again before a poll saw them at the path) are newer.
    var modifiedAsOfLastRead: Double?

    private(set) var fd: Int32
    private(set) var reader: LineReader?
    private var gzip: GzipStream?
    private var finalOffset: Int64
    /// Fingerprint of the first `length` consumed bytes, taken when they were read: the
    /// reference a later poll compares against to notice a rewritten file.
    private var reference: (length: Int, hash: UInt64) = (0, FileIdentity.fnvOffsetBasis)
    /// `.gz`: fingerprint of the compressed file's first bytes (see `FileIdentity`).
    private let compressedFingerprint: UInt64

    init(key: String, path: String, fd: Int32, file: FileKey, reader: LineReader?, gzip: GzipStream?,
         compressedFingerprint: UInt64?, offset: Int64, sequence: Int, now: Duration) {
        self.key = key
        self.path = path
        self.fd = fd
        self.file = file
        self.reader = reader
        self.gzip = gzip
        self.compressed = compressedFingerprint != nil
        self.compressedFingerprint = compressedFingerprint ?? 0
        self.finalOffset = offset
        self.sequence = sequence
        self.lastActivity = now
        refreshReference()
    }

    deinit { close() }

    /// Offset after the last delivered line.
    var offset: Int64 { reader?.committedOffset ?? finalOffset }

    func fingerprint(at offset: Int64) -> UInt64 {
        if compressed { return compressedFingerprint }
        let length = FileIdentity.fingerprintLength(forOffset: offset)
        if length == reference.length { return reference.hash }
        if fd >= 0, let hash = FileIdentity.fingerprint(fileDescriptor: fd, length: length) { return hash }
        return reference.hash
    }

    func checkpoint(offset: Int64) -> SourceCheckpoint {
        SourceCheckpoint(sourceID: key, path: path, device: file.device, inode: file.inode,
                         fingerprint: fingerprint(at: offset), offset: offset, format: format)
    }

    /// Notes when the file was last modified, as of this read.
    func noteModification() {
        guard fd >= 0, let status = FileStatus.of(fileDescriptor: fd) else { return }
        modifiedAsOfLastRead = status.modified
    }

    /// Records the fingerprint of newly consumed leading bytes (until 1 KiB is covered).
    func refreshReference() {
        guard !compressed, fd >= 0 else { return }
        let length = FileIdentity.fingerprintLength(forOffset: offset)
        guard length > reference.length,
              let hash = FileIdentity.fingerprint(fileDescriptor: fd, length: length) else { return }
        reference = (length, hash)
    }

    /// Plain files: if the file shrank below what was read, or its consumed first bytes
    /// changed, restarts at 0 and returns the offset it had reached.
    func restartIfTruncated() -> Int64? {
        guard !compressed, fd >= 0, let reader, let status = FileStatus.of(fileDescriptor: fd) else { return nil }
        var truncated = status.size < reader.readOffset
        if !truncated, reference.length > 0 {
            truncated = FileIdentity.fingerprint(fileDescriptor: fd, length: reference.length) != reference.hash
        }
        guard truncated else { return nil }
        let previous = reader.committedOffset
        reader.reset(to: 0)
        reference = (0, FileIdentity.fnvOffsetBasis)
        return previous
    }

    /// The file's first `maxBytes` bytes (fewer if it is shorter); nil for a `.gz` file
    /// (read as a stream) or a closed one.
    func head(maxBytes: Int) -> [UInt8]? {
        guard !compressed, fd >= 0, maxBytes > 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: maxBytes)
        var filled = 0
        while filled < maxBytes {
            let n = bytes.withUnsafeMutableBytes { System.pread(fd, into: $0.baseAddress! + filled, count: maxBytes - filled, at: Int64(filled)) }
            if n <= 0 { break }
            filled += n
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    /// Calls `body` with each complete line of `[0, end)` that starts with `first` (without
    /// its newline), reading the plain file in chunks; nothing for a `.gz` or closed file.
    func lines(startingWith first: UInt8, before end: Int64, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard !compressed, fd >= 0, end > 0 else { return }
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        var carried = 0       // bytes of an unfinished line kept at the buffer's start
        var position: Int64 = 0
        var atLineStart = true // whether buffer[0] starts a line
        while position < end {
            if carried == buffer.count { // a line longer than the buffer: not a header, skip it
                carried = 0
                atLineStart = false
            }
            let want = Int(min(Int64(buffer.count - carried), end - position))
            let n = buffer.withUnsafeMutableBytes { System.pread(fd, into: $0.baseAddress! + carried, count: want, at: position) }
            if n <= 0 { return }
            position += Int64(n)
            let filled = carried + n
            var lineStart = 0
            buffer.withUnsafeBufferPointer { p in
                var i = 0
                while i < filled {
                    guard p[i] == ASCII.lf else { i += 1; continue }
                    if atLineStart, i > lineStart, p[lineStart] == first {
                        body(UnsafeBufferPointer(rebasing: p[lineStart..<i]))
                    }
                    atLineStart = true
                    i += 1
                    lineStart = i
                }
            }
            carried = filled - lineStart
            if lineStart > 0 && carried > 0 {
                buffer.withUnsafeMutableBufferPointer { p in
                    for k in 0..<carried { p[k] = p[lineStart + k] }
                }
            }
        }
    }

    /// `.gz`: waits for the decompressor; a failure description, or nil.
    func finishDecompression() -> String? { gzip?.finish() }

    func close() {
        finalOffset = offset
        gzip?.cancel()
        reader = nil
        gzip = nil
        if fd >= 0 {
            System.close(fd)
            fd = -1
        }
    }
}
