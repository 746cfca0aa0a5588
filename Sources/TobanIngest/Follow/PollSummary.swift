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
