#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TobanCore

/// Follows the files of one configured source (a file, a glob or a directory) and hands
/// over complete lines with exact offsets, surviving rotation, truncation and restarts.
///
/// Usage: call `poll` repeatedly; process each `.line` inside the callback (its bytes are
/// a view, valid only during the call); then commit the rows together with `checkpoints`
/// (or `checkpoint(after:)` for the last processed line). A checkpoint always points just
/// after a delivered line, never into an undelivered partial line.
///
/// Each tracked file has one checkpoint, keyed `sourceID(source:path:)`. Files are matched
/// to saved checkpoints by device and inode, then validated by fingerprint (see
/// `FileIdentity`); a mismatch reads the file from 0. A checkpoint whose context is stored
/// behind its rows (`SourceCheckpoint.contextOffset`) is checked at its offset and resumed
/// at its context position, so the lines between are delivered again.
///
/// Rotation: when the path names a new file (rename, delete and recreate), the old file
/// moves aside to a key of its own (`drainKey`) and its descriptor is read to its end (see
/// `FollowerOptions.rotationGrace`), while the new file is read from 0 at once: rotations in
/// quick succession each leave a file that is read whole. When the old file was renamed to
/// a path the source also matches (directory or glob), it moves to that path's key with its
/// offset. If the process stopped mid-rotation, the first poll looks for the checkpointed
/// inode next to its old path and drains it besides the new file.
///
/// Not thread-safe: one thread polls a follower.
public final class FileFollower {
    public let source: SourceSettings
    public let options: FollowerOptions

    private let discovery: SourceDiscovery
    private var entries: [String: TrackedFile] = [:]
    private var saved: [SourceCheckpoint]
    /// Every saved checkpoint of plain files, kept after use: content read before the restart,
    /// to recognise in a copy or a compressed rotated file (`alreadyRead`).
    private let known: [SourceCheckpoint]
    /// Keys of the saved checkpoints (drain keys in use before the restart).
    private let savedKeys: Set<String>
    private var reportedFailures: Set<String> = []
    private var pollCount = 0
    private var sequence = 0
    /// Monotonic time of the poll under way (`poll(at:)`): when files were last active.
    private var pollTime: Duration = .zero

    /// - Parameters:
    ///   - checkpoints: saved checkpoints; those whose `sourceID` does not belong to this
    ///     source are ignored, so the store's whole list may be passed.
    public init(source: SourceSettings, checkpoints: [SourceCheckpoint] = [], options: FollowerOptions = FollowerOptions()) {
        self.source = source
        self.options = options
        self.discovery = SourceDiscovery(pattern: source.path)
        let prefix = FileFollower.sourceID(source: source.path, path: "")
        self.saved = checkpoints.filter { $0.sourceID.hasPrefix(prefix) }
        self.known = saved.filter { !SourceDiscovery.isCompressed($0.path) }
        self.savedKeys = Set(saved.map(\.sourceID))
    }

    public convenience init(path: String, checkpoints: [SourceCheckpoint] = [], options: FollowerOptions = FollowerOptions()) {
        self.init(source: SourceSettings(path: path), checkpoints: checkpoints, options: options)
    }

    /// Reports a follow event about a file (nil: one not tracked) into a poll's summary.
    typealias Emit = (TrackedFile?, String, FollowEvent.Kind, inout PollSummary) throws -> Void

    /// The checkpoint key of a file of a source: `"<configured path>#<file path>"`.
    public static func sourceID(source: String, path: String) -> String { source + "#" + path }

