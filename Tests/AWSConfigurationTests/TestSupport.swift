import AWSConfiguration
import Testing

/// The home directory of the in-memory fixtures.
let home = "/home/u"
/// The default shared credentials file under ``home``.
let credentialsPath = "/home/u/.aws/credentials"
/// The default config file under ``home``.
let configPath = "/home/u/.aws/config"
/// A secret that must never appear in a message or description.
let canary = "CANARY-s3cr3t-9f2c41d7"

/// An environment and an in-memory file system.
struct Fixture {
    var environment: [String: String] = ["HOME": home]
    var files: [String: String] = [:]
    var rawFiles: [String: [UInt8]] = [:]
    var unreadable: Set<String> = []

    init(environment: [String: String] = [:], credentials: String? = nil, config: String? = nil) {
        self.environment.merge(environment) { _, new in new }
        if let credentials { files[credentialsPath] = credentials }
        if let config { files[configPath] = config }
    }

    var sources: AWSConfigurationSources {
        let files = files
        let rawFiles = rawFiles
        let unreadable = unreadable
        return AWSConfigurationSources(environment: environment) { path in
            if unreadable.contains(path) { throw FixtureReadError() }
            return rawFiles[path] ?? files[path].map { Array($0.utf8) }
        }
    }

    func resolver(profile: String? = nil) -> AWSConfigurationResolver {
        AWSConfigurationResolver(sources: sources, profile: profile)
    }
}

struct FixtureReadError: Error, CustomStringConvertible {
    var description: String { "Permission denied" }
}

/// Runs `body`, expecting an error with `code`; returns it (nil, and a recorded issue, otherwise).
@discardableResult
func expectError(
    _ code: AWSConfigurationError.Code, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> AWSConfigurationError? {
    do {
        try body()
    } catch let error as AWSConfigurationError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        #expect(!error.message.contains(canary), sourceLocation: sourceLocation)
        #expect(!error.description.contains(canary), sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
    Issue.record("expected \(code), but nothing was thrown", sourceLocation: sourceLocation)
    return nil
}

/// The message contains every fragment, in this order.
func expectInOrder(_ message: String?, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    guard let message else { return }
    var rest = message[...]
    for fragment in fragments {
        guard let range = rest.firstRange(of: fragment) else {
            Issue.record("\"\(fragment)\" missing (or out of order) in: \(message)", sourceLocation: sourceLocation)
            return
        }
        rest = rest[range.upperBound...]
    }
}
