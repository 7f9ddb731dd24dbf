import Foundation

/// The vectors in `shared/testdata/sigv4/hash-vectors.json`, loaded generally: each top-level array
/// becomes a list of string-keyed records so later suites (HMAC, SigV4 keys) can read their own.
struct HashVectors {
    /// The file's location: the repository root is two levels above this file's directory
    /// (Tests/HashingTests/X.swift), and `shared/` sits next to the repository.
    static let path: String = {
        let testFile = URL(fileURLWithPath: #filePath)
        let repositoryRoot = testFile.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repositoryRoot.appendingPathComponent("../shared/testdata/sigv4/hash-vectors.json").standardized.path
    }()

    /// One vector: its fields as JSON-decoded values.
    struct Record {
        var fields: [String: Any]
        func string(_ key: String) -> String? { fields[key] as? String }
        func int(_ key: String) -> Int? { (fields[key] as? NSNumber)?.intValue }
    }

    enum LoadError: Error, CustomStringConvertible {
        case missing(String)
        case malformed(String)
        var description: String {
            switch self {
            case .missing(let path): "hash vectors not found at \(path)"
            case .malformed(let why): "hash vectors malformed: \(why)"
            }
        }
    }

    /// Every top-level array of objects in the file, by key.
    let groups: [String: [Record]]

    /// Loads the file; throws (so the test fails, naming the path) when it is missing or malformed.
    static func load() throws -> HashVectors {
        guard let data = FileManager.default.contents(atPath: path) else { throw LoadError.missing(path) }
        guard let top = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw LoadError.malformed("top level is not an object in \(path)")
        }
        var groups: [String: [Record]] = [:]
        for (key, value) in top {
            guard let array = value as? [[String: Any]] else { continue }
            groups[key] = array.map { Record(fields: $0) }
        }
        return HashVectors(groups: groups)
    }
}
