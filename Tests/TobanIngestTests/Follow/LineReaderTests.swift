#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import TobanIngest
import TobanTestSupport

/// Reads everything currently available from `reader`, copying lines.
private func drain(_ reader: LineReader, maxItems: Int = .max, atEndOfInput: Bool = false)
    throws -> (lines: [Got], oversized: [(Int64, Int64)], result: LineReader.Result) {
    var lines: [Got] = []
    var oversized: [(Int64, Int64)] = []
    let result = try reader.read(maxItems: maxItems, atEndOfInput: atEndOfInput) { item in
        switch item {
        case .line(let s): lines.append(Got(path: "", start: s.start, end: s.end, bytes: Array(s.bytes), terminated: s.terminated))
        case .oversized(let offset, let length): oversized.append((offset, length))
        }
    }
    return (lines, oversized, result)
}

private func openRead(_ path: String) -> Int32 {
    let fd = open(path, O_RDONLY)
    precondition(fd >= 0)
    return fd
}

@Suite("LineReader")
struct LineReaderTests {
    @Test func holdsPartialLineUntilNewlineAndReportsExactOffsets() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("a.log")
        writeFile(path, "one\r\ntwo\nthr")
        let fd = openRead(path)
        defer { close(fd) }
        let reader = LineReader(fileDescriptor: fd)

        let first = try drain(reader)
        #expect(first.lines.map(\.text) == ["one", "two"])
        #expect(first.lines.map(\.start) == [0, 5])
        #expect(first.lines.map(\.end) == [5, 9])
        #expect(reader.committedOffset == 9)
        #expect(reader.bufferedBytes == 3)

        #expect(try drain(reader).lines.isEmpty)
        #expect(reader.committedOffset == 9)

