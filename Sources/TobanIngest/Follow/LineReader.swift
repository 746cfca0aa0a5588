#if canImport(Glibc)
import Glibc
#endif

/// One complete line as the reader hands it over: a view into the reader's chunk buffer,
/// valid only during the callback that receives it (copy it if it must outlive the call).
public struct LineSlice {
    /// Offset of the line's first byte.
    public var start: Int64
    /// Offset just after the line's `\n` (for an unterminated final line: just after its
    /// last byte). A checkpoint at `end` resumes with the next line.
    public var end: Int64
    /// The line without its `\n` and without a `\r` right before it. NUL bytes and invalid
    /// UTF-8 are passed through untouched.
    public var bytes: UnsafeBufferPointer<UInt8>
    /// False only for a final line without newline, flushed at a declared end of input.
    public var terminated: Bool
}

/// What the reader delivers, in file order.
public enum LineReaderItem {
    case line(LineSlice)
    /// A line longer than `maxLineBytes`, skipped without being buffered whole. `length`
    /// counts its bytes up to (not including) the `\n`; the next line starts at
    /// `offset + length + 1`.
    case oversized(offset: Int64, length: Int64)
}

public struct LineReaderOptions: Sendable, Equatable {
    /// Lines whose content (without `\r\n`) is longer are reported `.oversized`.
    public var maxLineBytes: Int
    /// Preferred size of one `read`/`pread`.
    public var chunkSize: Int

    public init(maxLineBytes: Int = 1 << 20, chunkSize: Int = 1 << 20) {
        precondition(maxLineBytes > 0 && chunkSize > 0)
        self.maxLineBytes = maxLineBytes
        self.chunkSize = chunkSize
    }
}

/// Splits what a file descriptor yields into lines, with exact byte offsets.
///
/// - A partial last line is held until its newline arrives; it is only handed over
///   without one when the caller declares the end of input (`atEndOfInput: true`).
/// - Memory is one buffer of `max(chunkSize, maxLineBytes + 2)` bytes, allocated once:
///   lines are handed over as views into it, and an oversized line is skipped chunk by
///   chunk, never accumulated.
/// - `.positional` input reads with `pread` at explicit offsets (regular files; the file
///   position is never used). `.stream` input reads with `read` (pipes): offsets count
///   bytes of the stream, and a start offset is reached by reading and discarding.
///
/// The reader does not own the descriptor and never closes it.
public final class LineReader {
    public enum Input: Sendable, Equatable { case positional, stream }

    public enum Status: Sendable, Equatable {
        /// Everything currently available was read; a partial line may be held.
        case caughtUp
        /// `maxItems` items were delivered; more may be buffered or available.
        case limitReached
        /// `.stream` input only: the writer closed the stream.
        case endOfStream
    }

    public struct Result: Sendable, Equatable {
        public var items: Int
        public var bytesRead: Int64
        public var status: Status
    }

    public let fileDescriptor: Int32
    public let input: Input
    public let options: LineReaderOptions

    /// Offset just after the last line (or oversized line) delivered: where a checkpoint
    /// taken now must point.
    public private(set) var committedOffset: Int64
    /// Bytes allocated for the chunk buffer; constant for the reader's lifetime.
    public let bufferCapacity: Int
    /// True once a `.stream` input returned end of file.
    public private(set) var reachedEndOfStream = false

    private let base: UnsafeMutablePointer<UInt8>
    /// Stream offset of `base[0]`.
    private var bufferBase: Int64
    private var head = 0   // first byte of the next undelivered line
    private var scan = 0   // bytes in head..<scan are known to hold no newline
    private var tail = 0   // end of valid bytes
    private var skipping = false
    private var skipStart: Int64 = 0
    private var discardRemaining: Int64 = 0

    public init(fileDescriptor: Int32, startOffset: Int64 = 0, input: Input = .positional,
                options: LineReaderOptions = LineReaderOptions()) {
        precondition(startOffset >= 0)
        self.fileDescriptor = fileDescriptor
        self.input = input
        self.options = options
        self.bufferCapacity = max(options.chunkSize, options.maxLineBytes + 2)
        self.base = .allocate(capacity: bufferCapacity)
        self.committedOffset = startOffset
        switch input {
        case .positional:
            bufferBase = startOffset
        case .stream:
            bufferBase = 0
            discardRemaining = startOffset
        }
    }

    deinit { base.deallocate() }

    /// Offset of the next byte to be read from the descriptor.
    public var readOffset: Int64 { bufferBase + Int64(tail) }

    /// Bytes read but not yet delivered (a held partial line, or lines past a limit).
    public var bufferedBytes: Int { tail - head }

    /// Forgets everything buffered and continues at `offset` (`.positional` only), e.g.
    /// after the file was truncated.
    public func reset(to offset: Int64) {
        precondition(input == .positional && offset >= 0)
        head = 0; scan = 0; tail = 0
        skipping = false
        bufferBase = offset
        committedOffset = offset
    }

    /// Treats the bytes from the current position up to the next newline as the rest of
    /// an oversized line that began at `lineStart` (used when starting inside a line whose
    /// beginning lies too far back to be read).
    public func skipCurrentLine(startedAt lineStart: Int64) {
        precondition(bufferedBytes == 0 && lineStart <= readOffset)
        skipping = true
        skipStart = lineStart
    }

