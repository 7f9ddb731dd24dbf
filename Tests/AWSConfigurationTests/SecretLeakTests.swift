import AWSConfiguration
import AWSSigning
import Testing

/// The canary secret is written everywhere a secret can be; no message or description may repeat it.
@Suite struct SecretLeakTests {
    static let secretEnvironment = [
        "AWS_SECRET_ACCESS_KEY": canary, "AWS_SESSION_TOKEN": canary, "AWS_SECURITY_TOKEN": canary,
    ]

    static let failingFixtures: [Fixture] = [
        // Incomplete pairs in the environment and in files.
        Fixture(environment: secretEnvironment),
        Fixture(credentials: "[default]\naws_secret_access_key = \(canary)\naws_session_token = \(canary)\n"),
        Fixture(config: "[default]\naws_access_key_id = \(canary)\naws_secret_access_key =\n"),
        // Unsupported sources beside secrets.
        Fixture(config: "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = default\naws_secret_access_key = \(canary)\n"),
        Fixture(config: "[default]\ncredential_process = /bin/creds --secret \(canary)\n"),
        Fixture(environment: ["AWS_PROFILE": "x", "AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": canary]),
        // Malformed lines holding secrets.
        Fixture(credentials: "[default]\naws_secret_access_key \(canary)\n"),
        Fixture(credentials: "aws_secret_access_key = \(canary)\n"),
        Fixture(credentials: "[default]\naws_secret_access_key = \(canary)\naws_secret_access_key = \(canary)\n"),
        Fixture(credentials: "[default]\naws_secret_access_key =\n  \(canary)\n"),
        Fixture(config: "[default]\nservices = s\n[services s]\nrds =\n  \(canary)\n"),
        // Endpoint with a password in it.
        Fixture(environment: ["AWS_ENDPOINT_URL_RDS": "https://user:\(canary)@host"]),
    ]

    @Test(arguments: failingFixtures.indices)
    func noMessageRepeatsTheSecret(index: Int) {
        let resolver = Self.failingFixtures[index].resolver()
        var thrown: [AWSConfigurationError] = []
        let attempts: [() throws -> Void] = [
            { _ = try resolver.credentials() },
            { _ = try resolver.region() },
            { _ = try resolver.endpointURL(serviceId: "RDS") },
        ]
        for attempt in attempts {
            do {
                try attempt()
            } catch let error as AWSConfigurationError {
                thrown.append(error)
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
        #expect(!thrown.isEmpty)
        for error in thrown {
            for text in [error.message, error.description, String(describing: error), String(reflecting: error)] {
                #expect(!text.contains(canary), "\(error.code) leaks the secret")
            }
        }
    }

    @Test func resolvedCredentialsDoNotPrintTheirSecrets() throws {
        let fixture = Fixture(environment: [
            "AWS_ACCESS_KEY_ID": "AKIDVISIBLE", "AWS_SECRET_ACCESS_KEY": canary, "AWS_SESSION_TOKEN": canary,
        ])
        let resolved = try fixture.resolver().credentials()
        #expect(resolved.credentials.secretAccessKey == canary)
        var dumped = ""
        dump(resolved, to: &dumped)
        for text in [resolved.description, String(describing: resolved), String(reflecting: resolved), dumped, resolved.source] {
            #expect(!text.contains(canary))
        }
        #expect(resolved.description.contains("AKIDVISIBLE"))
    }
}
