import Foundation
public import RDSCore
import StrictJSON

/// AWS Secrets Manager over its JSON protocol (`X-Amz-Target: secretsmanager.<Action>`), reduced to
/// what Cairn needs: read a secret when a password reference names it, and store the passwords the
/// reset activities generate.
///
/// Secret values travel only in request and response bodies; no error message quotes a body.
public struct SecretsManagerClient: SecretStore {
    /// Sends the signed requests (signing name `secretsmanager`).
    public let client: AWSServiceClient
    /// The region of a secret named without an ARN (the configured region), if any.
    public let defaultRegion: String?

    /// Makes a client.
    public init(client: AWSServiceClient, defaultRegion: String?) {
        self.client = client
        self.defaultRegion = defaultRegion
    }

    /// `CreateSecret`, or `PutSecretValue` when a secret of that name exists already.
    public func putSecret(name: String, value: String, region: String, tags: [Tag]) async throws -> String {
        let create: JSONValue = .object(
            JSONObject([
                ("Name", .string(name)),
                ("SecretString", .string(value)),
                ("ClientRequestToken", .string(UUID().uuidString.lowercased())),
                ("Tags", .array(tags.map { .object(JSONObject([("Key", .string($0.key)), ("Value", .string($0.value))])) })),
            ]))
        do {
            let answer = try await call("CreateSecret", create, region: region)
            return try arn(in: answer, action: "CreateSecret")
        } catch let error as RDSError where error.code == .resourceExistsException {
            let put: JSONValue = .object(
                JSONObject([
                    ("SecretId", .string(name)),
                    ("SecretString", .string(value)),
                    ("ClientRequestToken", .string(UUID().uuidString.lowercased())),
                ]))
            let answer = try await call("PutSecretValue", put, region: region)
            return try arn(in: answer, action: "PutSecretValue")
        }
    }

    /// `GetSecretValue` of the secret's current version: `SecretString`, or `SecretBinary` as UTF-8 text.
    public func getSecretValue(arn: String) async throws -> String {
        guard let region = Self.region(ofSecret: arn) ?? defaultRegion else {
            throw RDSError(
                code: .missingRegion,
                message: "secret \(arn) names no region and none is configured; use the secret's full ARN or set AWS_REGION")
        }
        return try await getSecretValue(id: arn, region: region)
    }

    /// `GetSecretValue` of the secret named or ARN'd `id` in `region`.
    public func getSecretValue(id arn: String, region: String) async throws -> String {
        let answer = try await call("GetSecretValue", .object(JSONObject([("SecretId", .string(arn))])), region: region)
        if let text = answer["SecretString"]?.stringValue { return text }
        if let base64 = answer["SecretBinary"]?.stringValue, let data = Data(base64Encoded: base64) {
            return String(decoding: data, as: UTF8.self)
        }
        throw RDSError(code: .invalidResponse, message: "GetSecretValue of \(arn) returned no SecretString", httpStatus: 502)
    }

    /// The region in a Secrets Manager ARN (`arn:aws:secretsmanager:<region>:...`).
    static func region(ofSecret arn: String) -> String? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 7, parts[0] == "arn", parts[2] == "secretsmanager", !parts[3].isEmpty else { return nil }
        return String(parts[3])
    }

    func call(_ action: String, _ body: JSONValue, region: String) async throws -> JSONObject {
        let response = try await client.post(
            action: action, region: region,
            headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "secretsmanager.\(action)")],
            body: body.canonicalBytes(), parseError: Self.error)
        guard let value = try? JSONValue(parsing: response.body), let object = value.objectValue else {
            throw RDSError(code: .invalidResponse, message: "the answer to \(action) was not a JSON object", httpStatus: 502)
        }
        return object
    }

    func arn(in answer: JSONObject, action: String) throws -> String {
        guard let arn = answer["ARN"]?.stringValue else {
            throw RDSError(code: .invalidResponse, message: "the answer to \(action) had no ARN", httpStatus: 502)
        }
        return arn
    }

    /// A JSON-protocol error: the code from `X-Amzn-ErrorType` or `__type` (namespace and suffix
    /// stripped), the message from `message` or `Message`.
    static func error(_ response: HTTPResponse) -> RDSError {
        let requestId = response.headers["x-amzn-requestid"]
        let object = (try? JSONValue(parsing: response.body))?.objectValue
        let rawCode = response.headers["x-amzn-errortype"] ?? object?["__type"]?.stringValue
        guard let rawCode, let code = Self.errorCode(rawCode) else {
            return RDSDecoding.unrecognized(response, requestId: requestId)
        }
        let message = object?["message"]?.stringValue ?? object?["Message"]?.stringValue ?? ""
        return RDSError(code: RDSError.Code(code), message: message, httpStatus: response.status, requestId: requestId)
    }

    /// `com.amazonaws...#ResourceNotFoundException` or `ResourceNotFoundException:http://...` → the bare code.
    public static func errorCode(_ raw: String) -> String? {
        var code = Substring(raw)
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        return code.isEmpty ? nil : String(code)
    }
}