    /// Reads what is available and delivers complete lines in order.
    ///
    /// If `body` throws, the item it was given counts as not delivered: `committedOffset`
    /// stays before it and the next call delivers it again.
    /// - Parameters:
    ///   - maxItems: stop after this many items (lines and oversized reports).
    ///   - atEndOfInput: the input is complete (e.g. `--once`): a final line without
    ///     newline is delivered with `terminated == false`, and an oversized line still
    ///     being skipped is reported.
    @discardableResult
    public func read(maxItems: Int = .max, atEndOfInput: Bool = false,
                     _ body: (LineReaderItem) throws -> Void) throws -> Result {
        var items = 0
        var bytesRead: Int64 = 0
        if discardRemaining > 0 { bytesRead += try discardLeadingStreamBytes() }
        while true {
            try deliverBuffered(items: &items, maxItems: maxItems, body)
            if items >= maxItems { return Result(items: items, bytesRead: bytesRead, status: .limitReached) }
            let n = try fill()
            bytesRead += Int64(n)
            if n > 0 { continue }
            if atEndOfInput, items < maxItems { try flushAtEnd(items: &items, body) }
            let status: Status = reachedEndOfStream ? .endOfStream : .caughtUp
            return Result(items: items, bytesRead: bytesRead, status: status)
        }
    }

    // MARK: - Internals

    private func deliverBuffered(items: inout Int, maxItems: Int, _ body: (LineReaderItem) throws -> Void) throws {
        while items < maxItems {
            let newline = scan < tail ? memchr(base + scan, 0x0A, tail - scan) : nil
            guard let newline else {
                scan = tail
                if skipping {
                    head = tail            // drop skipped bytes; memory stays bounded
                } else if tail - head >= options.maxLineBytes + 2 {
                    skipping = true        // too long whatever byte comes next
                    skipStart = bufferBase + Int64(head)
                    head = tail
                }
                return
            }
            let p = UnsafeMutableRawPointer(newline).assumingMemoryBound(to: UInt8.self) - base
            let end = bufferBase + Int64(p) + 1
            if skipping {
                try body(.oversized(offset: skipStart, length: end - 1 - skipStart))
                skipping = false
            } else {
                let start = bufferBase + Int64(head)
                var contentEnd = p
                if contentEnd > head && base[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                if contentEnd - head > options.maxLineBytes {
                    try body(.oversized(offset: start, length: Int64(p - head)))
                } else {
                    let bytes = UnsafeBufferPointer(start: base + head, count: contentEnd - head)
                    try body(.line(LineSlice(start: start, end: end, bytes: bytes, terminated: true)))
                }
            }
            items += 1
            head = p + 1
            scan = head
            committedOffset = end
        }
    }

    private func flushAtEnd(items: inout Int, _ body: (LineReaderItem) throws -> Void) throws {
        let end = readOffset
        if skipping {
            try body(.oversized(offset: skipStart, length: end - skipStart))
            skipping = false
        } else if tail > head {
            let start = bufferBase + Int64(head)
            var contentEnd = tail
            if base[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            if contentEnd - head > options.maxLineBytes {
                try body(.oversized(offset: start, length: Int64(tail - head)))
            } else {
                let bytes = UnsafeBufferPointer(start: base + head, count: contentEnd - head)
                try body(.line(LineSlice(start: start, end: end, bytes: bytes, terminated: false)))
            }
        } else {
            return
        }
        items += 1
        head = tail
        scan = tail
        committedOffset = end
    }

    /// Moves undelivered bytes to the front and reads more behind them. Returns the
    /// number of bytes read; 0 means nothing more for now (or end of stream).
    private func fill() throws -> Int {
        if head > 0 {
            let keep = tail - head
            if keep > 0 { memmove(base, base + head, keep) }
            bufferBase += Int64(head)
            scan -= head
            tail = keep
            head = 0
        }
        let room = bufferCapacity - tail
        precondition(room > 0, "a held partial line never fills the buffer")
        let n = try readSome(into: base + tail, count: min(room, options.chunkSize), at: bufferBase + Int64(tail))
        tail += n
        return n
    }

    private func readSome(into pointer: UnsafeMutablePointer<UInt8>, count: Int, at offset: Int64) throws -> Int {
        if input == .stream && reachedEndOfStream { return 0 }
        let n: Int
        switch input {
        case .positional: n = System.pread(fileDescriptor, into: pointer, count: count, at: offset)
        case .stream: n = System.read(fileDescriptor, into: pointer, count: count)
        }
        if n >= 0 {
            if n == 0 && input == .stream { reachedEndOfStream = true }
            return n
        }
        let code = errno
        if code == EAGAIN || code == EWOULDBLOCK { return 0 }
        throw FollowError(operation: input == .positional ? "pread" : "read", path: "fd \(fileDescriptor)", code: code)
    }

    /// `.stream` input resuming at an offset: read and drop bytes until it is reached.
    private func discardLeadingStreamBytes() throws -> Int64 {
        var total: Int64 = 0
        while discardRemaining > 0 {
            let want = Int(min(Int64(bufferCapacity), discardRemaining))
            let n = try readSome(into: base, count: want, at: 0)
            if n == 0 { break }
            discardRemaining -= Int64(n)
            bufferBase += Int64(n)
            total += Int64(n)
        }
        return total
    }
}
