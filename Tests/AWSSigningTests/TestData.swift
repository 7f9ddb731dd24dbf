import Foundation

/// Files under `shared/testdata/sigv4`, read byte-exact.
enum TestData {
    /// The directory: the repository root is three levels above this file (Tests/AWSSigningTests/X.swift),
    /// and `shared/` sits next to the repository, as for HashingTests' vectors.
    static let sigv4Directory: String = {
        let testFile = URL(fileURLWithPath: #filePath)
        let repositoryRoot = testFile.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repositoryRoot.appendingPathComponent("../shared/testdata/sigv4").standardized.path
    }()

    enum LoadError: Error, CustomStringConvertible {
        case missing(String)
        case malformed(String)
        var description: String {
            switch self {
            case .missing(let path): "test data not found at \(path)"
            case .malformed(let why): "test data malformed: \(why)"
            }
        }
    }

    /// The bytes of `relativePath` (relative to ``sigv4Directory``), with no newline translation.
    static func bytes(_ relativePath: String) throws -> [UInt8] {
        let path = sigv4Directory + "/" + relativePath
        guard let data = FileManager.default.contents(atPath: path) else { throw LoadError.missing(path) }
        return [UInt8](data)
    }

    /// The UTF-8 text of `relativePath`; throws if it is not valid UTF-8 rather than repairing it.
    static func text(_ relativePath: String) throws -> String {
        let bytes = try bytes(relativePath)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw LoadError.malformed("\(relativePath) is not UTF-8") }
        return text
    }

    /// The top-level JSON object of `relativePath`.
    static func jsonObject(_ relativePath: String) throws -> [String: Any] {
        let data = Data(try bytes(relativePath))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw LoadError.malformed("top level of \(relativePath) is not an object")
        }
        return object
    }
}
