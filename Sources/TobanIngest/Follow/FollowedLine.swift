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

/// What `FileFollower.poll` hands to its callback.
public enum FollowItem {
    case line(FollowedLine)
    case event(FollowEvent)
}
