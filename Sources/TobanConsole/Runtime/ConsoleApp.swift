/// What reaches the model's update function.
public enum ConsoleEvent<Message: Sendable>: Sendable {
    case key(Key)
    /// The terminal has this size now (also sent once before the first frame).
    case resized(TerminalSize)
    /// Posted by background work or by an effect.
    case message(Message)
}

/// What the model asks the runtime to do after an update.
public enum ConsoleEffect<Message: Sendable>: Sendable {
    /// Leave the event loop.
    case quit
    /// Repaint every cell on the next frame (Ctrl-L).
    case repaint
    /// Deliver a message in the next batch.
    case post(Message)
    /// Run work off the UI thread; it reports back by posting to the inbox.
    case background(@Sendable (Inbox<Message>) -> Void)
    /// Ring the terminal bell (a page, a new P1).
    case bell
    /// Hand the terminal to another program (the analyst's `$EDITOR`) while `work` runs on
    /// the UI thread, then take it back and repaint; `work`'s message is delivered.
    case outside(@Sendable () -> Message?)
}

/// A screen program in the Model/Update/View style: state changes only in `update`, on
/// the UI thread; `render` is a pure function of the state into a cell grid.
public protocol ConsoleApp {
    associatedtype Message: Sendable
    mutating func update(_ event: ConsoleEvent<Message>) -> [ConsoleEffect<Message>]
    func render(into grid: inout CellGrid)
}
