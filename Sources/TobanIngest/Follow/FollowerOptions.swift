/// How a `FileFollower` starts, reads and lets go of files.
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
