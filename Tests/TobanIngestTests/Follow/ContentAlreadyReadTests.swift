import Foundation
import Testing
import TobanCore
@testable import TobanIngest
import TobanTestSupport

/// Content already read is recognised by its fingerprint wherever it turns up again: in a
/// copy a glob also matches (copytruncate), or in a rotated file compressed after it was
/// read (`delaycompress`). Each is read on from where reading stopped, never again.
@Suite struct ContentAlreadyReadTests {
    let noGrace = FollowerOptions(rotationGrace: .zero)

    /// Copy, then truncate in place, as logrotate's copytruncate does.
    func copyTruncate(_ path: String, to copy: String) throws {
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        truncateFile(path)
    }

    @Test func aGlobMatchingCopytruncateCopiesReadsNothingTwice() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(path, "l1\nl2\n")
        let follower = FileFollower(path: dir.file("eve.json*"), options: noGrace)
        var texts = try pollOnce(follower).texts
        append(path, "l3\n") // written before the copy, not read yet
        try copyTruncate(path, to: dir.file("eve.json.1"))
        append(path, "n1\n")
        texts += try pollOnce(follower).texts
        texts += try pollOnce(follower).texts
        #expect(texts.sorted() == ["l1", "l2", "l3", "n1"])
        let restarted = FileFollower(path: dir.file("eve.json*"), checkpoints: follower.checkpoints, options: noGrace)
        #expect(try pollOnce(restarted).lines.isEmpty)
    }

    @Test func aCopyMadeWhileStoppedIsReadOnFromTheCheckpoint() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        writeFile(path, "l1\nl2\n")
        let first = FileFollower(path: dir.file("eve.json*"), options: noGrace)
        #expect(try pollOnce(first).texts == ["l1", "l2"])
        append(path, "l3\n")
        try copyTruncate(path, to: dir.file("eve.json.1"))
        append(path, "n1\n")
        let restarted = FileFollower(path: dir.file("eve.json*"), checkpoints: first.checkpoints, options: noGrace)
        #expect(try pollOnce(restarted).texts.sorted() == ["l3", "n1"])
    }

    /// Rotated, drained as plain text, compressed at the next rotation, then a restart that
    /// backfills `.gz` files: only what was added after reading stopped is read.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/gzip")))
    func aRotatedFileCompressedAfterItWasReadIsNotReadAgain() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("eve.json")
        let options = FollowerOptions(backfillCompressed: true, rotationGrace: .zero)
        writeFile(path, "a1\na2\n")
        let follower = FileFollower(path: path, options: options)
        var texts = try pollOnce(follower).texts
        rename(path, dir.file("eve.json.1"))
        writeFile(path, "b1\n")
        texts += try pollOnce(follower).texts
        texts += try pollOnce(follower).texts
        #expect(texts.sorted() == ["a1", "a2", "b1"])

        // While stopped: one late line lands in the rotated file, which is then compressed.
        append(dir.file("eve.json.1"), "a3\n")
        gzipFile(dir.file("eve.json.1"))
        let restarted = FileFollower(path: path, checkpoints: follower.checkpoints, options: options)
        #expect(try pollOnce(restarted, atEndOfInput: true).texts == ["a3"])
    }
}
