#if canImport(Glibc)
import Glibc
#endif

/// The system calls the followers make, in one place (as swift-nio's System.swift): each
/// is retried when a signal interrupts it (EINTR), so no caller can forget to, and the
/// rest of Follow/ never names the C library.
enum System {
    /// open(2) read-only and close-on-exec: a descriptor, or -1 with `errno` set.
    static func openReadOnly(_ path: String) -> Int32 {
        while true {
            let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 || errno != EINTR { return fd }
        }
    }

    /// pread(2): bytes read (0 at the end), or -1 with `errno` set. The file position is untouched.
    static func pread(_ fd: Int32, into buffer: UnsafeMutableRawPointer?, count: Int, at offset: Int64) -> Int {
        while true {
            let n = Glibc.pread(fd, buffer, count, off_t(offset))
            if n >= 0 || errno != EINTR { return n }
        }
    }

    /// read(2): bytes read (0 at the end), or -1 with `errno` set.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawPointer?, count: Int) -> Int {
        while true {
            let n = Glibc.read(fd, buffer, count)
            if n >= 0 || errno != EINTR { return n }
        }
    }

    /// close(2). Never retried: on Linux the descriptor is released even when interrupted,
    /// and a retry could close one another thread has just been given.
    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// stat(2), following symlinks; nil when the path does not exist or cannot be stat'ed.
    static func status(path: String) -> stat? {
        var st = stat()
        return stat(path, &st) == 0 ? st : nil
    }

    /// fstat(2); nil on failure.
    static func status(fileDescriptor fd: Int32) -> stat? {
        var st = stat()
        return fstat(fd, &st) == 0 ? st : nil
    }

    /// glob(3) without flags: the matching paths, sorted as glob sorts them.
    static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
        var paths: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { paths.append(String(cString: p)) }
        }
        return paths
    }
}
