/// A command refusing to run for a reason that is no usage mistake (a damaged store,
/// another writer): printed as `Error: …` without the usage text, exit status 1.
struct Refusal: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
