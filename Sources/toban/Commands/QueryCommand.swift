import ArgumentParser

/// `toban query …` — replaced by the store's read path.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "query", abstract: "Print detections, endpoints, incidents or notifications as JSON Lines.")
    func run() throws { throw ValidationError("query is not available in this build") }
}
