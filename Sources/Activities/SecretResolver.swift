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
                    throw SecretResolutionError(
                        code: .unreadable, reference: "file:\(path)", message: "the file cannot be read", isPermanent: false)
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
                    code: .notSet, reference: reference.text, message: "environment variable \(name) is not set", isPermanent: true)
            }
            value = text
        case .file(let path):
            let bytes: [UInt8]
            do {
                bytes = try readFile(path)
            } catch let error as SecretResolutionError {
                throw error
            } catch {
                throw SecretResolutionError(
                    code: .unreadable, reference: reference.text, message: "the file cannot be read (\(error))", isPermanent: false,
                    cause: error)
            }
            guard var text = String(validating: bytes, as: UTF8.self) else {
                throw SecretResolutionError(
                    code: .notUTF8, reference: reference.text, message: "the file is not UTF-8 text", isPermanent: true)
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
                    code: .unavailable, reference: reference.text, message: "Secrets Manager answered \(error.code)",
                    isPermanent: !error.isRetryable, cause: error)
            }
            value = Self.password(fromSecretValue: text)
        }
        guard !value.isEmpty else {
            throw SecretResolutionError(code: .empty, reference: reference.text, message: "the secret is empty", isPermanent: true)
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

/// A secret reference that could not be resolved, with a stable code. The message names the
/// reference, never a value. Activities report it as an ``WorkflowModel/ActivityFailure`` with reason
/// `SecretUnavailable`.
public struct SecretResolutionError: Error, Sendable, CustomStringConvertible {
    /// A stable code (`secret.notSet`, ...): it appears unchanged in docs/error-codes.md.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String, CaseIterable {
            case notSet = "secret.notSet"
            case unreadable = "secret.unreadable"
            case notUTF8 = "secret.notUTF8"
            case unavailable = "secret.unavailable"
            case empty = "secret.empty"
        }
        fileprivate let value: Value

        /// An `env:` reference names a variable that is not set.
        public static let notSet = Code(value: .notSet)
        /// A `file:` reference names a file that cannot be read.
        public static let unreadable = Code(value: .unreadable)
        /// A `file:` reference names a file that is not UTF-8 text.
        public static let notUTF8 = Code(value: .notUTF8)
        /// Secrets Manager answered an `arn:` reference with an error.
        public static let unavailable = Code(value: .unavailable)
        /// The secret resolved to an empty value.
        public static let empty = Code(value: .empty)

        /// Every code, for the documentation check.
        public static var all: [Code] { Value.allCases.map(Code.init(value:)) }
        public var description: String { value.rawValue }
    }

    /// What kind of problem.
    public var code: Code
    /// The reference text, e.g. `env:DB_PASSWORD`.
    public var reference: String
    /// Why it could not be resolved, and what to do.
    public var message: String
    /// True when retrying in the same process cannot help (a variable that is not set).
    public var isPermanent: Bool
    /// The underlying error (a file-system error, Secrets Manager's ``RDSCore/RDSError``), kept as a value.
    public var cause: (any Error & Sendable)?

    /// Makes an error.
    public init(code: Code, reference: String, message: String, isPermanent: Bool, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.reference = reference
        self.message = message
        self.isPermanent = isPermanent
        self.cause = cause
    }

    /// `secret REF cannot be resolved: MESSAGE`, without the code: it becomes the details of an
    /// `ActivityTaskFailed` event.
    public var description: String { "secret \(reference) cannot be resolved: \(message)" }

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
