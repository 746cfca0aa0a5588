import DequeModule
import Foundation

/// Where background work (store polling, clocks, the ingest follower) leaves messages for
/// the UI thread. Posting is safe from any thread; only the event loop drains it.
public final class Inbox<Message: Sendable>: @unchecked Sendable {
    // @unchecked: all state is behind `lock`.
    private let lock = NSLock()
    private var queue = Deque<Message>()
    private var totalPosted = 0
    private var waker: (@Sendable () -> Void)?

    public init() {}

    public func post(_ message: Message) {
        lock.lock()
        queue.append(message)
        totalPosted += 1
        let wake = waker
        lock.unlock()
        wake?()
    }

    /// Called after every post (the event loop's way of waking from its input wait).
    public func setWaker(_ wake: (@Sendable () -> Void)?) {
        lock.lock()
        waker = wake
        lock.unlock()
    }

    /// Takes everything posted so far, oldest first.
    public func drain() -> [Message] {
        lock.lock()
        defer { lock.unlock() }
        guard !queue.isEmpty else { return [] }
        let all = Array(queue)
        queue.removeAll(keepingCapacity: true)
        return all
    }

    public var isEmpty: Bool {
        lock.lock()
        defer { lock.unlock() }
        return queue.isEmpty
    }

    /// Messages posted since creation (diagnostics).
    public var postedCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return totalPosted
    }
}
