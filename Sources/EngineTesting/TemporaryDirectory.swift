import Foundation

/// Runs `body` with a fresh directory under the system temporary directory (named `<prefix>-<UUID>`),
/// removed afterwards however `body` ends: for tests on the real disk.
public func withTemporaryDirectory<T>(prefix: String = "cairn-test", _ body: (String) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
}
