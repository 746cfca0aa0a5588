#if canImport(Glibc)
import Glibc
#endif

/// How the ingest process asks the C allocator to behave.
enum AllocatorTuning {
    /// Blocks of 256 KiB and more (a batch's arrays, a context flush's buffers) get pages
    /// of their own, handed back to the system when freed. By default glibc raises that
    /// threshold as big blocks are freed, until such arrays come from the heap, where the
    /// space they leave is not given back: 4 MB more peak RSS on the alert-heavy benchmark,
    /// and no faster.
    static func forIngest() {
        #if canImport(Glibc)
        // `mallopt` is glibc's own (malloc.h, which the Glibc module leaves out).
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mmapThreshold: Int32 = -3 // M_MMAP_THRESHOLD
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
            _ = unsafeBitCast(symbol, to: Mallopt.self)(mmapThreshold, 256 << 10)
        }
        #endif
    }
}
