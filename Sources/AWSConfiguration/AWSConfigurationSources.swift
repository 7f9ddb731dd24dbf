import Foundation

/// Everything configuration is resolved from: environment variables, the home directory and a file reader.
///
/// Injected so resolution is pure and testable; ``live(environment:)`` wires in the real process.
public struct AWSConfigurationSources: Sendable {
    /// The environment variables (`AWS_PROFILE`, `AWS_ACCESS_KEY_ID`, ...).
    public var environment: [String: String]
    /// The directory `~` stands for in file paths, or nil when unknown.
    public var homeDirectory: String?
    /// Reads a whole file; returns nil when there is no regular file at the path, throws when it cannot be read.
    public var readFile: @Sendable (String) throws -> [UInt8]?

    /// Makes sources; a nil `homeDirectory` means the environment's `HOME`.
    public init(environment: [String: String], homeDirectory: String? = nil, readFile: @escaping @Sendable (String) throws -> [UInt8]?) {
        self.environment = environment
        self.homeDirectory = homeDirectory ?? environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
        self.readFile = readFile
    }

    /// The given environment (by default this process's), its `HOME` (else the user's home), and the real file system.
    public static func live(environment: [String: String] = ProcessInfo.processInfo.environment) -> Self {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? FileManager.default.homeDirectoryForCurrentUser.path
        return Self(environment: environment, homeDirectory: home, readFile: readRegularFile)
    }

    /// The file's bytes, or nil when nothing (or a directory) is at the path, like Python's `os.path.isfile`.
    @Sendable static func readRegularFile(_ path: String) throws -> [UInt8]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