    /// The key a file rotated away from `path` is drained under, so that the file now at
    /// `path` keeps the path's key: `"<source>#<path>#rotated"`, then `…#rotated-2` and on.
    /// A drained file keeps its key, and so its checkpoint, until `rotatedKeysKept` later
    /// rotations have passed: what it read is recognised when logrotate compresses it at
    /// the next rotation (`delaycompress`) and a restart finds the `.gz`. The store keeps
    /// that many such checkpoints per path rather than one per rotation.
    private func drainKey(for path: String) -> String {
        let base = FileFollower.sourceID(source: source.path, path: path) + SourceCheckpoint.rotatedSuffix
        let keys = [base] + (2...Self.rotatedKeysKept).map { base + "-\($0)" }
        if let free = keys.first(where: { entries[$0] == nil && !savedKeys.contains($0) }) { return free }
        let finished = keys.compactMap { entries[$0] }.filter { $0.state == .finished }
        if let oldest = finished.min(by: { $0.sequence < $1.sequence }) { return oldest.key }
        if let stale = keys.first(where: { entries[$0] == nil }) { return stale }
        var n = Self.rotatedKeysKept
        while entries[base + "-\(n)"] != nil { n += 1 } // more drained at once than kept: rare
        return base + "-\(n)"
    }

    /// Rotated files per path whose checkpoints are kept (see `drainKey`).
    static let rotatedKeysKept = 8

    /// What this follower already read of a file it has no checkpoint for: the furthest
    /// known position (a saved checkpoint, or a file being followed) whose consumed first
    /// bytes are this file's first bytes, and within its `size` when known. A copy of a
    /// followed file (copytruncate, with a glob that matches the copies) or a compressed
    /// rotated file is read on from there instead of again from its start.
    /// `prefix(n)` is the FNV-1a fingerprint of the file's first n bytes (nil: shorter).
    private func alreadyRead(size: Int64?, excluding file: FileKey, prefix: (Int) -> UInt64?) -> SourceCheckpoint? {
        let followed = entries.values.filter { !$0.compressed && $0.file != file }.map { $0.checkpoint(offset: $0.offset) }
        var best: SourceCheckpoint?
        var hashes: [Int: UInt64?] = [:] // most candidates cover the same 1 KiB: hashed once
        for candidate in known + followed where candidate.offset > 0 && candidate.offset > (best?.offset ?? 0) {
            if let size, candidate.offset > size { continue }
            let length = FileIdentity.fingerprintLength(forOffset: candidate.offset)
            let hash: UInt64?
            if let memo = hashes[length] { hash = memo } else {
                hash = prefix(length)
                hashes[length] = hash
            }
            if hash == candidate.fingerprint { best = candidate }
        }
        return best
    }

    /// One checkpoint per tracked file (live, draining, or finished `.gz`), sorted by
    /// sourceID, each just after the last line delivered from it.
    public var checkpoints: [SourceCheckpoint] {
        entries.values.sorted { $0.key < $1.key }.map { $0.checkpoint(offset: $0.offset) }
    }

    /// The checkpoint just after `line`, for a caller that processed lines up to `line`
    /// (may be called inside the poll callback). Nil if the file is no longer tracked.
    public func checkpoint(after line: FollowedLine) -> SourceCheckpoint? {
        entries[line.sourceID]?.checkpoint(offset: line.end)
    }

    /// The format of the file tracked under `sourceID`: kept from its checkpoint, or set
    /// with `setFormat`; nil when not known (or the file is not tracked).
    public func format(of sourceID: String) -> SourceFormat? { entries[sourceID]?.format }

    /// Records the format of the file tracked under `sourceID`; its checkpoints carry it.
    public func setFormat(_ format: SourceFormat, of sourceID: String) { entries[sourceID]?.format = format }

    /// The first `maxBytes` bytes of the plain file tracked under `sourceID` (what its
    /// format is detected from); nil for a `.gz` file or one not tracked.
    public func head(of sourceID: String, maxBytes: Int = 64 * 1024) -> [UInt8]? {
        entries[sourceID]?.head(maxBytes: maxBytes)
    }

