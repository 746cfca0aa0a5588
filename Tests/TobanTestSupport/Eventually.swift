import Foundation

/// Polls `condition` until it holds or `timeout` of real time has passed; returns whether
/// it held. For what another thread or process does in its own time (a follow loop
/// committing, a terminal repainting); the timeout is a bound on a hang, not a measurement.
public func eventually(timeout: TimeInterval = 10, every interval: TimeInterval = 0.01,
                       _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try condition() { return true }
        if Date() >= deadline { return false }
        Thread.sleep(forTimeInterval: interval)
    }
}

/// Runs blocking work on its own thread (not on the few cooperative-pool threads), so that
/// concurrent writers and readers really run at the same time.
public func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
        thread.start()
    }
}
