import AWSConfiguration
import AWSSigning
import Foundation
import Testing

/// A fresh directory under the system's temporary directory, removed by ``remove()``.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-awsconfig-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ relativePath: String, _ text: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

@Suite struct LiveFilesTests {
    @Test func homeDirectoryFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(".aws/credentials", "[prod]\naws_access_key_id = AKIDLIVE\naws_secret_access_key = \(canary)\n")
        try directory.write(
            ".aws/config",
            "[profile prod]\nregion = eu-central-1\nservices = local\n\n[services local]\nrds =\n  endpoint_url = http://127.0.0.1:4566\n")
        let resolver = AWSConfigurationResolver(sources: .live(environment: ["HOME": directory.path, "AWS_PROFILE": "prod"]))
        let resolved = try resolver.credentials()
        #expect(resolved.credentials == AWSCredentials(accessKeyId: "AKIDLIVE", secretAccessKey: canary))
        #expect(resolved.source == "\(directory.path)/.aws/credentials, profile \"prod\"")
        #expect(try resolver.region() == "eu-central-1")
        #expect(try resolver.endpointURL(serviceId: "RDS") == "http://127.0.0.1:4566")
        #expect(try resolver.endpointURL(serviceId: "Secrets Manager") == nil)
    }

    @Test func filesNamedByVariablesWithTilde() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("elsewhere/creds", "[default]\naws_access_key_id = AKID\naws_secret_access_key = s\naws_session_token = t\n")
        let environment = ["HOME": directory.path, "AWS_SHARED_CREDENTIALS_FILE": "~/elsewhere/creds", "AWS_CONFIG_FILE": "~/nope"]
        let resolved = try AWSConfigurationResolver(sources: .live(environment: environment)).credentials()
        #expect(resolved.credentials.sessionToken == "t")
        #expect(resolved.source == "\(directory.path)/elsewhere/creds, profile \"default\"")
    }

    @Test func missingFilesAndADirectoryInPlaceOfAFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.path + "/.aws/credentials", withIntermediateDirectories: true)
        let resolver = AWSConfigurationResolver(sources: .live(environment: ["HOME": directory.path]))
        let error = expectError(.credentialsNotFound) { _ = try resolver.credentials() }
        expectInOrder(
            error?.message,
            ["\(directory.path)/.aws/credentials does not exist", "\(directory.path)/.aws/config does not exist"])
    }

    @Test func malformedRealFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("config", "[default]\nregion = us-east-1\n[default]\n")
        let resolver = AWSConfigurationResolver(
            sources: .live(environment: ["HOME": directory.path, "AWS_CONFIG_FILE": directory.path + "/config"]))
        let error = expectError(.configFileMalformed) { _ = try resolver.region() }
        expectInOrder(error?.message, ["\(directory.path)/config (from AWS_CONFIG_FILE), line 3"])
    }
}
