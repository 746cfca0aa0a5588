#if canImport(Glibc)
import Glibc
#endif
import TobanCore

/// Which file a checkpoint refers to: device and inode, plus a fingerprint of the file's
/// first bytes so that a recycled inode (or a file replaced by a different one that got the
/// same inode) is not mistaken for the old file.
///
/// Fingerprint rule (the store keeps only the hash, so the rule must be reproducible):
/// - plain files: FNV-1a 64 over the first `min(1024, offset)` bytes, where `offset` is the
///   checkpoint's offset (bytes already consumed). In an append-only file those bytes never
///   change, so the same prefix can be re-hashed later and compared. Offset 0 hashes the
///   empty prefix (the FNV offset basis) and proves nothing, which is harmless: resuming at
///   0 and starting over are the same thing.
/// - `.gz` files (read whole, through a decompressor): FNV-1a 64 over the first
///   `min(1024, size of the .gz file)` bytes of the compressed file, which never changes.
public struct FileIdentity: Sendable, Hashable, CustomStringConvertible {
    public var device: UInt64
    public var inode: UInt64
    public var fingerprint: UInt64

    /// How many leading bytes the fingerprint covers at most.
    public static let fingerprintLimit = 1024

    public init(device: UInt64, inode: UInt64, fingerprint: UInt64) {
        self.device = device
        self.inode = inode
        self.fingerprint = fingerprint
    }

    public init(_ checkpoint: SourceCheckpoint) {
        self.init(device: checkpoint.device, inode: checkpoint.inode, fingerprint: checkpoint.fingerprint)
    }

    public var description: String { "dev \(device) ino \(inode) fp \(String(fingerprint, radix: 16))" }

    /// The number of leading bytes a plain file's fingerprint covers at `offset`.
    public static func fingerprintLength(forOffset offset: Int64) -> Int {
        Int(min(Int64(fingerprintLimit), max(0, offset)))
    }

    // MARK: FNV-1a 64

    public static let fnvOffsetBasis = FNV1a.offsetBasis

    public static func fnv1a64<Bytes: Sequence>(_ bytes: Bytes, seed: UInt64 = fnvOffsetBasis) -> UInt64
    where Bytes.Element == UInt8 {
        var hash = FNV1a(continuing: seed)
        hash.add(bytes)
        return hash.value
    }

    /// FNV-1a 64 of the first `length` bytes of an open file, read with `pread` (the file
    /// position is untouched). Returns nil when the file holds fewer than `length` bytes.
    public static func fingerprint(fileDescriptor fd: Int32, length: Int) -> UInt64? {
        precondition(length >= 0 && length <= fingerprintLimit)
        if length == 0 { return fnvOffsetBasis }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { buffer -> UInt64? in
            var filled = 0
            while filled < length {
                let n = System.pread(fd, into: buffer.baseAddress! + filled, count: length - filled, at: Int64(filled))
                if n <= 0 { return nil }
                filled += n
            }
            return fnv1a64(UnsafeBufferPointer(buffer))
        }
    }

    /// The fingerprint of a plain file whose consumed prefix ends at `offset`.
    public static func fingerprint(fileDescriptor fd: Int32, consumedUpTo offset: Int64) -> UInt64? {
        fingerprint(fileDescriptor: fd, length: fingerprintLength(forOffset: offset))
    }
}

/// What `fstat`/`stat` says about a file, reduced to what following needs.
struct FileStatus: Sendable, Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var isRegular: Bool
    var isDirectory: Bool
    var modified: Double

    init(_ st: stat) {
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        size = Int64(st.st_size)
        let type = st.st_mode & S_IFMT
        isRegular = type == S_IFREG
        isDirectory = type == S_IFDIR
        modified = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
    }

    /// `stat` (following symlinks); nil when the path does not exist or cannot be stat'ed.
    static func of(path: String) -> FileStatus? {
        System.status(path: path).map(FileStatus.init)
    }

    static func of(fileDescriptor fd: Int32) -> FileStatus? {
        System.status(fileDescriptor: fd).map(FileStatus.init)
    }
}