    /// Calls `body` with each complete line before `end` of the plain file tracked under
    /// `sourceID` that starts with `first` (Zeek's `#` header lines, read again when a file
    /// is resumed past them). Nothing for a `.gz` file or one not tracked.
    public func lines(of sourceID: String, startingWith first: UInt8, before end: Int64,
                      _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        entries[sourceID]?.lines(startingWith: first, before: end, body)
    }

    /// Paths of the files currently tracked, sorted.
    public var trackedPaths: [String] { entries.values.map(\.path).sorted() }

    deinit {
        for entry in entries.values { entry.close() }
    }

    /// Discovers files, then reads what is new in each, calling `body` for every line and
    /// event in order.
    ///
    /// - Parameters:
    ///   - maxLines: stop after this many lines plus oversized reports; the summary says
    ///     `limitReached` and the next poll continues exactly where this one stopped.
    ///   - atEndOfInput: the input is declared complete (`--once`): a final line without a
    ///     newline is delivered (`terminated == false`) and the checkpoint moves past it.
    ///   - uptime: the caller's monotonic time (`TobanClock.uptime`), against which a
    ///     rotated file's quiet time is measured (`FollowerOptions.rotationGrace`).
    /// - Throws: what `body` throws. The line it threw on is not counted as delivered; the
    ///   next poll delivers it again. Events are not repeated.
    @discardableResult
    public func poll(maxLines: Int = .max, atEndOfInput: Bool = false, at uptime: Duration,
                     _ body: (FollowItem) throws -> Void) throws -> PollSummary {
        pollTime = uptime
        let firstPoll = pollCount == 0
        pollCount += 1
        var summary = PollSummary()
        let emit: Emit = { entry, path, kind, summary in
            let key = entry?.key ?? FileFollower.sourceID(source: self.source.path, path: path)
            try body(.event(FollowEvent(sourceID: key, path: entry?.path ?? path, kind: kind, previousSourceID: entry?.previousKey)))
            entry?.previousKey = nil
            summary.events += 1
        }

        if firstPoll {
            try recoverRotatedWhileStopped(&summary, emit)
            if options.backfillCompressed { try openCompressedSiblings(&summary, emit) }
        }
        try reconcile(firstPoll: firstPoll, atEndOfInput: atEndOfInput, &summary, body, emit)

        let queue = entries.values.filter { $0.state != .finished }.sorted(by: FileFollower.readingOrder)
        var index = 0
        while index < queue.count {
            let entry = queue[index]
            index += 1
            guard entries[entry.key] === entry, entry.state != .finished else { continue }
            if summary.itemsCounted >= maxLines {
                summary.limitReached = true
                break
            }
            _ = try read(entry, maxLines: maxLines, atEndOfInput: atEndOfInput, &summary, body, emit)
            if summary.limitReached { break }
        }
        return summary
    }

    // MARK: - Reading

    private static func readingOrder(_ a: TrackedFile, _ b: TrackedFile) -> Bool {
        func rank(_ e: TrackedFile) -> Int { e.compressed ? 0 : (e.state == .draining ? 1 : 2) }
        return (rank(a), a.sequence) < (rank(b), b.sequence)
    }

