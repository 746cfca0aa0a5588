#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TobanCore
@testable import TobanIngest
import TobanTestSupport

@Suite("FileFollower")
struct FileFollowerTests {
    @Test func appendsInPiecesHoldPartialLineAndCheckpointStopsBeforeIt() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(path, "{\"a\":1}\n{\"b\":")
        let follower = FileFollower(path: path)

        let first = try pollOnce(follower)
        #expect(first.kinds == [.appeared(startOffset: 0, resumed: false)])
        #expect(first.lines == [Got(path: path, start: 0, end: 8, bytes: Array("{\"a\":1}".utf8))])
        let id = FileFollower.sourceID(source: path, path: path)
        #expect(first.events.first?.sourceID == id)
        let cp = try #require(checkpoint(follower, path))
        #expect(cp.offset == 8)
        #expect(cp.sourceID == id)
        #expect(cp.inode == inode(of: path))
        #expect(cp.fingerprint == FileIdentity.fnv1a64(Array("{\"a\":1}\n".utf8)))

        #expect(try pollOnce(follower).lines.isEmpty)
        #expect(checkpoint(follower, path)?.offset == 8)

        append(path, "2}\n{\"c\":3}\n")
        let second = try pollOnce(follower)
        #expect(second.texts == ["{\"b\":2}", "{\"c\":3}"])
        #expect(second.lines.map(\.start) == [8, 16])
        #expect(second.lines.map(\.end) == [16, 24])
        #expect(checkpoint(follower, path)?.offset == 24)
        #expect(second.events.isEmpty)
    }

    @Test func checkpointAfterLineInsideCallback() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(path, "one\ntwo\nthree\n")
        let follower = FileFollower(path: path)
        var offsets: [Int64] = []
        try follower.poll(at: .zero) { item in
            if case .line(let line) = item, let cp = follower.checkpoint(after: line) {
                offsets.append(cp.offset)
                #expect(cp.fingerprint == FileIdentity.fnv1a64(Array("one\ntwo\nthree\n".utf8).prefix(Int(line.end))))
            }
        }
        #expect(offsets == [4, 8, 14])
    }

    @Test func newInstanceResumesFromSavedCheckpointWithoutLossOrDuplicate() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(path, "l1\nl2\nl3\n")
        var saved: [SourceCheckpoint]
        do {
            let follower = FileFollower(path: path)
            // The caller processes two lines, then crashes: only these are committed.
            let got = try pollOnce(follower, maxLines: 2)
            #expect(got.texts == ["l1", "l2"])
            #expect(got.summary.limitReached)
            saved = follower.checkpoints
            #expect(saved.map(\.offset) == [6])
        }
        append(path, "l4\npartial")
        let follower = FileFollower(path: path, checkpoints: saved)
        let got = try pollOnce(follower)
        #expect(got.kinds == [.appeared(startOffset: 6, resumed: true)])
        #expect(got.texts == ["l3", "l4"])
        #expect(got.lines.first?.start == 6)
        saved = follower.checkpoints
        #expect(saved.map(\.offset) == [12])

        append(path, "-done\n")
        let again = FileFollower(path: path, checkpoints: saved)
        #expect(try pollOnce(again).texts == ["partial-done"])
    }

    @Test func renameRotationFinishesOldFileIncludingLateAppendsBeforeNewFile() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        let rotated = dir.file("eve.json.1")
        writeFile(path, "old1\n")
        let follower = FileFollower(path: path, options: noGrace)
        #expect(try pollOnce(follower).texts == ["old1"])
        let oldInode = inode(of: path)

        // The writer keeps its descriptor: lines written after the rename land in the old file.
        let writer = open(path, O_WRONLY | O_APPEND)
        defer { close(writer) }
        append(path, "old2\n")
        rename(path, rotated)
        writeFile(path, "new1\n")
        _ = "old3\n".withCString { write(writer, $0, 5) }

        // The old file is drained under a key of its own; the new one is read at once.
        let second = try pollOnce(follower)
        #expect(second.texts == ["old2", "old3", "new1"])
        #expect(second.kinds == [.rotated(renamedTo: nil), .appeared(startOffset: 0, resumed: false)])
        #expect(rotatedCheckpoint(follower, path)?.inode == oldInode)
        #expect(rotatedCheckpoint(follower, path)?.offset == 15)
        #expect(checkpoint(follower, path)?.inode == inode(of: path))

        _ = "old4\n".withCString { write(writer, $0, 5) }
        let third = try pollOnce(follower)
        #expect(third.texts == ["old4"])

        append(path, "new2\n")
        let fourth = try pollOnce(follower)
        #expect(fourth.texts == ["new2"])
        #expect(fourth.kinds == [.finished(offset: 20)])
        #expect(fourth.lines.map(\.start) == [5])
        #expect(rotatedCheckpoint(follower, path)?.offset == 20)
        #expect(checkpoint(follower, path)?.inode == inode(of: path))
        #expect(checkpoint(follower, path)?.offset == 10)
    }

    @Test func rotationWaitsForGracePeriodBeforeClosingOldFile() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(path, "a\n")
        let follower = FileFollower(path: path, options: FollowerOptions(rotationGrace: .seconds(60)))
        try pollOnce(follower)
        rename(path, dir.file("eve.json.1"))
        writeFile(path, "b\n")
        let rotated = try pollOnce(follower)
        #expect(rotated.kinds == [.rotated(renamedTo: nil), .appeared(startOffset: 0, resumed: false)])
        #expect(rotated.texts == ["b"])
        #expect(try pollOnce(follower).events.isEmpty)
        #expect(rotatedCheckpoint(follower, path)?.offset == 2)
        // Declared end of input needs no grace.
        #expect(try pollOnce(follower, atEndOfInput: true).kinds == [.finished(offset: 2)])
    }

    /// The grace is measured on the caller's monotonic time: the old file is drained once
    /// it has been quiet that long, and then the new file is read.
    @Test func aRotatedFileIsDrainedOnceItsGraceHasPassed() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(path, "a\n")
        let follower = FileFollower(path: path, options: FollowerOptions(rotationGrace: .seconds(60)))
        try pollOnce(follower, at: .zero)
        rename(path, dir.file("eve.json.1"))
        writeFile(path, "b\n")
        let rotated = try pollOnce(follower, at: .seconds(1))
        #expect(rotated.kinds == [.rotated(renamedTo: nil), .appeared(startOffset: 0, resumed: false)])
        #expect(rotated.texts == ["b"])
        #expect(try pollOnce(follower, at: .seconds(59)).events.isEmpty)
        #expect(try pollOnce(follower, at: .seconds(62)).kinds == [.finished(offset: 2)])
    }

    /// The path rotates twice before the first rotated file has been quiet for its grace:
    /// the file in the middle is read whole, and every line once.
    @Test func quickSuccessiveRotationsLoseNoFile() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(path, "a1\n")
        let follower = FileFollower(path: path, options: FollowerOptions(rotationGrace: .seconds(1)))
        var texts = try pollOnce(follower, at: .zero).texts
        rename(path, dir.file("eve.json.1"))
        writeFile(path, "b1\n")
        texts += try pollOnce(follower, at: .milliseconds(100)).texts
        append(path, "b2\n")
        rename(path, dir.file("eve.json.1")) // replaces a1's file, still open and draining
        writeFile(path, "c1\n")
        append(dir.file("eve.json.1"), "b3\n") // the writer had not reopened yet
        texts += try pollOnce(follower, at: .milliseconds(200)).texts
        append(path, "c2\n")
        for second in 2...4 { texts += try pollOnce(follower, at: .seconds(second)).texts }
        #expect(texts.sorted() == ["a1", "b1", "b2", "b3", "c1", "c2"])
        // Only the live file is left, under its path's key.
        #expect(checkpoint(follower, path)?.offset == 6)
    }

    /// Two rotations between two polls (logrotate run twice, size-based rotation under
    /// load): the file that was at the path only in between is found beside it and read.
    @Test func twoRotationsBetweenTwoPollsLoseNoFile() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        // Rotated long before the follow began: not read.
        writeFile(dir.file("eve.json.3"), "old\n")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000_000)], ofItemAtPath: dir.file("eve.json.3"))
        writeFile(path, "a1\n")
        let follower = FileFollower(path: path, options: FollowerOptions(rotationGrace: .seconds(1)))
        var texts = try pollOnce(follower, at: .zero).texts
        rename(path, dir.file("eve.json.1"))
        writeFile(path, "b1\nb2\n")
        rename(dir.file("eve.json.1"), dir.file("eve.json.2"))
        rename(path, dir.file("eve.json.1"))
        writeFile(path, "c1\n")
        texts += try pollOnce(follower, at: .milliseconds(100)).texts
        for second in 2...3 { texts += try pollOnce(follower, at: .seconds(second)).texts }
        #expect(texts.sorted() == ["a1", "b1", "b2", "c1"])
        // A restart reads none of them again.
        let restarted = FileFollower(path: path, checkpoints: follower.checkpoints, options: FollowerOptions(rotationGrace: .zero))
        #expect(try pollOnce(restarted, atEndOfInput: true).lines.isEmpty)
    }

    /// A restart while a rotated file is drained: both files are resumed, nothing twice.
    @Test func aRestartWhileDrainingResumesBothFiles() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(path, "a1\n")
        let follower = FileFollower(path: path, options: FollowerOptions(rotationGrace: .seconds(60)))
        var texts = try pollOnce(follower, at: .zero).texts
        rename(path, dir.file("eve.json.1"))
        writeFile(path, "b1\n")
        texts += try pollOnce(follower, at: .seconds(1)).texts
        let saved = follower.checkpoints
        #expect(saved.count == 2)
        append(dir.file("eve.json.1"), "a2\n")
        append(path, "b2\n")
        let resumed = FileFollower(path: path, checkpoints: saved, options: FollowerOptions(rotationGrace: .seconds(60)))
        texts += try pollOnce(resumed, atEndOfInput: true, at: .zero).texts
        #expect(texts.sorted() == ["a1", "a2", "b1", "b2"])
    }

    @Test func copytruncateRestartsAtZeroAndReportsIt() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(path, "first line\nsecond line\n")
        let follower = FileFollower(path: path)
        try pollOnce(follower)
        let ino = inode(of: path)
        // copytruncate: copy aside, truncate in place, the writer continues at the start.
        writeFile(dir.file("eve.json.1"), "first line\nsecond line\n")
        truncateFile(path)
        append(path, "x\n")
        let got = try pollOnce(follower)
        #expect(got.kinds == [.truncated(previousOffset: 23)])
        #expect(got.lines == [Got(path: path, start: 0, end: 2, bytes: Array("x".utf8))])
        #expect(inode(of: path) == ino)
        #expect(checkpoint(follower, path)?.offset == 2)
    }

    @Test func truncateToZeroAndRewriteLongerIsDetectedByFingerprint() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(path, "aaa\nbbb\n")
        let follower = FileFollower(path: path)
        try pollOnce(follower)
        // Rewritten in place between two polls, already longer than the old offset.
        writeFile(path, "ccc\nddd\neee\n")
        let got = try pollOnce(follower)
        #expect(got.kinds == [.truncated(previousOffset: 8)])
        #expect(got.texts == ["ccc", "ddd", "eee"])
    }

    @Test func deleteThenRecreateReadsNewFileFromStart() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(path, "one\n")
        let follower = FileFollower(path: path, options: noGrace)
        try pollOnce(follower)

        remove(path)
        let gone = try pollOnce(follower)
        #expect(gone.kinds == [.vanished, .finished(offset: 4)])
        #expect(checkpoint(follower, path) == nil)
        #expect(rotatedCheckpoint(follower, path)?.offset == 4)
        #expect(try pollOnce(follower).events.isEmpty)

        writeFile(path, "two\n")
        let back = try pollOnce(follower)
        #expect(back.kinds == [.appeared(startOffset: 0, resumed: false)])
        #expect(back.texts == ["two"])

        // Delete and recreate between two polls looks like a rotation.
        remove(path)
        writeFile(path, "three\n")
        let swapped = try pollOnce(follower)
        #expect(swapped.texts == ["three"])
        #expect(swapped.kinds == [.rotated(renamedTo: nil), .appeared(startOffset: 0, resumed: false), .finished(offset: 4)])
    }

    @Test func deletedFileIsDrainedFromItsOpenDescriptor() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(path, "a\n")
        let writer = open(path, O_WRONLY | O_APPEND)
        defer { close(writer) }
        let follower = FileFollower(path: path, options: noGrace)
        try pollOnce(follower)
        _ = "b\n".withCString { write(writer, $0, 2) }
        remove(path)
        let got = try pollOnce(follower)
        #expect(got.texts == ["b"])
        #expect(got.kinds == [.vanished])
        #expect(try pollOnce(follower).kinds == [.finished(offset: 4)])
    }

    @Test func fileThatAppearsAfterStartIsReadFromZero() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("late.json")
        let follower = FileFollower(path: path, options: FollowerOptions(startAtEnd: true))
        #expect(try pollOnce(follower).events.isEmpty)
        #expect(follower.checkpoints.isEmpty)
        writeFile(path, "hello\n")
        let got = try pollOnce(follower)
        #expect(got.kinds == [.appeared(startOffset: 0, resumed: false)])
        #expect(got.texts == ["hello"])
    }

    @Test func startAtEndSkipsExistingCompleteLinesOnly() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(path, "old\nolder\npart")
        let follower = FileFollower(path: path, options: FollowerOptions(startAtEnd: true))
        let first = try pollOnce(follower)
        #expect(first.kinds == [.appeared(startOffset: 10, resumed: false)])
        #expect(first.lines.isEmpty)
        append(path, "ial\n")
        #expect(try pollOnce(follower).texts == ["partial"])
    }

    @Test func globSourcePicksUpNewFiles() throws {
        let dir = TemporaryDirectory()
        writeFile(dir.file("eve-a.json"), "a1\n")
        writeFile(dir.file("other.log"), "ignored\n")
        let source = dir.path + "/eve*.json"
        let follower = FileFollower(path: source)
        let first = try pollOnce(follower)
        #expect(first.texts == ["a1"])
        writeFile(dir.file("eve-b.json"), "b1\n")
        append(dir.file("eve-a.json"), "a2\n")
        let second = try pollOnce(follower)
        #expect(Set(second.texts) == ["a2", "b1"])
        #expect(second.events.map(\.path) == [dir.file("eve-b.json")])
        #expect(follower.checkpoints.map(\.sourceID) == [
            FileFollower.sourceID(source: source, path: dir.file("eve-a.json")),
            FileFollower.sourceID(source: source, path: dir.file("eve-b.json")),
        ])
    }

    @Test func directorySourcePicksUpNewFilesAndFollowsRenamesWithoutRereading() throws {
        let dir = TemporaryDirectory()
        writeFile(dir.file("conn.log"), "c1\n")
        writeFile(dir.file(".hidden"), "h\n")
        writeFile(dir.file("old.log.gz"), "not gzip, never read live\n")
        let follower = FileFollower(path: dir.path, options: noGrace)
        #expect(try pollOnce(follower).texts == ["c1"])

        writeFile(dir.file("dns.log"), "d1\n")
        #expect(try pollOnce(follower).texts == ["d1"])

        // Rotation inside the directory: the renamed file keeps its offset under its new path.
        append(dir.file("conn.log"), "c2\n")
        rename(dir.file("conn.log"), dir.file("conn.log.1"))
        writeFile(dir.file("conn.log"), "c3\n")
        let got = try pollOnce(follower)
        #expect(got.texts == ["c2", "c3"])
        #expect(got.events.first?.kind == .rotated(renamedTo: dir.file("conn.log.1")))
        #expect(checkpoint(follower, dir.file("conn.log.1"))?.offset == 6)
        #expect(checkpoint(follower, dir.file("conn.log"))?.offset == 3)
        #expect(try pollOnce(follower).lines.isEmpty)

        // A restart does not read the rotated file again.
        let restarted = FileFollower(path: dir.path, checkpoints: follower.checkpoints, options: noGrace)
        let again = try pollOnce(restarted)
        #expect(again.lines.isEmpty)
        #expect(again.kinds.allSatisfy { if case .appeared(_, true) = $0 { true } else { false } })
    }

    @Test func directoryRotationChainDropsDeletedFileAndShiftsTheOthers() throws {
        let dir = TemporaryDirectory()
        let live = dir.file("conn.log")
        let one = dir.file("conn.log.1")
        writeFile(one, "r1\n")
        writeFile(live, "l1\n")
        let follower = FileFollower(path: dir.path, options: noGrace)
        #expect(Set(try pollOnce(follower).texts) == ["r1", "l1"])
        let liveInode = inode(of: live)

        // logrotate with `rotate 1`: drop .1, shift the live file to .1, create a new live file.
        append(one, "r2\n")
        remove(one)
        append(live, "l2\n")
        rename(live, one)
        writeFile(live, "n1\n")
        let got = try pollOnce(follower)
        #expect(got.texts == ["r2", "l2", "n1"])
        #expect(checkpoint(follower, one)?.inode == liveInode)
        #expect(checkpoint(follower, one)?.offset == 6)
        #expect(checkpoint(follower, live)?.offset == 3)
        // The deleted file is drained under a key of its own, then closed.
        let closed = try pollOnce(follower)
        #expect(closed.lines.isEmpty)
        #expect((got.kinds + closed.kinds).filter { if case .finished = $0 { true } else { false } }.count == 1)
        #expect(follower.checkpoints.count == 3)
    }

    @Test func lineLimitCountsOversizedLinesAndResumes() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(path, "a\n" + String(repeating: "z", count: 50) + "\nb\nc\n")
        let follower = FileFollower(path: path, options: FollowerOptions(reader: LineReaderOptions(maxLineBytes: 10, chunkSize: 16)))
        let first = try pollOnce(follower, maxLines: 2)
        #expect(first.texts == ["a"])
        #expect(first.summary.oversizedLines == 1)
        #expect(first.summary.limitReached)
        #expect(checkpoint(follower, path)?.offset == 53)
        #expect(try pollOnce(follower).texts == ["b", "c"])
    }

    @Test func fingerprintMismatchOnSameInodeRestartsAtZero() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(path, "new content 1\nnew content 2\n")
        let status = try #require(FileStatus.of(path: path))
        // A checkpoint taken on an earlier file that had the same device and inode.
        let recycled = SourceCheckpoint(sourceID: FileFollower.sourceID(source: path, path: path), path: path,
                                        device: status.device, inode: status.inode,
                                        fingerprint: FileIdentity.fnv1a64(Array("old content\n".utf8)), offset: 12)
        let follower = FileFollower(path: path, checkpoints: [recycled])
        let got = try pollOnce(follower)
        #expect(got.texts == ["new content 1", "new content 2"])
        guard case .checkpointRejected = got.kinds.first else {
            Issue.record("expected a rejected checkpoint, got \(got.kinds)")
            return
        }
        #expect(got.kinds.last == .appeared(startOffset: 0, resumed: false))

        // The same inode with a matching fingerprint resumes.
        var valid = recycled
        valid.fingerprint = FileIdentity.fnv1a64(Array("new content ".utf8))
        #expect(try pollOnce(FileFollower(path: path, checkpoints: [valid])).texts == ["1", "new content 2"])
    }

    /// A checkpoint with context stored behind its rows resumes at the context position,
    /// but is only accepted where its rows' position is: a file now shorter than that
    /// (truncated and rewritten while stopped) is read from 0.
    @Test func checkpointResumesAtItsContextPositionIfItsRowsPositionHolds() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(path, "line 1\nline 2\nline 3\n")
        let status = try #require(FileStatus.of(path: path))
        let key = FileFollower.sourceID(source: path, path: path)
        func checkpoint(offset: Int64, context: Int64) -> SourceCheckpoint {
            SourceCheckpoint(sourceID: key, path: path, device: status.device, inode: status.inode,
                             fingerprint: FileIdentity.fnv1a64(Array("line 1\nline 2\nline 3\n".utf8.prefix(Int(offset)))),
                             offset: offset, contextOffset: context,
                             contextFingerprint: FileIdentity.fnv1a64(Array("line 1\n".utf8.prefix(Int(context)))))
        }
        let resumed = try pollOnce(FileFollower(path: path, checkpoints: [checkpoint(offset: 14, context: 7)]))
        #expect(resumed.texts == ["line 2", "line 3"])
        #expect(resumed.kinds == [.appeared(startOffset: 7, resumed: true)])
        // The rows' position lies past the end of the file now.
        writeFile(path, "line 1\n")
        let short = try pollOnce(FileFollower(path: path, checkpoints: [checkpoint(offset: 14, context: 7)]))
        #expect(short.texts == ["line 1"])
        #expect(short.kinds.last == .appeared(startOffset: 0, resumed: false))
    }

    @Test func checkpointForAnotherFileAtThePathIsRejected() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(path, "x\n")
        let stale = SourceCheckpoint(sourceID: FileFollower.sourceID(source: path, path: path), path: path,
                                     device: 1, inode: 999_999_999, fingerprint: 0, offset: 1)
        let got = try pollOnce(FileFollower(path: path, checkpoints: [stale]))
        #expect(got.texts == ["x"])
        #expect(got.kinds.count == 2)
    }

    @Test func rotationWhileStoppedDrainsOldInodeFirst() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(path, "a\n")
        let first = FileFollower(path: path)
        try pollOnce(first)
        let saved = first.checkpoints
        // While stopped: more lines, then rotation.
        append(path, "b\n")
        rename(path, dir.file("eve.json.1"))
        writeFile(path, "c\n")
        let follower = FileFollower(path: path, checkpoints: saved, options: noGrace)
        // The old file is drained under a key of its own, the new file read from 0 beside it.
        let got = try pollOnce(follower)
        #expect(got.texts == ["b", "c"])
        #expect(got.kinds == [.appeared(startOffset: 2, resumed: true), .appeared(startOffset: 0, resumed: false)])
        #expect(rotatedCheckpoint(follower, path)?.offset == 4)
        #expect(checkpoint(follower, path)?.inode == inode(of: path))
        // Closed once a poll finds nothing more in it.
        let next = try pollOnce(follower)
        #expect(next.kinds == [.finished(offset: 4)])
    }

    @Test func oversizedLineIsReportedAndNextLineArrives() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        let options = FollowerOptions(reader: LineReaderOptions(maxLineBytes: 100, chunkSize: 64))
        writeFile(path, "ok\n" + String(repeating: "q", count: 1000) + "\nnext\n")
        let got = try pollOnce(FileFollower(path: path, options: options))
        #expect(got.texts == ["ok", "next"])
        #expect(got.kinds == [.appeared(startOffset: 0, resumed: false), .oversized(offset: 3, length: 1000)])
        #expect(got.lines.last?.start == 1004)
    }

    @Test func gzipBackfillReadsCompressedSiblingsOnceThenLiveFile() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(dir.file("eve.json.2"), "g2a\ng2b\n")
        gzipFile(dir.file("eve.json.2"))
        writeFile(dir.file("eve.json.1"), "g1a\n")
        gzipFile(dir.file("eve.json.1"))
        // Make .2 the older one.
        var times = [timespec(tv_sec: 1_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, dir.file("eve.json.2.gz"), &times, 0) == 0)
        writeFile(path, "live\n")

        let options = FollowerOptions(backfillCompressed: true)
        let follower = FileFollower(path: path, options: options)
        let got = try pollOnce(follower)
        #expect(got.texts == ["g2a", "g2b", "g1a", "live"])
        #expect(got.lines.map(\.start) == [0, 4, 0, 0])
        #expect(got.lines.map(\.path) == [dir.file("eve.json.2.gz"), dir.file("eve.json.2.gz"), dir.file("eve.json.1.gz"), path])
        let gzCheckpoint = try #require(checkpoint(follower, dir.file("eve.json.2.gz")))
        #expect(gzCheckpoint.offset == 8)
        #expect(gzCheckpoint.inode == inode(of: dir.file("eve.json.2.gz")))

        // Restart: finished .gz files are not read again; the live file resumes.
        append(path, "live2\n")
        let restarted = FileFollower(path: path, checkpoints: follower.checkpoints, options: options)
        #expect(try pollOnce(restarted).texts == ["live2"])
        #expect(restarted.checkpoints.count == 3)

        // A crash in the middle of a .gz resumes inside the decompressed stream.
        var partial = gzCheckpoint
        partial.offset = 4
        let rest = try pollOnce(FileFollower(path: path, checkpoints: [partial], options: options))
        #expect(rest.lines.first == Got(path: dir.file("eve.json.2.gz"), start: 4, end: 8, bytes: Array("g2b".utf8)))
        #expect(rest.kinds.first == .appeared(startOffset: 4, resumed: true))
    }

    @Test func corruptGzipIsReportedAndDoesNotBlock() throws {
        let dir = TemporaryDirectory()
        writeFile(dir.file("eve.json.1.gz"), "this is not gzip data\n")
        writeFile(dir.file("eve.json"), "live\n")
        let follower = FileFollower(path: dir.file("eve.json"), options: FollowerOptions(backfillCompressed: true))
        let got = try pollOnce(follower)
        #expect(got.texts == ["live"])
        #expect(got.kinds.contains { if case .failed = $0 { true } else { false } })
        #expect(got.kinds.contains(.finished(offset: 0)))
    }

    @Test func startAtEndInsideAnOversizedTrailingLineSkipsToItsNewline() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(path, "old\n" + String(repeating: "w", count: 100))
        let options = FollowerOptions(reader: LineReaderOptions(maxLineBytes: 20, chunkSize: 8), startAtEnd: true)
        let follower = FileFollower(path: path, options: options)
        #expect(try pollOnce(follower).kinds == [.appeared(startOffset: 104, resumed: false)])
        append(path, "www\nfresh\n")
        let got = try pollOnce(follower)
        #expect(got.texts == ["fresh"])
        #expect(got.lines.first?.start == 108)
        guard case .oversized = got.kinds.first else {
            Issue.record("expected the tail of the long line to be reported oversized, got \(got.kinds)")
            return
        }
    }

    @Test func gzipFilesAreNotBackfilledUnlessAsked() throws {
        let dir = TemporaryDirectory()
        writeFile(dir.file("eve.json.1"), "old\n")
        gzipFile(dir.file("eve.json.1"))
        writeFile(dir.file("eve.json"), "live\n")
        #expect(try pollOnce(FileFollower(path: dir.file("eve.json"))).texts == ["live"])
    }
}
