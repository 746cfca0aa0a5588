import Foundation

/// Why the event loop ended.
public enum ExitReason: Equatable, Sendable {
    /// The model returned `.quit`.
    case quit
    /// Input is gone (SSH session dropped).
    case endOfInput
    /// SIGINT, SIGTERM or SIGHUP.
    case signal(Int32)
}

/// The event loop. One thread (the caller's, normally main) reads keys, drains the inbox,
/// calls `update`, and draws. Bursts coalesce: everything that arrived while one frame was
/// being made goes through `update` before the next single render. When nothing happens the
/// loop sleeps inside `readKey`, so an idle console costs no CPU.
public final class ConsoleRuntime<App: ConsoleApp> {
    public let inbox: Inbox<App.Message>
    /// How long `readKey` may sleep when idle. Also the worst-case delay before a posted
    /// message is shown and before a signal is noticed.
    public var idleTimeoutMs: Int
    /// Typed-ahead or pasted keys handled per frame before drawing.
    public var maxKeysPerFrame: Int

    /// Frames rendered (diagnostics and tests).
    public private(set) var framesRendered = 0
    /// Events passed to `update`.
    public private(set) var eventsProcessed = 0

    public init(inbox: Inbox<App.Message> = Inbox(), idleTimeoutMs: Int = 100, maxKeysPerFrame: Int = 64) {
        self.inbox = inbox
        self.idleTimeoutMs = idleTimeoutMs
        self.maxKeysPerFrame = maxKeysPerFrame
    }

    /// Runs until the model quits, input ends, or a termination signal arrives. The terminal
    /// is shut down (restored) before this returns, whatever the reason.
    public func run(_ app: inout App, on terminal: some TerminalDriver) -> ExitReason {
        defer { terminal.shutdown() }
        // Background results end the input wait at once instead of at its timeout.
        inbox.setWaker(terminal.makeWaker())
        defer { inbox.setWaker(nil) }
        var size = terminal.size
        var dirty = true
        if apply(app.update(.resized(size)), to: terminal) { return .quit }
        eventsProcessed += 1

        while true {
            if let signal = terminal.takeInterruption() { return .signal(signal) }
            if dirty {
                var grid = CellGrid(width: size.width, height: size.height)
                app.render(into: &grid)
                terminal.draw(grid)
                framesRendered += 1
                dirty = false
            }

            var events: [ConsoleEvent<App.Message>] = []
            var key = terminal.readKey(timeoutMs: inbox.isEmpty ? idleTimeoutMs : 0)
            var keysRead = 0
            var inputEnded = false
            while let k = key {
                switch k {
                case .eof:
                    // Keys typed just before the session dropped still count (an ack is an ack).
                    inputEnded = true
                case .resize:
                    size = terminal.size
                    events.append(.resized(size))
                default:
                    events.append(.key(k))
                }
                keysRead += 1
                key = keysRead < maxKeysPerFrame && !inputEnded ? terminal.readKey(timeoutMs: 0) : nil
            }
            events.append(contentsOf: inbox.drain().map { .message($0) })

            for event in events {
                eventsProcessed += 1
                dirty = true
                if apply(app.update(event), to: terminal) { return .quit }
            }
            if inputEnded { return .endOfInput }
        }
    }

    /// Carries out effects; returns true if one of them is `.quit`.
    private func apply(_ effects: [ConsoleEffect<App.Message>], to terminal: some TerminalDriver) -> Bool {
        var quit = false
        for effect in effects {
            switch effect {
            case .quit: quit = true
            case .repaint: terminal.invalidate()
            case .post(let m): inbox.post(m)
            case .background(let work):
                let inbox = self.inbox
                DispatchQueue.global(qos: .userInitiated).async { work(inbox) }
            case .bell: terminal.bell()
            case .outside(let work):
                terminal.suspend()
                let message = work()
                terminal.resume()
                if let message { inbox.post(message) }
            }
        }
        return quit
    }
}
