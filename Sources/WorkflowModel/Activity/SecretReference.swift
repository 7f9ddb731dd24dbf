public import StrictJSON

/// Where a secret lives. Workflows and histories hold only these references; an activity resolves
/// the value at the moment of use and never returns, logs or records it.
///
/// In files: `{"secretRef": "env:DB_PASSWORD"}`, `{"secretRef": "file:/run/secrets/db"}`,
/// `{"secretRef": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"}`.
public struct SecretReference: Sendable, Hashable, CustomStringConvertible {
    /// The kinds of place a secret can come from.
    public enum Source: Sendable, Hashable {
        /// An environment variable of the engine process.
        case environment(String)
        /// A file, read at the moment of use.
        case file(String)
        /// An AWS Secrets Manager secret (or the simulator's secret store), by ARN.
        case secretsManager(arn: String)
    }

    /// Where the secret is.
    public var source: Source

    /// Makes a reference.
    public init(source: Source) { self.source = source }

    /// Parses the reference text (`env:NAME`, `file:PATH`, `arn:aws:secretsmanager:...`).
    public init?(text: String) {
        if text.hasPrefix("env:"), text.count > 4 {
            source = .environment(String(text.dropFirst(4)))
        } else if text.hasPrefix("file:"), text.count > 5 {
            source = .file(String(text.dropFirst(5)))
        } else if text.hasPrefix("arn:aws:secretsmanager:") {
            source = .secretsManager(arn: text)
        } else {
            return nil
        }
    }

    /// Parses `{"secretRef": "..."}`.
    public init?(json: JSONValue) {
        guard case .object(let object) = json, object.count == 1, let text = object["secretRef"]?.stringValue else {
            return nil
        }
        self.init(text: text)
    }

    /// The reference text, safe to record: it names the secret, never its value.
    public var text: String {
        switch source {
        case .environment(let name): "env:\(name)"
        case .file(let path): "file:\(path)"
        case .secretsManager(let arn): arn
        }
    }

    /// The JSON form.
    public var json: JSONValue { .object(JSONObject([("secretRef", .string(text))])) }

    public var description: String { text }
}