    /// Reads one file. Returns true when a draining or compressed file was finished (and,
    /// for a plain file, removed).
    private func read(_ entry: TrackedFile, maxLines: Int, atEndOfInput: Bool, _ summary: inout PollSummary,
                      _ body: (FollowItem) throws -> Void,
                      _ emit: Emit) throws -> Bool {
        guard let reader = entry.reader else { return false }
        if let previous = entry.restartIfTruncated() {
            try emit(entry, entry.path, .truncated(previousOffset: previous), &summary)
        }
        let result: LineReader.Result
        do {
            result = try reader.read(maxItems: maxLines == .max ? .max : maxLines - summary.itemsCounted,
                                     atEndOfInput: atEndOfInput) { item in
                switch item {
                case .line(let slice):
                    try body(.line(FollowedLine(sourceID: entry.key, path: entry.path, start: slice.start, end: slice.end,
                                                bytes: slice.bytes, terminated: slice.terminated)))
                    summary.lines += 1
                case .oversized(let offset, let length):
                    try emit(entry, entry.path, .oversized(offset: offset, length: length), &summary)
                    summary.oversizedLines += 1
                }
            }
        } catch let error as FollowError {
            try reportFailure(entry.path, error.description, &summary, emit)
            return false
        }
        summary.bytesRead += result.bytesRead
        let now = pollTime
        if result.bytesRead > 0 { entry.lastActivity = now }
        entry.refreshReference()
        if entry.state == .live { entry.noteModification() }
        if result.status == .limitReached {
            summary.limitReached = true
            return false
        }
        if entry.compressed {
            guard result.status == .endOfStream else { return false }
            if let failure = entry.finishDecompression() { try emit(entry, entry.path, .failed(failure), &summary) }
            entry.close()
            entry.state = .finished
            try emit(entry, entry.path, .finished(offset: entry.offset), &summary)
            return true
        }
        guard entry.state == .draining, result.bytesRead == 0,
              atEndOfInput || now - entry.lastActivity >= options.rotationGrace else { return false }
        try finishDraining(entry, &summary, emit)
        return true
    }

    private func finishDraining(_ entry: TrackedFile, _ summary: inout PollSummary,
                                _ emit: Emit) throws {
        entry.close()
        entry.state = .finished
        try emit(entry, entry.path, .finished(offset: entry.offset), &summary)
    }

    private func reportFailure(_ path: String, _ message: String, _ summary: inout PollSummary,
                               _ emit: Emit) throws {
        guard reportedFailures.insert(path + "\u{0}" + message).inserted else { return }
        try emit(entries[FileFollower.sourceID(source: source.path, path: path)], path, .failed(message), &summary)
    }

    // MARK: - Discovery

    /// Notices files that left their path (rotated, moved, deleted) and opens new ones.
    private func reconcile(firstPoll: Bool, atEndOfInput: Bool, _ summary: inout PollSummary,
                           _ body: (FollowItem) throws -> Void, _ emit: Emit) throws {
        let live = LivePaths(discovery.livePaths())
        let movers = try departures(from: live, &summary, emit)
        try applyRenames(movers, atEndOfInput: atEndOfInput, &summary, body, emit)
        try openNewFiles(live, firstPoll: firstPoll, &summary, emit)
    }

    /// The paths the source matches now, with what each names.
    private struct LivePaths {
        var paths: [String]
        var statusByPath: [String: FileStatus] = [:]
        /// The first path naming each file.
        var pathByFile: [FileKey: String] = [:]

        init(_ paths: [String]) {
            self.paths = paths
            for path in paths {
                guard let status = FileStatus.of(path: path) else { continue }
                statusByPath[path] = status
                if pathByFile[FileKey(status)] == nil { pathByFile[FileKey(status)] = path }
            }
        }
    }

    /// Live files no longer at their path: those renamed to another matched path are
    /// returned (to move), the others start draining (rotated away or deleted).
    private func departures(from live: LivePaths, _ summary: inout PollSummary, _ emit: Emit) throws -> [Move] {
        var movers: [Move] = []
        for entry in entries.values.sorted(by: { $0.path < $1.path }) where !entry.compressed && entry.state == .live {
            if let status = live.statusByPath[entry.path], FileKey(status) == entry.file { continue }
            if let destination = live.pathByFile[entry.file], destination != entry.path {
                movers.append(Move(entry: entry, to: destination))
            } else {
                try startDraining(entry, renamedTo: nil, &summary, emit)
                try openMissedRotations(besides: entry, &summary, emit)
            }
        }
        return movers
    }

    /// A tracked file renamed to another path the source matches.
    private struct Move {
        let entry: TrackedFile
        let to: String
    }

