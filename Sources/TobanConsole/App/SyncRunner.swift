import Foundation

/// Runs a model without a terminal and without threads: background effects run inline and
/// their messages are fed straight back, so a key's whole consequence (store reads and
/// writes included) has happened when `send` returns. For tests and the benchmark.
public final class SyncRunner<App: ConsoleApp> {
    public var app: App
    public let inbox = Inbox<App.Message>()
    public private(set) var quit = false
    public private(set) var size: TerminalSize
    /// The grid of the previous `frame()` (for diffing).
    public private(set) var lastGrid: CellGrid?
    /// Bells rung so far.
    public private(set) var bells = 0

    public init(_ app: App, size: TerminalSize = TerminalSize(width: 100, height: 30)) {
        self.app = app
        self.size = size
        apply(self.app.update(.resized(size)))
    }

    public func send(_ keys: Key...) { for k in keys { send(event: .key(k)) } }

    public func send(_ keys: [Key]) { for k in keys { send(event: .key(k)) } }

    /// Types characters as keys.
    public func type(_ text: String) { for c in text { send(event: .key(.character(c))) } }

    public func post(_ message: App.Message) { send(event: .message(message)) }

    public func resize(_ s: TerminalSize) {
        size = s
        send(event: .resized(s))
    }

    public func send(event: ConsoleEvent<App.Message>) {
        apply(app.update(event))
    }

    private func apply(_ effects: [ConsoleEffect<App.Message>]) {
        for e in effects {
            switch e {
            case .quit: quit = true
            case .repaint: break
            case .post(let m): inbox.post(m)
            case .background(let work): work(inbox)
            case .bell: bells += 1
            case .outside(let work): if let m = work() { inbox.post(m) }
            }
        }
        for m in inbox.drain() { apply(app.update(.message(m))) }
    }

    /// Renders the current state.
    @discardableResult
    public func frame() -> CellGrid {
        var grid = CellGrid(width: size.width, height: size.height)
        app.render(into: &grid)
        lastGrid = grid
        return grid
    }

    public var screen: String { frame().snapshot() }
}
