/// Something that happened to a followed file, reported in order with its lines.
public struct FollowEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A file is being followed from `startOffset`; `resumed` when a saved checkpoint
        /// was accepted (same device, inode and fingerprint).
        case appeared(startOffset: Int64, resumed: Bool)
        /// A saved checkpoint for this path could not be used (`reason` says why); the file
        /// is read from the start.
        case checkpointRejected(reason: String)
        /// The path now names a different file, or the file moved to `renamedTo`. The old
        /// file keeps being read to its end before a new file at the path is opened.
        case rotated(renamedTo: String?)
        /// The file shrank below what was read, or its first bytes changed (copytruncate,
        /// truncate and rewrite). Reading restarts at offset 0.
        case truncated(previousOffset: Int64)
        /// A line longer than the limit was skipped; the next line follows it.
        case oversized(offset: Int64, length: Int64)
        /// The path no longer exists. The open descriptor is still drained.
        case vanished
        /// The file was read to its end and closed (a drained rotated/deleted file, or a
        /// finished `.gz`).
        case finished(offset: Int64)
        /// Opening, reading or decompressing failed.
        case failed(String)
    }

    public var sourceID: String
    public var path: String
    public var kind: Kind
    /// Set when the file now goes by `sourceID` and went by this one until now (a rotated
    /// file moved aside to be drained while a new file takes its path's key): whatever is
    /// kept per source id belongs to `sourceID` from here on.
    public var previousSourceID: String?

    public init(sourceID: String, path: String, kind: Kind, previousSourceID: String? = nil) {
        self.sourceID = sourceID
        self.path = path
        self.kind = kind
        self.previousSourceID = previousSourceID
    }
}
