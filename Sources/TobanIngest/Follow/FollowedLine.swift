/// A complete line from a followed file. `bytes` is a view into the reader's buffer and is
/// valid only during the callback that receives it.
public struct FollowedLine {
    /// Stable key of the followed file: `FileFollower.sourceID(source:path:)`.
    public var sourceID: String
    /// The path the file was discovered at (a rotated file keeps it while it is drained).
    public var path: String
    /// Offset of the line's first byte (for a `.gz` file: in the decompressed stream).
    public var start: Int64
    /// Offset just after the line's newline; `FileFollower.checkpoint(after:)` points here.
    public var end: Int64
    /// The line without `\n`/`\r\n`, passed through as bytes.
    public var bytes: UnsafeBufferPointer<UInt8>
    /// False only for a final line without newline flushed by `poll(atEndOfInput: true)`.
    public var terminated: Bool
}

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

    public init(sourceID: String, path: String, kind: Kind) {
        self.sourceID = sourceID
        self.path = path
        self.kind = kind
    }
}

/// What `FileFollower.poll` hands to its callback.
public enum FollowItem {
    case line(FollowedLine)
    case event(FollowEvent)
}

/// What one poll did.
public struct PollSummary: Sendable, Equatable {
    /// Lines delivered.
    public var lines = 0
    /// Oversized lines skipped (each also reported as an `.oversized` event).
    public var oversizedLines = 0
    /// Events delivered, `.oversized` included.
    public var events = 0
    public var bytesRead: Int64 = 0
    /// `maxLines` was reached: more is available without waiting; poll again.
    public var limitReached = false

    public init() {}

    /// What `maxLines` limits: lines plus oversized reports.
    var itemsCounted: Int { lines + oversizedLines }
}

public struct FollowerOptions: Sendable, Equatable {
    public var reader: LineReaderOptions
    /// For a brand-new follow (no checkpoint for the file, found on the first poll): start
    /// after the last complete line instead of at offset 0. Files that appear later are
    /// always read from 0.
    public var startAtEnd: Bool
    /// On the first poll, also read `.gz` rotated siblings (for a file or glob: names that
    /// match the pattern followed by anything and `.gz`; for a directory: its `.gz` files),
    /// oldest first, decompressed through `gzip -dc`. Later `.gz` files are ignored (they
    /// are compressed copies of files already followed).
    public var backfillCompressed: Bool
    /// A rotated or deleted file is closed once a poll finds no new bytes in it and at
    /// least this long has passed since it last grew (or since the rotation was seen).
    public var rotationGrace: Duration
    /// The `gzip` executable used for `.gz` backfill.
    public var gzipPath: String

    public init(reader: LineReaderOptions = LineReaderOptions(), startAtEnd: Bool = false,
                backfillCompressed: Bool = false, rotationGrace: Duration = .seconds(1),
                gzipPath: String = "/usr/bin/gzip") {
        self.reader = reader
        self.startAtEnd = startAtEnd
        self.backfillCompressed = backfillCompressed
        self.rotationGrace = rotationGrace
        self.gzipPath = gzipPath
    }
}