    /// Rotations quicker than the polls can leave a file that was at the path only between
    /// two polls: created after the file that just left, and rotated away before a poll
    /// saw it. It sits beside the path under a rotated name (`eve.json.1`,
    /// `eve.json-20261120`). A plain file source drains every such file that is not
    /// tracked, was modified since the departed file was last read, and whose content was
    /// not read already, from its start. (Globs and directories match such names anyway.)
    private func openMissedRotations(besides departed: TrackedFile, _ summary: inout PollSummary, _ emit: Emit) throws {
        guard discovery.shape == .file, let since = departed.modifiedAsOfLastRead else { return }
        let directory = (departed.path as NSString).deletingLastPathComponent
        let base = (departed.path as NSString).lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory) else { return }
        for name in names.sorted() where name != base && name.hasPrefix(base) && !SourceDiscovery.isCompressed(name) {
            let candidate = directory.isEmpty ? name : directory + "/" + name
            let tracked = Set(entries.values.map(\.file))
            guard let status = FileStatus.of(path: candidate), status.isRegular, status.size > 0, status.modified >= since,
                  !tracked.contains(FileKey(status)),
                  !saved.contains(where: { $0.device == status.device && $0.inode == status.inode }),
                  let (fd, opened) = try openReadOnly(candidate, &summary, emit) else { continue }
            let file = FileKey(opened)
            if alreadyRead(size: opened.size, excluding: file, prefix: { FileIdentity.fingerprint(fileDescriptor: fd, length: $0) }) != nil {
                System.close(fd)
                continue
            }
            let key = drainKey(for: departed.path)
            let reader = LineReader(fileDescriptor: fd, startOffset: 0, input: .positional, options: options.reader)
            let entry = TrackedFile(key: key, path: departed.path, fd: fd, file: file, reader: reader, gzip: nil,
                                    compressedFingerprint: nil, offset: 0, sequence: nextSequence(), now: pollTime)
            entry.state = .draining
            entries[key] = entry
            try emit(entry, departed.path, .appeared(startOffset: 0, resumed: false), &summary)
        }
    }

    /// Renames inside the source move a file to its new path's key, keeping its offset. A
    /// move waits while its destination's occupant is itself moving away; moves that can
    /// never proceed (a cycle) drain instead.
    private func applyRenames(_ movers: [Move], atEndOfInput: Bool, _ summary: inout PollSummary,
                              _ body: (FollowItem) throws -> Void, _ emit: Emit) throws {
        var pending = movers
        while !pending.isEmpty {
            var waiting: [Move] = []
            var progressed = false
            for move in pending {
                let destinationKey = FileFollower.sourceID(source: source.path, path: move.to)
                if let occupant = entries[destinationKey], pending.contains(where: { $0.entry === occupant }) {
                    waiting.append(move)
                    continue
                }
                try apply(move, destinationKey: destinationKey, atEndOfInput: atEndOfInput, &summary, body, emit)
                progressed = true
            }
            if !progressed {
                for move in waiting { try startDraining(move.entry, renamedTo: move.to, &summary, emit) }
                break
            }
            pending = waiting
        }
    }

    /// One move whose destination is free, or held by a file that is not moving.
    private func apply(_ move: Move, destinationKey: String, atEndOfInput: Bool, _ summary: inout PollSummary,
                       _ body: (FollowItem) throws -> Void, _ emit: Emit) throws {
        let entry = move.entry
        if let occupant = entries[destinationKey] {
            guard occupant.state == .draining else {
                try startDraining(entry, renamedTo: move.to, &summary, emit)
                return
            }
            // The file it replaces is gone from every matched path: read it to its end now.
            _ = try read(occupant, maxLines: .max, atEndOfInput: atEndOfInput, &summary, body, emit)
            if occupant.state != .finished { try finishDraining(occupant, &summary, emit) }
        }
        try emit(entry, entry.path, .rotated(renamedTo: move.to), &summary)
        entries[entry.key] = nil
        entry.key = destinationKey
        entry.path = move.to
        entries[destinationKey] = entry
    }

    /// Opens matched paths whose file is not tracked yet.
    private func openNewFiles(_ live: LivePaths, firstPoll: Bool, _ summary: inout PollSummary, _ emit: Emit) throws {
        let trackedFiles = Set(entries.values.filter { $0.state != .finished }.map(\.file))
        for path in live.paths {
            guard entries[FileFollower.sourceID(source: source.path, path: path)] == nil,
                  let status = live.statusByPath[path], !trackedFiles.contains(FileKey(status)) else { continue }
            _ = try openPlain(path: path, firstPoll: firstPoll, &summary, emit)
        }
    }

    /// The file left its path: it is drained under a key of its own, leaving the path's key
    /// to whatever file appears there next (opened in this same poll when already there).
    private func startDraining(_ entry: TrackedFile, renamedTo: String?, _ summary: inout PollSummary,
                               _ emit: Emit) throws {
        entry.state = .draining
        entry.lastActivity = pollTime
        let kind: FollowEvent.Kind = FileStatus.of(path: entry.path) == nil ? .vanished : .rotated(renamedTo: renamedTo)
        if entries[entry.key] === entry { entries[entry.key] = nil }
        entry.previousKey = entry.key
        entry.key = drainKey(for: entry.path)
        entries[entry.key] = entry
        try emit(entry, entry.path, kind, &summary)
    }

    /// Saved checkpoints for `file`, best first (same path, then furthest), removed from
    /// the saved list so they are used once.
    private func takeCheckpoint(for file: FileKey, path: String) -> SourceCheckpoint? {
        let matches = saved.filter { $0.device == file.device && $0.inode == file.inode }
        saved.removeAll { $0.device == file.device && $0.inode == file.inode }
        return matches.max { ($0.path == path ? 1 : 0, $0.offset) < ($1.path == path ? 1 : 0, $1.offset) }
    }

    private func nextSequence() -> Int {
        sequence += 1
        return sequence
    }

    private func openReadOnly(_ path: String, _ summary: inout PollSummary,
                              _ emit: Emit) throws -> (Int32, FileStatus)? {
        let fd = System.openReadOnly(path)
        guard fd >= 0 else {
            let code = errno
            if code != ENOENT { try reportFailure(path, FollowError(operation: "open", path: path, code: code).description, &summary, emit) }
            return nil
        }
        guard let status = FileStatus.of(fileDescriptor: fd), status.isRegular else {
            System.close(fd)
            return nil
        }
        return (fd, status)
    }

    /// Opens a plain file found at `path` and decides where to start.
    private func openPlain(path: String, firstPoll: Bool, _ summary: inout PollSummary,
                           _ emit: Emit) throws -> TrackedFile? {
        guard let (fd, status) = try openReadOnly(path, &summary, emit) else { return nil }
        let file = FileKey(status)
        var start: Int64 = 0
        var resumed = false
        var rejection: String?
        var skipFrom: Int64?
        var format: SourceFormat?
        if let checkpoint = takeCheckpoint(for: file, path: path) {
            if checkpoint.offset > status.size {
                rejection = "file is shorter (\(status.size) bytes) than the checkpoint offset \(checkpoint.offset)"
            } else if FileIdentity.fingerprint(fileDescriptor: fd, consumedUpTo: checkpoint.offset) != checkpoint.fingerprint {
                rejection = "fingerprint differs: same inode, different file"
            } else {
                start = checkpoint.resumeOffset
                resumed = true
                format = checkpoint.format
            }
        } else if let stale = saved.firstIndex(where: { $0.path == path }) {
            let old = saved.remove(at: stale)
            rejection = "path now names another file (inode \(status.inode), checkpoint has \(old.inode))"
        }
        if !resumed, let copied = alreadyRead(size: status.size, excluding: file,
                                              prefix: { FileIdentity.fingerprint(fileDescriptor: fd, length: $0) }) {
            // A copy of content already read (copytruncate's copy): read on after it.
            start = copied.offset
            format = copied.format
        } else if !resumed, rejection == nil, firstPoll && options.startAtEnd {
            (start, skipFrom) = lastLineBoundary(fd: fd, size: status.size)
        }
        let reader = LineReader(fileDescriptor: fd, startOffset: start, input: .positional, options: options.reader)
        if let skipFrom { reader.skipCurrentLine(startedAt: skipFrom) }
        let key = FileFollower.sourceID(source: source.path, path: path)
        let entry = TrackedFile(key: key, path: path, fd: fd, file: file, reader: reader, gzip: nil,
                                compressedFingerprint: nil, offset: start, sequence: nextSequence(), now: pollTime)
        entry.format = format
        entries[key] = entry
        if let rejection { try emit(entry, path, .checkpointRejected(reason: rejection), &summary) }
        try emit(entry, path, .appeared(startOffset: start, resumed: resumed), &summary)
        return entry
    }

    /// `startAtEnd`: the offset after the file's last newline. If none lies within the
    /// last `maxLineBytes + 2` bytes, the trailing line is oversized anyway: start at the
    /// end and skip up to the next newline.
    private func lastLineBoundary(fd: Int32, size: Int64) -> (Int64, Int64?) {
        let window = min(size, Int64(options.reader.maxLineBytes + 2))
        let step = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: step)
        var upper = size
        while upper > size - window {
            let lower = max(size - window, upper - Int64(step))
            let count = Int(upper - lower)
            let n = buffer.withUnsafeMutableBytes { System.pread(fd, into: $0.baseAddress, count: count, at: lower) }
            guard n == count else { return (0, nil) }
            if let index = buffer[0..<count].lastIndex(of: 0x0A) { return (lower + Int64(index) + 1, nil) }
            upper = lower
        }
        return size > window ? (size, size - window) : (0, nil)
    }

    /// First poll: for a checkpoint whose path now names another file (or nothing), look
    /// for its inode next to that path (the file was rotated while we were stopped) and
    /// read it to its end before the new file.
    private func recoverRotatedWhileStopped(_ summary: inout PollSummary,
                                            _ emit: Emit) throws {
        // Furthest first: a file named by two checkpoints (its path's key before the restart,
        // a drain key after) resumes from the later one.
        for checkpoint in saved.sorted(by: { ($0.path, -$0.offset, $0.sourceID) < ($1.path, -$1.offset, $1.sourceID) })
        where !SourceDiscovery.isCompressed(checkpoint.path) {
            let wanted = FileKey(device: checkpoint.device, inode: checkpoint.inode)
            guard checkpoint.offset > 0, !entries.values.contains(where: { $0.file == wanted }) else { continue }
            if let status = FileStatus.of(path: checkpoint.path), FileKey(status) == wanted { continue }
            let directory = (checkpoint.path as NSString).deletingLastPathComponent
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory) else { continue }
            for name in names.sorted() {
                let candidate = directory.isEmpty ? name : directory + "/" + name
                guard let status = FileStatus.of(path: candidate), status.isRegular, FileKey(status) == wanted,
                      status.size >= checkpoint.offset else { continue }
                let fd = System.openReadOnly(candidate)
                guard fd >= 0 else { break }
                guard let opened = FileStatus.of(fileDescriptor: fd), FileKey(opened) == wanted,
                      FileIdentity.fingerprint(fileDescriptor: fd, consumedUpTo: checkpoint.offset) == checkpoint.fingerprint else {
                    System.close(fd)
                    break
                }
                saved.removeAll { $0.device == wanted.device && $0.inode == wanted.inode }
                let start = checkpoint.resumeOffset
                let reader = LineReader(fileDescriptor: fd, startOffset: start, input: .positional, options: options.reader)
                // Drained under the key it had, when it was being drained already.
                let drainPrefix = FileFollower.sourceID(source: source.path, path: checkpoint.path) + SourceCheckpoint.rotatedSuffix
                let key = checkpoint.sourceID.hasPrefix(drainPrefix) && entries[checkpoint.sourceID] == nil
                    ? checkpoint.sourceID : drainKey(for: checkpoint.path)
                let entry = TrackedFile(key: key, path: checkpoint.path, fd: fd, file: wanted, reader: reader, gzip: nil,
                                        compressedFingerprint: nil, offset: start, sequence: nextSequence(), now: pollTime)
                entry.format = checkpoint.format
                entry.state = .draining
                if checkpoint.sourceID != key { entry.previousKey = checkpoint.sourceID }
                entries[key] = entry
                try emit(entry, checkpoint.path, .appeared(startOffset: start, resumed: true), &summary)
                break
            }
        }
    }

    /// First poll with `backfillCompressed`: `.gz` siblings, oldest first.
    private func openCompressedSiblings(_ summary: inout PollSummary,
                                        _ emit: Emit) throws {
        for path in discovery.compressedPaths() {
            let key = FileFollower.sourceID(source: source.path, path: path)
            guard entries[key] == nil, let (fd, status) = try openReadOnly(path, &summary, emit) else { continue }
            let file = FileKey(status)
            let length = Int(min(Int64(FileIdentity.fingerprintLimit), status.size))
            let fingerprint = FileIdentity.fingerprint(fileDescriptor: fd, length: length) ?? FileIdentity.fnvOffsetBasis
            var start: Int64 = 0
            var resumed = false
            var rejection: String?
            var format: SourceFormat?
            if let checkpoint = takeCheckpoint(for: file, path: path) {
                if checkpoint.fingerprint != fingerprint {
                    rejection = "fingerprint differs: same inode, different file"
                } else if checkpoint.contextOffset == nil,
                          let size = GzipStream.trailerSize(compressedFileDescriptor: fd, fileSize: status.size),
                          UInt32(truncatingIfNeeded: checkpoint.offset) == size {
                    // Already read to its end: keep its checkpoint without decompressing again.
                    System.close(fd)
                    let entry = TrackedFile(key: key, path: path, fd: -1, file: file, reader: nil, gzip: nil,
                                            compressedFingerprint: fingerprint, offset: checkpoint.offset,
                                            sequence: nextSequence(), now: pollTime)
                    entry.state = .finished
                    entry.format = checkpoint.format
                    entries[key] = entry
                    continue
                } else {
                    start = checkpoint.resumeOffset
                    resumed = true
                    format = checkpoint.format
                }
            }
            if !resumed, rejection == nil,
               let head = GzipStream.head(ofCompressedFile: path, gzipPath: options.gzipPath, maxBytes: FileIdentity.fingerprintLimit),
               let copied = alreadyRead(size: nil, excluding: file, prefix: { n in
                   head.count >= n ? FileIdentity.fnv1a64(head.prefix(n)) : nil
               }) {
                // A rotated file read as plain text, compressed since (`delaycompress`).
                start = copied.offset
                format = copied.format
            }
            let gzip: GzipStream
            do {
                gzip = try GzipStream(compressedFileDescriptor: fd, gzipPath: options.gzipPath)
            } catch {
                System.close(fd)
                try reportFailure(path, "cannot run \(options.gzipPath): \(error)", &summary, emit)
                continue
            }
            let reader = LineReader(fileDescriptor: gzip.fileDescriptor, startOffset: start, input: .stream, options: options.reader)
            let entry = TrackedFile(key: key, path: path, fd: fd, file: file, reader: reader, gzip: gzip,
                                    compressedFingerprint: fingerprint, offset: start, sequence: nextSequence(), now: pollTime)
            entry.format = format
            entries[key] = entry
            if let rejection { try emit(entry, path, .checkpointRejected(reason: rejection), &summary) }
            try emit(entry, path, .appeared(startOffset: start, resumed: resumed), &summary)
        }
    }
}
