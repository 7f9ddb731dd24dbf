import Foundation
public import RDSCore
public import WorkflowModel

/// Resolves a ``WorkflowModel/SecretReference`` to its value at the moment of use (brief decision 7).
///
/// Environment variables and files are read as given (a file's trailing newline is dropped).
/// Secrets Manager values in RDS's JSON shape (`{"username": ..., "password": ...}`, as RDS-managed
/// master secrets and Cairn's own stored passwords are) resolve to their `password`; any other value
/// resolves to the whole text. Errors name the reference, never the value.
public struct SecretResolver: Sendable {
    private let environment: [String: String]
    private let readFile: @Sendable (String) throws -> [UInt8]
    private let secrets: any SecretStore

    /// Makes a resolver.
    /// - Parameters:
    ///   - environment: the variables `env:` references name (usually the process environment).
    ///   - readFile: reads the file a `file:` reference names.
    ///   - secrets: answers `arn:aws:secretsmanager:` references.
    public init(environment: [String: String], readFile: @escaping @Sendable (String) throws -> [UInt8], secrets: any SecretStore) {
        self.environment = environment
        self.readFile = readFile
        self.secrets = secrets
    }

    /// A resolver over this process's environment and the real file system.
    public static func standard(secrets: any SecretStore) -> SecretResolver {
        SecretResolver(
            environment: ProcessInfo.processInfo.environment,
            readFile: { path in
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw SecretResolutionError(reference: "file:\(path)", reason: "the file cannot be read", isPermanent: false)
                }
                return Array(data)
            },
            secrets: secrets)
    }

    /// The secret's value.
    /// - Throws: ``SecretResolutionError`` naming the reference.
    public func resolve(_ reference: SecretReference) async throws -> String {
        let value: String
        switch reference.source {
        case .environment(let name):
            guard let text = environment[name] else {
                throw SecretResolutionError(
                    reference: reference.text, reason: "environment variable \(name) is not set", isPermanent: true)
            }
            value = text
        case .file(let path):
            let bytes: [UInt8]
            do {
                bytes = try readFile(path)
            } catch let error as SecretResolutionError {
                throw error
            } catch {
                throw SecretResolutionError(reference: reference.text, reason: "the file cannot be read (\(error))", isPermanent: false)
            }
            guard var text = String(validating: bytes, as: UTF8.self) else {
                throw SecretResolutionError(reference: reference.text, reason: "the file is not UTF-8 text", isPermanent: true)
            }
            if text.hasSuffix("\r\n") {
                text.removeLast(2)
            } else if text.hasSuffix("\n") {
                text.removeLast()
            }
            value = text
        case .secretsManager(let arn):
            let text: String
            do {
                text = try await secrets.getSecretValue(arn: arn)
            } catch let error as RDSError {
                throw SecretResolutionError(
                    reference: reference.text, reason: "Secrets Manager answered \(error.code)", isPermanent: !error.isRetryable)
            }
            value = Self.password(fromSecretValue: text)
        }
        guard !value.isEmpty else {
            throw SecretResolutionError(reference: reference.text, reason: "the secret is empty", isPermanent: true)
        }
        return value
    }

    /// The `password` member of an RDS-shaped JSON secret, or the whole value.
    public static func password(fromSecretValue text: String) -> String {
        guard text.first == "{",
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let password = object["password"] as? String
        else { return text }
        return password
    }
}

/// A secret reference that could not be resolved. The message names the reference, never a value.
public struct SecretResolutionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reference text, e.g. `env:DB_PASSWORD`.
    public var reference: String
    /// Why it could not be resolved.
    public var reason: String
    /// True when retrying in the same process cannot help (a variable that is not set).
    public var isPermanent: Bool

    /// Makes an error.
    public init(reference: String, reason: String, isPermanent: Bool) {
        self.reference = reference
        self.reason = reason
        self.isPermanent = isPermanent
    }

    /// A one-line summary for logs and messages.
    public var description: String { "secret \(reference) cannot be resolved: \(reason)" }

    /// As an activity failure with reason `SecretUnavailable`.
    public var activityFailure: ActivityFailure {
        ActivityFailure(reason: "SecretUnavailable", details: description, isNonRetryable: isPermanent)
    }
}

/// Strong passwords for the password-reset activities.
enum PasswordGenerator {
    /// Letters, digits and symbols RDS and shells accept without quoting trouble (no `/`, `@`, `"`,
    /// space, quote or backslash).
    static let symbols = Array("-_.~!#%^*+=")
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") + symbols
    static let length = 32

    /// A 32-character password from the system's cryptographic generator, with at least one upper-case
    /// letter, lower-case letter, digit and symbol so common password policies accept it.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        while true {
            let characters = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
            if characters.contains(where: \.isUppercase), characters.contains(where: \.isLowercase),
                characters.contains(where: \.isNumber), characters.contains(where: { symbols.contains($0) })
            {
                return String(characters)
            }
        }
    }

    /// The stored form of a database credential: RDS's JSON secret shape.
    static func secretValue(username: String, password: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(["username": username, "password": password])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