        append(path, "ee\n\n")
        let second = try drain(reader)
        #expect(second.lines.map(\.text) == ["three", ""])
        #expect(second.lines.map(\.start) == [9, 15])
        #expect(second.lines.map(\.end) == [15, 16])
        #expect(reader.committedOffset == 16)
    }

    @Test func finalLineWithoutNewlineOnlyAtDeclaredEndOfInput() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("a.log")
        writeFile(path, "a\nlast")
        let fd = openRead(path)
        defer { close(fd) }
        let reader = LineReader(fileDescriptor: fd)
        #expect(try drain(reader).lines.map(\.text) == ["a"])
        let end = try drain(reader, atEndOfInput: true)
        #expect(end.lines == [Got(path: "", start: 2, end: 6, bytes: Array("last".utf8), terminated: false)])
        #expect(reader.committedOffset == 6)
        #expect(try drain(reader, atEndOfInput: true).lines.isEmpty)
    }

    @Test func nulAndInvalidUTF8PassThroughAsBytes() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("bin.log")
        let line: [UInt8] = [0x7B, 0x00, 0xFF, 0xC3, 0x28, 0x00, 0xED, 0xA0, 0x80, 0x7D]
        writeFile(path, line + [0x0A] + Array("ok\n".utf8))
        let fd = openRead(path)
        defer { close(fd) }
        let got = try drain(LineReader(fileDescriptor: fd)).lines
        #expect(got.map(\.bytes) == [line, Array("ok".utf8)])
        #expect(got[1].start == 11)
    }

    @Test func splitsIdenticallyWhateverTheChunkSize() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("mixed.log")
        var expected: [[UInt8]] = []
        var content: [UInt8] = []
        for i in 0..<200 {
            let line = Array(String(repeating: "x", count: (i * 37) % 29).utf8) + Array("#\(i)".utf8)
            expected.append(line)
            content += line + (i % 3 == 0 ? [0x0D, 0x0A] : [0x0A])
        }
        writeFile(path, content)
        for chunk in [1, 2, 3, 7, 64, 4096] {
            let fd = openRead(path)
            defer { close(fd) }
            let reader = LineReader(fileDescriptor: fd, options: LineReaderOptions(maxLineBytes: 64, chunkSize: chunk))
            let got = try drain(reader)
            #expect(got.lines.count == expected.count, "chunk \(chunk)")
            let mismatch = zip(got.lines, expected).enumerated().first { $0.element.0.bytes != $0.element.1 }?.offset
            #expect(mismatch == nil, "chunk \(chunk): first different line \(mismatch ?? -1)")
            #expect(got.oversized.isEmpty)
            // Offsets tile the file exactly.
            #expect(got.lines.first?.start == 0)
            #expect(zip(got.lines, got.lines.dropFirst()).allSatisfy { $0.end == $1.start })
            #expect(got.lines.last?.end == Int64(content.count))
        }
    }

    @Test func oversizedLineInsideOneChunkIsReportedAndSkipped() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("o.log")
        writeFile(path, "ok\n" + String(repeating: "y", count: 11) + "\nnext\n")
        let fd = openRead(path)
        defer { close(fd) }
        let got = try drain(LineReader(fileDescriptor: fd, options: LineReaderOptions(maxLineBytes: 10, chunkSize: 4096)))
        #expect(got.lines.map(\.text) == ["ok", "next"])
        #expect(got.oversized.count == 1)
        #expect(got.oversized.first.map { [$0.0, $0.1] } == [3, 11])
        #expect(got.lines[1].start == 15)
    }

    @Test func lineOfExactlyTheLimitWithCRLFIsNotOversized() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("edge.log")
        let line = String(repeating: "z", count: 10)
        writeFile(path, line + "\r")
        let fd = openRead(path)
        defer { close(fd) }
        let reader = LineReader(fileDescriptor: fd, options: LineReaderOptions(maxLineBytes: 10, chunkSize: 4))
        #expect(try drain(reader).lines.isEmpty)
        append(path, "\n")
        let got = try drain(reader)
        #expect(got.lines.map(\.text) == [line])
        #expect(got.oversized.isEmpty)
    }

    @Test func fiftyMegabyteLineIsSkippedWithoutGrowingTheBuffer() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("huge.log")
        let huge = 50 * 1024 * 1024
        writeFile(path, "before\n")
        // Written in pieces so that the reader also sees the line while it is still partial.
        let piece = [UInt8](repeating: 0x41, count: 5 * 1024 * 1024)
        let fd = openRead(path)
        defer { close(fd) }
        let reader = LineReader(fileDescriptor: fd)
        let capacity = reader.bufferCapacity
        #expect(capacity == (1 << 20) + 2)
        var oversized: [(Int64, Int64)] = []
        var lines: [String] = []
        for _ in 0..<(huge / piece.count) {
            append(path, piece)
            let got = try drain(reader)
            lines += got.lines.map(\.text)
            oversized += got.oversized
            #expect(reader.bufferedBytes <= capacity)
        }
        #expect(reader.committedOffset == 7)
        append(path, "\nafter\n")
        let got = try drain(reader)
        lines += got.lines.map(\.text)
        oversized += got.oversized
        #expect(lines == ["before", "after"])
        #expect(oversized.count == 1)
        #expect(oversized.first.map { [$0.0, $0.1] } == [7, Int64(huge)])
        #expect(reader.bufferCapacity == capacity)
        #expect(reader.committedOffset == Int64(7 + huge + 1 + 6))
    }

    @Test func limitAndThrowingBodyResumeExactly() throws {
        struct Stop: Error {}
        let dir = TemporaryDirectory()
        let path = dir.file("l.log")
        writeFile(path, "1\n2\n3\n4\n")
        let fd = openRead(path)
        defer { close(fd) }
        let reader = LineReader(fileDescriptor: fd)
        let first = try drain(reader, maxItems: 2)
        #expect(first.lines.map(\.text) == ["1", "2"])
        #expect(first.result.status == .limitReached)
        #expect(reader.committedOffset == 4)

        var seen: [String] = []
        #expect(throws: Stop.self) {
            try reader.read { item in
                guard case .line(let s) = item else { return }
                let text = String(decoding: s.bytes, as: UTF8.self)
                if text == "4" { throw Stop() }
                seen.append(text)
            }
        }
        #expect(seen == ["3"])
        #expect(reader.committedOffset == 6)
        #expect(try drain(reader).lines.map(\.text) == ["4"])
    }

    @Test func streamInputSkipsToStartOffsetAndEnds() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let text = Array("alpha\nbeta\ngamma\n".utf8)
        text.withUnsafeBytes { _ = write(fds[1], $0.baseAddress, $0.count) }
        close(fds[1])
        defer { close(fds[0]) }
        let reader = LineReader(fileDescriptor: fds[0], startOffset: 6, input: .stream,
                                options: LineReaderOptions(maxLineBytes: 16, chunkSize: 4))
        let got = try drain(reader)
        #expect(got.lines.map(\.text) == ["beta", "gamma"])
        #expect(got.lines.map(\.start) == [6, 11])
        #expect(got.result.status == .endOfStream)
    }
}

@Suite("FileIdentity")
struct FileIdentityTests {
    @Test func fnv1a64KnownVectors() {
        #expect(FileIdentity.fnv1a64([UInt8]()) == 0xcbf2_9ce4_8422_2325)
        #expect(FileIdentity.fnv1a64(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
        #expect(FileIdentity.fnv1a64(Array("foobar".utf8)) == 0x8594_4171_f739_67e8)
    }

    @Test func fingerprintCoversConsumedPrefixUpTo1KiB() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("f.log")
        let content = (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        writeFile(path, content)
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        #expect(FileIdentity.fingerprintLength(forOffset: 10) == 10)
        #expect(FileIdentity.fingerprintLength(forOffset: 5000) == 1024)
        #expect(FileIdentity.fingerprint(fileDescriptor: fd, consumedUpTo: 10) == FileIdentity.fnv1a64(content[0..<10]))
        #expect(FileIdentity.fingerprint(fileDescriptor: fd, consumedUpTo: 2500) == FileIdentity.fnv1a64(content[0..<1024]))
        #expect(FileIdentity.fingerprint(fileDescriptor: fd, consumedUpTo: 0) == FileIdentity.fnvOffsetBasis)
    }
}
